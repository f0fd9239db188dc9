/**
 * The e2e's preparation (.github/scripts/e2e-prepare.ts): a stand-in for every environment on the
 * cluster, the Kyverno objects that let exactly those Pods run it — replayed here the way Kyverno
 * applies them — the exception in the one namespace Kyverno honours, every Application to wait for,
 * and one-line refusals (exit 2) for a cluster the e2e cannot test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { E2eError, planE2e, standInReference, STAND_IN_POLICY, throwAwaySecrets, type E2ePlan } from '../.github/scripts/e2e-prepare.ts';
import { formatImageReference } from '../src/kube/image.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { policyExceptionNamespace } from '../src/platform/policy-exceptions.ts';
import { wildcardMatch } from '../src/platform/signing.ts';
import { loadChartValues } from '../src/platform/values.ts';
import { validateSchema } from '../src/schemas/index.ts';
import { oncePerDirectory } from '../src/toolchain/kubectl.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { REPO_ROOT, runCli, tempRepo } from './support/repo.ts';

const run = promisify(execFile);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;
const docs = (text: string): Any[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Any)
    .filter((d) => d !== null);
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A copy of the repository's inputs and generated files, changed by `edit`, re-synthesized. */
async function repoWith(edit: (root: string) => void): Promise<string> {
  const { root, cleanup } = tempRepo({ withGenerated: true });
  cleanups.push(cleanup);
  edit(root);
  expect((await runCli(root, 'synth')).code).toBe(0);
  return root;
}

/**
 * Kyverno's mutate.foreach over spec.containers with one precondition (`{{ element.image }}` Equals
 * value) and a patchesJson6902 `replace` of /spec/containers/{{elementIndex}}/image, applied to a Pod.
 */
function replayStandInPolicy(policy: Any | undefined, pod: Any, namespace: string): Any {
  const out = structuredClone(pod);
  for (const rule of policy?.spec.rules ?? []) {
    const resources = rule.match.any[0].resources;
    if (!resources.kinds.includes('Pod') || !resources.namespaces.includes(namespace)) continue;
    for (const each of rule.mutate.foreach) {
      expect(each.list).toBe('request.object.spec.containers');
      out.spec.containers.forEach((container: Any, index: number) => {
        const [condition] = each.preconditions.all;
        expect(condition.key).toBe('{{ element.image }}');
        if (condition.operator !== 'Equals' || container.image !== condition.value) return;
        for (const op of parse(each.patchesJson6902.replaceAll('{{elementIndex}}', String(index))) as Any[]) {
          expect(op.op).toBe('replace');
          const [, spec, containers, i, field] = op.path.split('/');
          expect([spec, containers, field]).toEqual(['spec', 'containers', 'image']);
          out.spec.containers[Number(i)].image = op.value;
        }
      });
    }
  }
  return out;
}

describe('e2e-prepare: nonprod, as the repository stands', () => {
  let plan: E2ePlan;
  // The repository does not change while these run: each overlay is rendered once, for all of them.
  const build = oncePerDirectory();
  const kyvernoManifests = docs(readFileSync(join(REPO_ROOT, 'argocd/nonprod/platform/kyverno/manifests.yaml'), 'utf8'));
  const verifyRules = kyvernoManifests
    .filter((d) => d.kind === 'ClusterPolicy')
    .flatMap((p) => p.spec.rules.filter((r: Any) => r.verifyImages).map((r: Any) => ({ policy: p.metadata.name, rule: r })));

  it('plans a stand-in for every environment on the cluster and every Application to wait for', async () => {
    plan = await planE2e(REPO_ROOT, 'nonprod', build);
    const onCluster = loadEnvironments(REPO_ROOT).filter((env) => env.cluster === 'nonprod');
    expect(plan.environments.map((env) => env.name)).toEqual(onCluster.map((env) => env.name));
    expect(plan.environments.map((env) => env.name)).toEqual(['dev', 'staging']);
    for (const env of onCluster) {
      const standIn = plan.standIns.find((s) => s.environments.includes(env.name))!;
      expect(standIn.image).toBe(standInReference(env));
      expect(standIn.port).toBe(env.app.port);
    }
    const applications = ['root', 'hivebox-dev', 'hivebox-staging', 'kyverno-nonprod', 'argo-cd-nonprod', 'external-secrets-nonprod'];
    expect(plan.applications).toEqual(expect.arrayContaining(applications));
    expect(plan.smoke.map((s) => s.namespace)).toEqual(['hivebox-dev', 'hivebox-staging']);
  });

  it("reaches each environment through the cluster's Gateway: its host, and a stand-in certificate in the Secret its listener serves", () => {
    expect(plan.gateway).toEqual({ namespace: 'envoy-gateway', name: 'hivebox' });
    expect(plan.smoke.map((s) => s.host)).toEqual(['dev.hivebox.example.com', 'staging.hivebox.example.com']);
    expect(plan.certificates).toEqual([
      { namespace: 'envoy-gateway', secret: 'hivebox-dev-tls', host: 'dev.hivebox.example.com' },
      { namespace: 'envoy-gateway', secret: 'hivebox-staging-tls', host: 'staging.hivebox.example.com' },
    ]);
  });

  it('exempts exactly the environments’ Pods from exactly the signature rule, where Kyverno on nonprod honours exceptions', () => {
    const namespace = policyExceptionNamespace(loadChartValues(REPO_ROOT, 'kyverno', 'nonprod').values);
    expect(plan.exceptionNamespace).toBe(namespace);
    const [ns, exception] = plan.exception;
    expect(ns).toMatchObject({ kind: 'Namespace', metadata: { name: namespace } });
    expect(exception).toMatchObject({ apiVersion: 'kyverno.io/v2', kind: 'PolicyException', metadata: { namespace } });
    expect(verifyRules.length).toBe(1);
    expect(exception!.spec.exceptions).toEqual([{ policyName: verifyRules[0]!.policy, ruleNames: [verifyRules[0]!.rule.name] }]);
    expect(exception!.spec.match).toEqual({ any: [{ resources: { kinds: ['Pod'], namespaces: ['hivebox-dev', 'hivebox-staging'] } }] });
  });

  it('runs the stand-in in every environment’s Pods — staging pins a digest — and leaves the Deployments as Git has them', async () => {
    const policy = plan.standInPolicy;
    expect(policy?.metadata.name).toBe(STAND_IN_POLICY);
    expect(policy?.metadata.annotations['pod-policies.kyverno.io/autogen-controllers']).toBe('none');
    expect(validateSchema(policy as Manifest, '1.35')).toEqual([]);
    const loaded = new Set(plan.standIns.map((s) => s.image));
    const verify = verifyRules[0]!.rule.verifyImages[0];
    for (const env of plan.environments) {
      const deployment = docs(await build(join(REPO_ROOT, 'envs', env.name))).find(
        (d) => d.kind === 'Deployment' && d.metadata.name === 'hivebox',
      )!;
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: env.namespace }, spec: deployment.spec.template.spec };
      expect(pod.spec.containers.map((c: Any) => c.image)).toContain(formatImageReference(env.image));
      expect((pod.spec.initContainers ?? []).filter((c: Any) => c.image.startsWith(env.image.repository))).toEqual([]);
      const admitted = replayStandInPolicy(policy, pod, env.namespace);
      const hivebox = admitted.spec.containers.filter(
        (c: Any) => c.image.startsWith(`${env.image.repository}:`) || c.image.startsWith(`${env.image.repository}@`),
      );
      expect(hivebox.length).toBe(1);
      // What the kubelet starts is the stand-in `kind load`ed under that reference…
      expect(loaded.has(hivebox[0].image), `${env.name}: ${hivebox[0].image}`).toBe(true);
      // …which Kyverno still checks after mutating (it verifies images on the mutated Pod): the signature rule
      // matches it, so only the exception lets it in, and the other policies judge it as usual.
      expect(verify.imageReferences.some((pattern: string) => wildcardMatch(pattern, hivebox[0].image))).toBe(true);
      expect(plan.exception[1]!.spec.match.any[0].resources.namespaces).toContain(env.namespace);
      expect(wildcardMatch('*:*', hivebox[0].image) && !wildcardMatch('*:latest', hivebox[0].image)).toBe(true);
      // Another namespace's Pods are left alone.
      expect(replayStandInPolicy(policy, pod, 'elsewhere')).toEqual(pod);
    }
    // Only a digest-pinned environment needs a rule.
    expect(policy!.spec.rules.map((r: Any) => r.name)).toEqual(
      plan.environments.filter((env) => env.image.digest).map((env) => `stand-in-${env.name}`),
    );
  });

  it('seeds every secret an ExternalSecret on the cluster reads, in its store’s source namespace', async () => {
    const secrets = await throwAwaySecrets(REPO_ROOT, 'nonprod', plan.environments, build);
    const namespaces = new Set(secrets.map((s) => s.metadata.namespace));
    expect([...namespaces].sort()).toEqual(['hivebox-dev-secrets', 'hivebox-staging-secrets', 'platform-secrets']);
    for (const secret of secrets)
      for (const value of Object.values(secret.stringData as Record<string, string>)) expect(value.length).toBeGreaterThanOrEqual(32);
  });
});

describe('e2e-prepare: a digest-pinned dev', () => {
  it('loads the stand-in under the tag and rewrites exactly dev’s pinned reference in dev’s Pods', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const root = await repoWith((dir) => {
      const file = join(dir, 'envs/dev/env.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('  tag: v0.6.0\n', `  tag: v0.7.0\n  digest: ${digest}\n`));
    });
    const plan = await planE2e(root, 'nonprod');
    expect(plan.standIns.map((s) => s.image).sort()).toEqual([
      'ghcr.io/hivebox-platform/hivebox:v0.6.0',
      'ghcr.io/hivebox-platform/hivebox:v0.7.0',
    ]);
    const rule = plan.standInPolicy!.spec.rules.find((r: Any) => r.name === 'stand-in-dev');
    expect(rule.match.any[0].resources.namespaces).toEqual(['hivebox-dev']);
    const pod = {
      spec: {
        containers: [
          { name: 'hivebox', image: `ghcr.io/hivebox-platform/hivebox:v0.7.0@${digest}` },
          { name: 'other', image: 'ghcr.io/x/y:v1' },
        ],
      },
    };
    expect(replayStandInPolicy(plan.standInPolicy, pod, 'hivebox-dev').spec.containers.map((c: Any) => c.image)).toEqual([
      'ghcr.io/hivebox-platform/hivebox:v0.7.0',
      'ghcr.io/x/y:v1',
    ]);
    expect(plan.smoke.find((s) => s.namespace === 'hivebox-dev')?.version).toBe('v0.7.0');
  });
});

describe('e2e-prepare: clusters it refuses (exit 2, one line)', () => {
  it('prod: a person syncs it, so it never converges by itself', async () => {
    await expect(planE2e(REPO_ROOT, 'prod')).rejects.toThrow(E2eError);
    await expect(planE2e(REPO_ROOT, 'prod')).rejects.toThrow(/synced only by a person/);
  });

  it('a cluster whose Kyverno honours no exception', async () => {
    const root = await repoWith((dir) =>
      writeFileSync(join(dir, 'charts/kyverno/values-nonprod.yaml'), 'features:\n  policyExceptions:\n    enabled: false\n'),
    );
    await expect(planE2e(root, 'nonprod')).rejects.toThrow(
      /honours no PolicyException \(features\.policyExceptions in charts\/kyverno\/values\.yaml, charts\/kyverno\/values-nonprod\.yaml\)/,
    );
  });

  it('two environments running one stand-in reference on different ports', async () => {
    const root = await repoWith((dir) => {
      const file = join(dir, 'envs/staging/env.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}app:\n  port: 8081\n`);
    });
    await expect(planE2e(root, 'nonprod')).rejects.toThrow(/run ghcr\.io\/hivebox-platform\/hivebox:v0\.6\.0 on ports 8000 and 8081/);
  });

  it('as a command: files and KEY=value lines, or exit 2 with one line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'e2e-prepare-'));
    cleanups.push(() => rmSync(out, { recursive: true, force: true }));
    const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
    const ok = await run(tsx, ['.github/scripts/e2e-prepare.ts', 'nonprod', out], { cwd: REPO_ROOT });
    expect(ok.stdout).toMatch(/^exception-namespace=kyverno-exceptions$/m);
    expect(ok.stdout).toMatch(/^stand-in-policy=e2e-stand-in-image$/m);
    expect(ok.stdout).toMatch(/^gateway=envoy-gateway\/hivebox$/m);
    expect(readFileSync(join(out, 'gateway-certificates.tsv'), 'utf8')).toBe(
      'envoy-gateway\thivebox-dev-tls\tdev.hivebox.example.com\nenvoy-gateway\thivebox-staging-tls\tstaging.hivebox.example.com\n',
    );
    expect(readFileSync(join(out, 'smoke.tsv'), 'utf8').split('\n')[0]).toMatch(
      /^hivebox-dev\thivebox\t8000\tv0\.6\.0\tdev\.hivebox\.example\.com$/,
    );
    expect(readFileSync(join(out, 'stand-ins.tsv'), 'utf8')).toBe('ghcr.io/hivebox-platform/hivebox:v0.6.0\tv0.6.0\t8000\n');
    expect(docs(readFileSync(join(out, 'kyverno-exception.yaml'), 'utf8')).map((d) => d.kind)).toEqual(['Namespace', 'PolicyException']);
    const refused = await run(tsx, ['.github/scripts/e2e-prepare.ts', 'prod', out], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'e2e-prepare: cluster prod hosts prod, synced only by a person: the e2e waits for a cluster that converges by itself',
    ]);
  });
});
