/**
 * argocd/: what Argo CD deploys. Checked as a user relies on it — every
 * manifest valid against the Argo CD CRD schemas, the per-environment policy
 * (prod never syncs by itself), least-privilege projects, and a bootstrap
 * that real kustomize can build and whose every source path exists and renders.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { synthesizeArgoCd } from '../src/argocd/index.ts';
import { HIVEBOX_CLUSTER_KINDS, HIVEBOX_NAMESPACED_KINDS } from '../src/argocd/projects.ts';
import { RESOURCES_FINALIZER } from '../src/argocd/resources.ts';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { validateSchema } from '../src/schemas/index.ts';
import { isGeneratedFile } from '../src/kube/header.ts';
import { planOutputs } from '../src/synth/plan.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import { repositoryInfo } from '../src/config/repository.ts';
import type { GeneratedFile } from '../src/kube/generated-file.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { kustomizeBuild } from '../src/toolchain/kubectl.ts';

const ROOT = join(import.meta.dirname, '..');
const environments = loadEnvironments(ROOT);
const repo = repositoryInfo(ROOT);
const files = synthesizeArgoCd(environments, repo);

// Parsed YAML: the tests navigate it freely and assert on what they find.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Doc = Manifest & { spec: Any };

function docs(file: GeneratedFile): Doc[] {
  return parseAllDocuments(file.content)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

const all = files.flatMap((file) => docs(file).map((doc) => ({ file: file.path, doc })));
const ofKind = (kind: string) => all.filter((entry) => entry.doc.kind === kind).map((entry) => entry.doc);
const applications = ofKind('Application');
const projects = ofKind('AppProject');
const app = (name: string) => applications.find((a) => a.metadata.name === name)!;
const clusterOf = (doc: Doc) => doc.metadata.labels?.['hivebox.dev/cluster'];
const project = (name: string, cluster: string) => projects.find((p) => p.metadata.name === name && clusterOf(p) === cluster)!;
const clusters = [...new Set(environments.map((env) => env.cluster))].sort();

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('argocd/ files', () => {
  it('are all under argocd/, start with the generated header and come in a stable order', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file.path.startsWith('argocd/'), file.path).toBe(true);
      expect(isGeneratedFile(file.content), file.path).toBe(true);
    }
    expect(files.map((f) => f.path)).toEqual([...files.map((f) => f.path)].sort());
    expect(synthesizeArgoCd([...environments].reverse(), repo)).toEqual(files);
  });

  it('validate against the Argo CD, cert-manager, External Secrets and Kyverno CRD schemas', () => {
    const validated = all.filter(({ doc }) => doc.kind !== 'Kustomization');
    expect(validated.length).toBeGreaterThan(20);
    for (const { file, doc } of validated) {
      expect(validateSchema(doc, '1.31'), `${file} ${doc.kind}/${doc.metadata.name}`).toEqual([]);
    }
  });

  it('would catch a misspelt Argo CD field (the schema check is not vacuous)', () => {
    const broken = structuredClone(app('hivebox-dev'));
    broken.spec.syncPolicy.automated.selfHael = true;
    expect(validateSchema(broken, '1.31').map((v) => v.reason)).toContain('unknown-field');
  });

  it('never set ignoreDifferences (none is needed, so none is written)', () => {
    for (const application of applications) expect(application.spec.ignoreDifferences, application.metadata.name).toBeUndefined();
  });
});

describe('one Application per environment', () => {
  it.each(environments.map((env) => [env.name, env] as const))(
    "%s: hivebox-<env> in its cluster's argocd → envs/<env> into its namespace there",
    (_name, env) => {
      const application = app(`hivebox-${env.name}`);
      expect(application.metadata.namespace).toBe('argocd');
      expect(clusterOf(application)).toBe(env.cluster);
      expect(all.find((entry) => entry.doc === application)!.file).toBe(`argocd/${env.cluster}/apps/hivebox-${env.name}.yaml`);
      expect(application.spec.project).toBe('hivebox');
      expect(application.spec.source).toEqual({ repoURL: repo.url, targetRevision: 'main', path: `envs/${env.name}` });
      // Each cluster's own Argo CD deploys to the cluster it runs in, and nowhere else.
      expect(application.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: env.namespace });
      expect((application.metadata as Any).finalizers).toEqual([RESOURCES_FINALIZER]);
      expect(application.metadata.annotations!['argocd.argoproj.io/manifest-generate-paths']).toBe('.;/base');
    },
  );

  it('dev and staging sync automatically with prune, selfHeal and unlimited retries with backoff, on the newest commit', () => {
    for (const name of ['dev', 'staging']) {
      const policy = app(`hivebox-${name}`).spec.syncPolicy;
      expect(policy.automated).toEqual({ prune: true, selfHeal: true });
      expect(policy.retry.limit).toBeLessThan(0);
      expect(policy.retry.refresh).toBe(true);
      expect(policy.retry.backoff).toMatchObject({ duration: expect.any(String), factor: 2, maxDuration: expect.any(String) });
    }
  });

  it('prod, synced by hand, is pruned or deleted only after a person confirms; dev and staging are not held up', () => {
    expect(app('hivebox-prod').metadata.annotations!['argocd.argoproj.io/sync-options']).toBe('Prune=confirm,Delete=confirm');
    for (const name of ['dev', 'staging'])
      expect(app(`hivebox-${name}`).metadata.annotations!['argocd.argoproj.io/sync-options']).toBeUndefined();
  });

  it('prod has no automated sync: a person syncs it', () => {
    const prod = environments.find((env) => env.name === 'prod')!;
    expect(prod.sync.mode).toBe('manual');
    expect(app('hivebox-prod').spec.syncPolicy.automated).toBeUndefined();
    expect(app('hivebox-prod').spec.syncPolicy.retry).toBeUndefined();
  });

  it('subscribes notifications exactly as env.yaml lists them, per trigger and service', () => {
    const annotations = app('hivebox-prod').metadata.annotations!;
    const subscriptions = Object.fromEntries(Object.entries(annotations).filter(([key]) => key.startsWith('notifications.argoproj.io/')));
    expect(subscriptions).toEqual({
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'hivebox-prod',
      'notifications.argoproj.io/subscribe.on-sync-failed.pagerdutyv2': 'hivebox',
      'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'hivebox-prod',
      'notifications.argoproj.io/subscribe.on-health-degraded.pagerdutyv2': 'hivebox',
      'notifications.argoproj.io/subscribe.on-deployed.slack': 'hivebox-releases',
    });
  });

  it('joins several recipients of one service with ";"', () => {
    const env = {
      ...environments[0]!,
      notifications: { onSyncFailed: ['slack:a', 'slack:b'], onHealthDegraded: [], onDeployed: [] },
    } as Environment;
    const [application] = synthesizeArgoCd([env], repo)
      .flatMap(docs)
      .filter((d) => d.kind === 'Application' && d.metadata.name.startsWith('hivebox-'));
    expect(application!.metadata.annotations!['notifications.argoproj.io/subscribe.on-sync-failed.slack']).toBe('a;b');
  });

  it('follows the environments: a new env.yaml adds its Application, a removed one drops it', () => {
    const qa = { ...environments[0]!, name: 'qa', file: 'envs/qa/env.yaml', namespace: 'hivebox-qa' } as Environment;
    const names = (envs: readonly Environment[]) =>
      synthesizeArgoCd(envs, repo)
        .flatMap(docs)
        .filter((d) => d.kind === 'Application' && d.metadata.name.startsWith('hivebox-'))
        .map((d) => d.metadata.name);
    expect(names([...environments, qa])).toContain('hivebox-qa');
    expect(names(environments.filter((env) => env.name !== 'dev'))).not.toContain('hivebox-dev');
  });
});

describe('sync waves', () => {
  it.each(environments.map((env) => [env.name, env] as const))(
    '%s: Namespace, then quotas and ExternalSecrets, then Valkey and MinIO, then HiveBox',
    (_name, env) => {
      const manifests = renderEnvironment(env);
      const waveOf = (kind: string, name?: string) => {
        const m = manifests.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
        return m === undefined ? undefined : Number(m.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
      };
      const wave = (kind: string, name?: string) => {
        const value = waveOf(kind, name);
        expect(value, `${kind}/${name ?? ''}`).toBeTypeOf('number');
        return value!;
      };
      const guardrails = [wave('ResourceQuota'), wave('LimitRange'), wave('ExternalSecret')];
      // An environment with an external Valkey or MinIO runs no StatefulSet for it.
      const stores = [waveOf('StatefulSet', 'valkey'), waveOf('StatefulSet', 'minio')].filter((w): w is number => w !== undefined);
      const app = wave('Deployment', 'hivebox');
      expect(wave('Namespace')).toBeLessThan(Math.min(...guardrails));
      expect(Math.max(...guardrails)).toBeLessThan(Math.min(...stores, app));
      expect(Math.max(...stores)).toBeLessThan(app);
    },
  );
});

describe('projects', () => {
  it('are hivebox, platform and bootstrap on each cluster, and no field of theirs holds a wildcard', () => {
    expect(projects.map((p) => `${clusterOf(p)}/${p.metadata.name}`).sort()).toEqual(
      clusters.flatMap((c) => ['argocd', 'bootstrap', 'hivebox', 'platform'].map((p) => `${c}/${p}`)),
    );
    for (const p of projects) {
      // A sync window's cron schedule is a time, not a permission: its `*` is not a wildcard grant.
      const permissions = { ...p.spec, syncWindows: (p.spec.syncWindows ?? []).map(({ schedule: _cron, ...window }: Any) => window) };
      for (const value of strings(permissions)) expect(value, `${p.metadata.name}: ${value}`).not.toContain('*');
    }
  });

  it.each(clusters)(
    'hivebox on %s: this repository only, exactly the namespaces of the environments there, Namespace as the only cluster-scoped kind',
    (cluster) => {
      const spec = project('hivebox', cluster).spec;
      expect(spec.sourceRepos).toEqual([repo.url]);
      expect(new Set(spec.destinations.map((d: Any) => `${d.server}/${d.namespace}`))).toEqual(
        new Set(environments.filter((env) => env.cluster === cluster).map((env) => `https://kubernetes.default.svc/${env.namespace}`)),
      );
      expect(spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    },
  );

  it('hivebox: allows exactly the namespaced kinds the constructs render', () => {
    const key = (group: string, kind: string) => `${group}/${kind}`;
    const clusterKinds = new Set(HIVEBOX_CLUSTER_KINDS.map((k) => key(k.group, k.kind)));
    const rendered = new Set(
      environments.flatMap(renderEnvironment).map((m) => key(m.apiVersion.includes('/') ? m.apiVersion.split('/')[0]! : '', m.kind)),
    );
    const allowed = new Set(HIVEBOX_NAMESPACED_KINDS.map((k) => key(k.group, k.kind)));
    expect(allowed).toEqual(new Set([...rendered].filter((k) => !clusterKinds.has(k))));
  });

  it('hivebox: the prod sync window from env.yaml applies to hivebox-prod only, manual override as configured', () => {
    const prod = environments.find((env) => env.name === 'prod')!;
    expect(project('hivebox', prod.cluster).spec.syncWindows).toEqual(
      prod.sync.windows.map((window) => ({ ...window, applications: ['hivebox-prod'] })),
    );
    expect(project('hivebox', 'nonprod').spec.syncWindows).toEqual([]);
  });

  it.each(clusters)(
    "argocd on %s: Argo CD's own Application alone, into its namespace, with exactly the kinds its chart and secrets create",
    (cluster) => {
      const spec = project('argocd', cluster).spec;
      const members = applications.filter((a) => clusterOf(a) === cluster && a.spec.project === 'argocd').map((a) => a.metadata.name);
      expect(members).toEqual([`argo-cd-${cluster}`]);
      expect(spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
      expect(spec.sourceRepos).toEqual(['https://argoproj.github.io/argo-helm', repo.url]);
      const kinds = (list: Any[]) => list.map((k) => `${k.group}/${k.kind}`).sort();
      expect(kinds(spec.clusterResourceWhitelist)).toEqual([
        'apiextensions.k8s.io/CustomResourceDefinition',
        'rbac.authorization.k8s.io/ClusterRole',
        'rbac.authorization.k8s.io/ClusterRoleBinding',
      ]);
      // Every kind the Application's extra manifests create is allowed, and nothing the platform project serves reaches argocd.
      const extra = all
        .filter((e) => e.file.startsWith(`argocd/${cluster}/platform/argo-cd/`) && e.doc.kind !== 'Kustomization')
        .map((e) => e.doc);
      expect(extra.length).toBeGreaterThan(0);
      for (const doc of extra)
        expect(kinds(spec.namespaceResourceWhitelist), doc.kind).toContain(
          `${doc.apiVersion.includes('/') ? doc.apiVersion.split('/')[0] : ''}/${doc.kind}`,
        );
      expect(project('platform', cluster).spec.destinations.map((d: Any) => d.namespace)).not.toContain('argocd');
      expect(app(`argo-cd-${cluster}`).spec.syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
    },
  );

  it.each(clusters)(
    'platform on %s: a Namespace only by name, exactly the namespaces it deploys to, so it can relabel no other',
    (cluster) => {
      const spec = project('platform', cluster).spec;
      const namespaces = spec.clusterResourceWhitelist.filter((k: Any) => k.group === '' && k.kind === 'Namespace');
      expect(namespaces.map((k: Any) => k.name)).toEqual(spec.destinations.map((d: Any) => d.namespace));
      const created = applications.filter(
        (a) => clusterOf(a) === cluster && a.spec.project === 'platform' && a.spec.syncPolicy.syncOptions.includes('CreateNamespace=true'),
      );
      for (const a of created)
        expect(
          namespaces.map((k: Any) => k.name),
          a.metadata.name,
        ).toContain(a.spec.destination.namespace);
      expect(namespaces.map((k: Any) => k.name)).not.toContain(environments.find((env) => env.cluster === cluster)!.namespace);
    },
  );

  it('bootstrap: Applications and AppProjects in argocd of the local cluster, nothing cluster-scoped', () => {
    const spec = project('bootstrap', 'prod').spec;
    expect(spec.sourceRepos).toEqual([repo.url]);
    expect(spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(spec.clusterResourceWhitelist).toEqual([]);
    expect(spec.namespaceResourceWhitelist.map((k: Any) => k.kind).sort()).toEqual(['AppProject', 'Application']);
  });
});

describe('bootstrap and rendering (real kustomize)', () => {
  let root: string;
  let outputs: Map<string, string>;
  beforeAll(async () => {
    outputs = await planOutputs(ROOT);
    root = mkdtempSync(join(tmpdir(), 'hivebox-argocd-'));
    for (const [path, content] of outputs) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('synth writes exactly the argocd/ files synthesizeArgoCd returns', () => {
    const planned = [...outputs.entries()].filter(([path]) => path.startsWith('argocd/'));
    expect(new Map(planned)).toEqual(new Map(files.map((f) => [f.path, f.content])));
  });

  it.each(clusters)(
    "`kubectl apply -k argocd/%s/bootstrap` creates the bootstrap project and that cluster's root Application",
    async (cluster) => {
      const built = parseAllDocuments(await kustomizeBuild(join(root, `argocd/${cluster}/bootstrap`))).map((d) => d.toJS() as Doc);
      expect(built.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(['AppProject/bootstrap', 'Application/root']);
      const rootApp = built.find((d) => d.kind === 'Application')!;
      expect(rootApp.spec.project).toBe('bootstrap');
      expect(rootApp.spec.source).toEqual({ repoURL: repo.url, targetRevision: 'main', path: `argocd/${cluster}` });
      expect(rootApp.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      // PruneLast would add a wave after the last, where the Applications a person syncs wait.
      expect(rootApp.spec.syncPolicy.syncOptions ?? []).not.toContain('PruneLast=true');
    },
  );

  it.each(clusters)(
    'the root of %s deploys every project and Application of that cluster, itself included, and nothing of another',
    async (cluster) => {
      const built = parseAllDocuments(await kustomizeBuild(join(root, `argocd/${cluster}`))).map((d) => d.toJS() as Doc);
      const names = (list: readonly Doc[]) => list.map((d) => `${d.kind}/${d.metadata.name}`).sort();
      expect(names(built)).toEqual(names([...projects, ...applications].filter((d) => clusterOf(d) === cluster)));
    },
  );

  it('every Application source path exists and renders with kustomize', async () => {
    const paths = new Set(
      applications
        .flatMap((a) => [a.spec.source, ...(a.spec.sources ?? [])])
        .filter((s: Any) => s?.path)
        .map((s: Any) => s.path as string),
    );
    for (const env of environments) expect(paths).toContain(`envs/${env.name}`);
    for (const path of paths) {
      const rendered = parseAllDocuments(await kustomizeBuild(join(root, path))).filter((d) => d.toJS() !== null);
      expect(rendered.length, path).toBeGreaterThan(0);
    }
  });
});
