/**
 * The in-cluster platform: pinned charts with value files that exist, one set
 * of Applications per cluster the environments use, and cluster config that
 * matches what the HiveBox manifests expect of it (issuers, secret stores,
 * policies, log labels, dashboard label).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { synthesizeArgoCd } from '../src/argocd/index.ts';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE } from '../src/constructs/monitoring.ts';
import { ENVIRONMENT_LABEL } from '../src/constructs/metadata.ts';
import { InputError } from '../src/errors.ts';
import {
  clusterConfig,
  CLUSTER_ISSUERS,
  PLATFORM_SECRET_STORE,
  PLATFORM_SECRETS_NAMESPACE,
  secretSourceNamespace,
} from '../src/platform/cluster-config.ts';
import { componentByName, KYVERNO, PLATFORM_COMPONENTS } from '../src/catalog/components.ts';
import { policyExceptionNamespace } from '../src/platform/policy-exceptions.ts';
import { loadChartValues } from '../src/platform/values.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import { repositoryInfo } from '../src/config/repository.ts';
import type { Manifest } from '../src/kube/manifest.ts';

const ROOT = join(import.meta.dirname, '..');
const environments = loadEnvironments(ROOT);
const repo = repositoryInfo(ROOT);
const clusters = [...new Set(environments.map((env) => env.cluster))].sort();

// Parsed YAML: the tests navigate it freely and assert on what they find.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Doc = Manifest & { spec: Any };
let argocd: Doc[] | undefined;
/** The argocd/ tree synthesized from the repository's environments, once per file: the tests only read it. */
const synthesized = (): Doc[] =>
  (argocd ??= synthesizeArgoCd(environments, repo).flatMap((file) => parseAllDocuments(file.content).map((d) => d.toJS() as Doc)));
const app = (name: string) => synthesized().find((d) => d.kind === 'Application' && d.metadata.name === name)!;
const platformApps = () =>
  synthesized().filter((d) => d.kind === 'Application' && d.metadata.labels?.['app.kubernetes.io/part-of'] === 'platform');

describe('platform charts', () => {
  it('pin exact versions (no ranges, no "latest") from https Helm repositories or, as Argo CD reads a scheme-less URL, OCI registries', () => {
    for (const component of PLATFORM_COMPONENTS) {
      expect(component.version, component.name).toMatch(/^v?\d+\.\d+\.\d+$/);
      // Argo CD treats a Helm repoURL without a scheme as an OCI registry (docs: user-guide/helm, "OCI Helm charts").
      expect(component.repoURL, component.name).toMatch(/^(https:\/\/|docker\.io\/[a-z0-9-]+$)/);
    }
  });

  it('are installed once per cluster the environments name, no more', () => {
    const apps = platformApps();
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(
      clusters.flatMap((cluster) => PLATFORM_COMPONENTS.map((c) => `${c.name}-${cluster}`)).sort(),
    );
    // Each cluster's own Argo CD installs its platform into the cluster it runs in.
    for (const a of apps) expect(a.spec.destination.server).toBe('https://kubernetes.default.svc');
  });

  it('read values from this repository through $values, and every value file exists and is a YAML mapping', () => {
    for (const application of platformApps()) {
      const [chart, values] = application.spec.sources;
      expect(values).toEqual({ repoURL: repo.url, targetRevision: 'main', ref: 'values' });
      expect(chart.helm.valueFiles.length).toBe(2);
      for (const file of chart.helm.valueFiles as string[]) {
        expect(file.startsWith('$values/charts/'), file).toBe(true);
        const path = join(ROOT, file.slice('$values/'.length));
        expect(existsSync(path), `${application.metadata.name}: ${file}`).toBe(true);
        const parsed = parse(readFileSync(path, 'utf8'));
        expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), file).toBe(true);
      }
    }
  });

  it('has no value file for a component or cluster nothing uses', () => {
    const expected = new Set(
      PLATFORM_COMPONENTS.flatMap((c) => ['values.yaml', ...clusters.map((k) => `values-${k}.yaml`)].map((f) => `${c.name}/${f}`)),
    );
    const present = readdirSync(join(ROOT, 'charts'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((dir) => readdirSync(join(ROOT, 'charts', dir.name)).map((f) => `${dir.name}/${f}`));
    expect(new Set(present)).toEqual(expected);
  });

  it('on a cluster hosting a manually synced environment, changes only when a person syncs', () => {
    const manualClusters = new Set(environments.filter((env) => env.sync.mode === 'manual').map((env) => env.cluster));
    expect(manualClusters).toContain('prod');
    for (const application of platformApps()) {
      const manual = manualClusters.has(application.metadata.labels!['hivebox.dev/cluster']!);
      expect(application.spec.syncPolicy.automated === undefined, application.metadata.name).toBe(manual);
    }
    const platformProject = (cluster: string) =>
      synthesized().find(
        (d) => d.kind === 'AppProject' && d.metadata.name === 'platform' && d.metadata.labels?.['hivebox.dev/cluster'] === cluster,
      )!;
    const projectOf = (name: string) =>
      synthesized().find(
        (d) => d.kind === 'AppProject' && d.metadata.name === name && d.metadata.labels?.['hivebox.dev/cluster'] === 'prod',
      )!;
    // Every prod platform Application is under the windows, in whichever project it belongs to.
    const windowed = PLATFORM_COMPONENTS.flatMap((c) =>
      projectOf(c.project?.name ?? 'platform').spec.syncWindows.filter((w: Any) => w.applications.includes(`${c.name}-prod`)),
    );
    expect(windowed).toHaveLength(PLATFORM_COMPONENTS.length);
    expect(new Set(platformProject('prod').spec.syncWindows.flatMap((w: Any) => w.applications))).toEqual(
      new Set(PLATFORM_COMPONENTS.filter((c) => !c.project).map((c) => `${c.name}-prod`)),
    );
    expect(platformProject('nonprod').spec.syncWindows).toEqual([]);
  });

  it('install each CRD group once, in a wave before every chart that renders its kinds', () => {
    const installers = new Map<string, string[]>();
    for (const c of PLATFORM_COMPONENTS) for (const group of c.crdGroups) installers.set(group, [...(installers.get(group) ?? []), c.name]);
    for (const [group, components] of installers) expect(components, group).toHaveLength(1);
    for (const component of PLATFORM_COMPONENTS) {
      for (const kind of component.customKinds) {
        const installer = installers.get(kind.group)?.[0];
        expect(installer, `${component.name}: ${kind.kind}`).toBeDefined();
        for (const cluster of clusters) {
          const step = (name: string) => Number(app(`${name}-${cluster}`).metadata.labels!['hivebox.dev/sync-step']);
          expect(step(installer!), `${cluster}: ${component.name}: ${kind.kind} from ${installer}`).toBeLessThan(step(component.name));
        }
      }
    }
    // The monitoring.coreos.com CRDs come from prometheus-operator-crds, so kube-prometheus-stack must not install them too.
    expect(installers.get('monitoring.coreos.com')).toEqual(['prometheus-operator-crds']);
    expect(parse(readFileSync(join(ROOT, 'charts/kube-prometheus-stack/values.yaml'), 'utf8')).crds).toEqual({ enabled: false });
  });

  it.each(clusters)(
    'platform project on %s: this repository and the chart repositories, exactly the platform namespaces there',
    (cluster) => {
      const spec = synthesized().find(
        (d) => d.kind === 'AppProject' && d.metadata.name === 'platform' && d.metadata.labels?.['hivebox.dev/cluster'] === cluster,
      )!.spec;
      // Argo CD has a project of its own: the shared platform project reaches neither its chart nor its namespace.
      const shared = PLATFORM_COMPONENTS.filter((c) => !c.project);
      expect(spec.sourceRepos).toEqual([repo.url, ...new Set(shared.map((c) => c.repoURL))].sort());
      const expected = [
        ...shared.map((c) => c.namespace),
        PLATFORM_SECRETS_NAMESPACE,
        ...environments.filter((env) => env.cluster === cluster).map((env) => secretSourceNamespace(env)),
      ];
      expect(new Set(spec.destinations.map((d: Any) => `${d.server}/${d.namespace}`))).toEqual(
        new Set(expected.map((ns) => `https://kubernetes.default.svc/${ns}`)),
      );
    },
  );
});

describe('cluster config', () => {
  const config = (cluster: string, kind: string) =>
    (
      clusterConfig(cluster, environments).get(
        { ClusterIssuer: 'cert-manager', ClusterPolicy: 'kyverno', ClusterSecretStore: 'external-secrets' }[kind]!,
      ) ?? []
    ).filter((m) => m.kind === kind) as Doc[];

  it("defines the ClusterIssuer each environment's route names, on that environment's cluster, and its Gateway asks for it", () => {
    expect(config('nonprod', 'ClusterIssuer').map((m) => m.metadata.name)).toEqual(['letsencrypt-staging']);
    expect(config('prod', 'ClusterIssuer').map((m) => m.metadata.name)).toEqual(['letsencrypt-production']);
    for (const env of environments) {
      const issuer = config(env.cluster, 'ClusterIssuer').find((m) => m.metadata.name === env.route.tlsIssuer)!;
      expect(issuer.spec.acme.server).toBe(CLUSTER_ISSUERS[env.route.tlsIssuer as keyof typeof CLUSTER_ISSUERS]);
      const gateway = clusterConfig(env.cluster, environments)
        .get('envoy-gateway')!
        .find((m) => m.kind === 'Gateway')!;
      expect(gateway.metadata.annotations).toMatchObject({ 'cert-manager.io/cluster-issuer': env.route.tlsIssuer });
    }
  });

  it('rejects a tlsIssuer the platform does not define, naming the env file and field', () => {
    const typo = { ...environments[0]!, route: { ...environments[0]!.route, tlsIssuer: 'letsencrypt-prod' } } as Environment;
    expect(() => clusterConfig(typo.cluster, [typo])).toThrow(InputError);
    expect(() => clusterConfig(typo.cluster, [typo])).toThrow(/route\.tlsIssuer/);
  });

  it('rejects two issuers on one cluster: its one Gateway names one', () => {
    const [dev, staging] = ['dev', 'staging'].map((name) => environments.find((env) => env.name === name)!);
    const mixed = { ...staging!, route: { ...staging!.route, tlsIssuer: 'letsencrypt-production' } } as Environment;
    expect(() => clusterConfig('nonprod', [dev!, mixed])).toThrow(
      /envs\/staging\/env\.yaml: route\.tlsIssuer: expected "letsencrypt-staging", the ClusterIssuer dev \(envs\/dev\/env\.yaml\) uses/,
    );
  });

  it("serves each environment's ExternalSecret from its own ClusterSecretStore, usable only from its namespace", () => {
    for (const env of environments) {
      const externalSecret = renderEnvironment(env).find((m) => m.kind === 'ExternalSecret') as Doc;
      expect(externalSecret.spec.secretStoreRef).toMatchObject({ kind: 'ClusterSecretStore', name: env.secretStore });
      const store = config(env.cluster, 'ClusterSecretStore').find((m) => m.metadata.name === env.secretStore)!;
      expect(store.spec.conditions).toEqual([{ namespaces: [env.namespace] }]);
      expect(store.spec.provider.kubernetes.remoteNamespace).toBe(secretSourceNamespace(env));
    }
  });

  it("guards exactly the cluster's HiveBox namespaces, and HiveBox's own pods pass the policies", () => {
    for (const cluster of clusters) {
      const policies = config(cluster, 'ClusterPolicy');
      expect(policies.map((p) => p.metadata.name).sort()).toEqual([
        'hivebox-disallow-latest-tag',
        'hivebox-pod-security-restricted',
        'hivebox-require-resources',
        'hivebox-verify-image-signature',
      ]);
      const namespaces = environments
        .filter((env) => env.cluster === cluster)
        .map((env) => env.namespace)
        .sort();
      for (const policy of policies) {
        for (const rule of policy.spec.rules) expect(rule.match.any[0].resources.namespaces).toEqual(namespaces);
      }
    }
    for (const env of environments) {
      for (const workload of renderEnvironment(env).filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind)) as Doc[]) {
        for (const container of [...workload.spec.template.spec.containers, ...(workload.spec.template.spec.initContainers ?? [])]) {
          const where = `${env.name} ${workload.kind}/${workload.metadata.name} ${container.name}`;
          expect(container.image, where).toMatch(/[:@]/);
          expect(container.image, where).not.toMatch(/:latest$/);
          expect(container.resources?.requests?.cpu, where).toBeDefined();
          expect(container.resources?.requests?.memory, where).toBeDefined();
          expect(container.resources?.limits?.memory, where).toBeDefined();
        }
      }
    }
  });

  it("verifies the HiveBox image's keyless signature from its release workflow, by an anchored regular expression", () => {
    const policy = config('prod', 'ClusterPolicy').find((p) => p.metadata.name === 'hivebox-verify-image-signature')!;
    const verify = policy.spec.rules[0].verifyImages[0];
    expect(verify.imageReferences).toEqual(['ghcr.io/hivebox-platform/hivebox*']);
    // No `subject`: Kyverno reads it as a wildcard and either field matching is enough (test/signing.test.ts).
    expect(verify.attestors[0].entries[0].keyless).toEqual({
      subjectRegExp:
        '^https://github\\.com/hivebox-platform/hivebox/\\.github/workflows/release\\.yml@(refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?)$',
      issuer: 'https://token.actions.githubusercontent.com',
      rekor: { url: 'https://rekor.sigstore.dev' },
    });
    // Mutating only Pods: an auto-generated Deployment rule would make Argo CD see drift.
    expect(policy.metadata.annotations!['pod-policies.kyverno.io/autogen-controllers']).toBe('none');
  });

  it('applies config after the chart that defines its kinds, without a dry run against missing CRDs', () => {
    for (const cluster of clusters) {
      for (const manifests of clusterConfig(cluster, environments).values()) {
        for (const m of manifests.filter((m) => m.kind.startsWith('Cluster'))) {
          expect(m.metadata.annotations).toMatchObject({
            'argocd.argoproj.io/sync-wave': '1',
            'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
          });
        }
      }
    }
  });
});

describe('the platform secret store (generated argocd/)', () => {
  /** Every document of a generated file under argocd/. */
  const generated = (path: string): Doc[] =>
    parseAllDocuments(readFileSync(join(ROOT, 'argocd', path), 'utf8'))
      .map((d) => d.toJS() as Doc)
      .filter((d) => d !== null);
  const chartValues = (component: string) => parse(readFileSync(join(ROOT, 'charts', component, 'values.yaml'), 'utf8'));
  const externalSecret = (cluster: string, component: string) => {
    const secrets = generated(`${cluster}/platform/${component}/manifests.yaml`).filter((m) => m.kind === 'ExternalSecret');
    expect(secrets.length, `${cluster}/${component}`).toBe(1);
    return secrets[0]!;
  };

  it.each(clusters)(
    '%s: one store reading only platform-secrets (Pod Security restricted), usable only from argocd, external-dns and monitoring',
    (cluster) => {
      const manifests = generated(`${cluster}/platform/external-secrets/manifests.yaml`);
      const store = manifests.find((m) => m.kind === 'ClusterSecretStore' && m.metadata.name === PLATFORM_SECRET_STORE)!;
      expect(store.spec.conditions).toEqual([{ namespaces: ['argocd', 'external-dns', 'monitoring'] }]);
      expect(store.spec.provider.kubernetes).toEqual({
        remoteNamespace: 'platform-secrets',
        server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt', namespace: 'platform-secrets' } },
        auth: { serviceAccount: { name: 'platform-reader', namespace: 'platform-secrets' } },
      });
      const namespace = manifests.find((m) => m.kind === 'Namespace' && m.metadata.name === PLATFORM_SECRETS_NAMESPACE)!;
      expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      const inSource = manifests.filter((m) => m.metadata.namespace === PLATFORM_SECRETS_NAMESPACE);
      expect(inSource.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
        'Role/platform-reader',
        'RoleBinding/platform-reader',
        'ServiceAccount/platform-reader',
      ]);
      const role = inSource.find((m) => m.kind === 'Role') as Any;
      expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
      const binding = inSource.find((m) => m.kind === 'RoleBinding') as Any;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'platform-reader', namespace: 'platform-secrets' }]);
      expect((inSource.find((m) => m.kind === 'ServiceAccount') as Any).automountServiceAccountToken).toBe(false);
      // The environments' stores are still there, each for its own namespace only.
      for (const env of environments.filter((e) => e.cluster === cluster)) {
        expect(manifests.find((m) => m.kind === 'ClusterSecretStore' && m.metadata.name === env.secretStore)!.spec.conditions).toEqual([
          { namespaces: [env.namespace] },
        ]);
      }
    },
  );

  it.each(clusters)("%s: Grafana's admin login is the Secret the chart is told to use, written from the platform store", (cluster) => {
    const admin = chartValues('kube-prometheus-stack').grafana.admin;
    const secret = externalSecret(cluster, 'kube-prometheus-stack');
    expect(secret.metadata).toMatchObject({ name: admin.existingSecret, namespace: componentByName('kube-prometheus-stack').namespace });
    expect(secret.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE });
    expect(secret.spec.target.name).toBe(admin.existingSecret);
    expect(secret.spec.data).toEqual(
      [admin.userKey, admin.passwordKey].map((key: string) => ({
        secretKey: key,
        remoteRef: { key: admin.existingSecret, property: key },
      })),
    );
  });

  it.each(clusters)("%s: ExternalDNS's Cloudflare token is the Secret its env reads, written from the platform store", (cluster) => {
    const token = chartValues('external-dns').env.find((e: Any) => e.name === 'CF_API_TOKEN').valueFrom.secretKeyRef;
    const secret = externalSecret(cluster, 'external-dns');
    expect(secret.metadata).toMatchObject({ name: token.name, namespace: componentByName('external-dns').namespace });
    expect(secret.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE });
    expect(secret.spec.target.name).toBe(token.name);
    expect(secret.spec.data).toEqual([{ secretKey: token.key, remoteRef: { key: token.name, property: token.key } }]);
  });

  it.each(clusters)('%s: those Secrets come before the charts whose pods read them, from Applications that deploy them', (cluster) => {
    for (const component of ['kube-prometheus-stack', 'external-dns']) {
      expect(externalSecret(cluster, component).metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-wave': '-1',
        'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      });
      const application = generated(`${cluster}/platform/${component}.yaml`)[0]!;
      expect(application.spec.sources).toContainEqual(expect.objectContaining({ path: `argocd/${cluster}/platform/${component}` }));
      expect(generated(`${cluster}/platform/${component}/kustomization.yaml`)[0]).toMatchObject({ resources: ['manifests.yaml'] });
    }
  });
});

describe('observability wiring', () => {
  const values = (component: string, file = 'values.yaml') => parse(readFileSync(join(ROOT, 'charts', component, file), 'utf8'));

  it("labels logs with the environment label HiveBox's pods carry", () => {
    const alloy = values('alloy').alloy.configMap.content as string;
    const metaLabel = `__meta_kubernetes_pod_label_${ENVIRONMENT_LABEL.replace(/[./-]/g, '_')}`;
    expect(alloy).toContain(metaLabel);
    expect(alloy).toContain('target_label  = "environment"');
    expect(alloy).toContain('target_label  = "app"');
    for (const env of environments) {
      const deployment = renderEnvironment(env).find((m) => m.kind === 'Deployment' && m.metadata.name === 'hivebox') as Doc;
      expect(deployment.spec.template.metadata.labels[ENVIRONMENT_LABEL]).toBe(env.name);
    }
  });

  it('gives Grafana Loki as a data source and the dashboard label HiveBoxMonitoring uses', () => {
    const grafana = values('kube-prometheus-stack').grafana;
    expect(grafana.additionalDataSources).toContainEqual(expect.objectContaining({ type: 'loki', uid: 'loki' }));
    expect(grafana.sidecar.dashboards).toMatchObject({
      enabled: true,
      label: DASHBOARD_LABEL,
      labelValue: DASHBOARD_LABEL_VALUE,
      searchNamespace: 'ALL',
    });
    expect(values('alloy').alloy.configMap.content).toContain('http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push');
  });

  it('lets Prometheus select the ServiceMonitor and PrometheusRule from the HiveBox namespaces', () => {
    expect(values('kube-prometheus-stack').prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
  });
});

describe('Kyverno policy exceptions (charts/kyverno/values*.yaml)', () => {
  const generatedUnder = (dir: string): Doc[] => {
    const docs: Doc[] = [];
    const walk = (path: string) => {
      for (const name of readdirSync(path, { withFileTypes: true })) {
        const child = join(path, name.name);
        if (name.isDirectory()) walk(child);
        else if (/\.ya?ml$/.test(name.name))
          docs.push(
            ...parseAllDocuments(readFileSync(child, 'utf8'))
              .map((d) => d.toJS() as Doc)
              .filter((d) => d !== null),
          );
      }
    };
    walk(join(ROOT, dir));
    return docs;
  };

  it.each(clusters)(
    '%s: none on a cluster with a manually synced environment; elsewhere only from a namespace nothing in Git can write',
    (cluster) => {
      const namespace = policyExceptionNamespace(loadChartValues(ROOT, KYVERNO, cluster).values);
      if (environments.some((env) => env.cluster === cluster && env.sync.mode === 'manual')) {
        expect(namespace, `${cluster} runs production: no PolicyException may apply there`).toBeUndefined();
        return;
      }
      if (namespace === undefined) return;
      expect(namespace).not.toBe('*');
      // No AppProject of the cluster lets Argo CD deploy into it…
      const projects = generatedUnder(join('argocd', cluster)).filter((d) => d.kind === 'AppProject');
      expect(projects.length).toBeGreaterThan(0);
      for (const project of projects) {
        const allowed = (project.spec.destinations as Any[]).map((d) => d.namespace as string);
        expect(allowed, project.metadata.name).not.toContain(namespace);
        expect(
          allowed.some((pattern) => pattern.includes('*')),
          project.metadata.name,
        ).toBe(false);
      }
      // …and nothing generated lives there or creates it.
      const everything = [...generatedUnder('argocd'), ...generatedUnder('envs'), ...generatedUnder('base')];
      expect(
        everything.filter((d) => d.metadata?.namespace === namespace || (d.kind === 'Namespace' && d.metadata.name === namespace)),
      ).toEqual([]);
      expect(everything.filter((d) => d.kind === 'PolicyException')).toEqual([]);
    },
  );

  it('reads the chart values as Kyverno does: off, on without a namespace (none), one namespace, every namespace', () => {
    expect(policyExceptionNamespace({})).toBeUndefined();
    expect(policyExceptionNamespace({ features: { policyExceptions: { enabled: false, namespace: 'x' } } })).toBeUndefined();
    expect(policyExceptionNamespace({ features: { policyExceptions: { enabled: true, namespace: '' } } })).toBeUndefined();
    expect(policyExceptionNamespace({ features: { policyExceptions: { enabled: true, namespace: 'x' } } })).toBe('x');
    expect(policyExceptionNamespace({ features: { policyExceptions: { enabled: true, namespace: '*' } } })).toBe('*');
  });
});
