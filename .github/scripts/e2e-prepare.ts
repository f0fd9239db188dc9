/**
 * What the end-to-end test needs to know about one cluster, read from the repository instead of
 * repeated in the workflow (.github/workflows/e2e.yml):
 *
 * - the Argo CD chart and values to bootstrap it with (bootstrap step 1), and every Application the
 *   root will create, each of which must end Synced and Healthy;
 * - a stand-in image for each environment on the cluster (stand-ins.tsv: reference, version, port),
 *   built and `kind load`ed under the tag the environment deploys. An image pinned by digest names
 *   bytes no local build can have, so for those environments an e2e-only Kyverno ClusterPolicy
 *   (kyverno-stand-ins.yaml) rewrites, in that environment's Pods only, exactly the reference Git
 *   names to the stand-in's tag. The Deployment Argo CD applies keeps the digest: Argo CD compares
 *   what Git says with the Deployment, and the Pods are Kubernetes' own;
 * - the PolicyException (kyverno-exception.yaml) exempting those Pods from the signature rule —
 *   the stand-in is unsigned — in the one namespace the cluster's Kyverno honours exceptions from
 *   (charts/kyverno/values*.yaml); the other policies still apply;
 * - throw-away values for every secret an ExternalSecret on the cluster reads (secrets.yaml), each
 *   in the namespace its ClusterSecretStore reads; never committed;
 * - what the smoke test asks each environment's stand-in through the cluster's Gateway (smoke.tsv:
 *   namespace, deployment, port, version, host): it must answer https://<host>/version as the stand-in,
 *   so a real image swapped in, or a route the Gateway does not serve, fails the test;
 * - a self-signed certificate for each HTTPS listener (gateway-certificates.tsv: namespace, Secret,
 *   host), put where cert-manager would write Let's Encrypt's: a kind cluster cannot answer an ACME
 *   challenge from the internet, and cert-manager leaves a Secret it failed to renew in place;
 * - the Gateway to send the requests to (gateway=<namespace>/<name>).
 *
 * Usage: npx tsx .github/scripts/e2e-prepare.ts <cluster> <out-dir>
 * Prints KEY=value lines (for $GITHUB_OUTPUT) and writes the files above into <out-dir>.
 * Exit codes: 0 prepared, 2 the cluster cannot be tested this way (one line on stderr says why).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { Environment } from '../../src/config/environment.ts';
import { formatImageReference } from '../../src/kube/image.ts';
import { loadEnvironments } from '../../src/config/load.ts';
import { componentByName, KYVERNO } from '../../src/catalog/components.ts';
import { policyExceptionNamespace } from '../../src/platform/policy-exceptions.ts';
import { loadChartValues, valueFiles } from '../../src/platform/values.ts';
import { kustomizeBuild, oncePerDirectory, type KustomizeBuild } from '../../src/toolchain/kubectl.ts';

// Parsed manifests: navigated freely, checked where it matters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** Something about the cluster that makes the e2e impossible as designed: exit 2 with this message. */
export class E2eError extends Error {}

export interface StandIn {
  /** The reference the stand-in is built and loaded as: the environment's repository and tag. */
  readonly image: string;
  /** What its /version reports. */
  readonly version: string;
  readonly port: number;
  readonly environments: readonly string[];
}

export interface E2ePlan {
  readonly cluster: string;
  /** The environments on the cluster, each of which the test waits for. */
  readonly environments: readonly Environment[];
  readonly standIns: readonly StandIn[];
  /** Every Application the root creates on the cluster, root included. */
  readonly applications: readonly string[];
  readonly exceptionNamespace: string;
  /** The e2e-only ClusterPolicy swapping digest-pinned references for the stand-in's tag (absent when none is pinned). */
  readonly standInPolicy: Doc | undefined;
  /** The exceptions namespace and the PolicyException for the environments' Pods. */
  readonly exception: readonly Doc[];
  /** One line per environment for the smoke test. */
  readonly smoke: readonly { namespace: string; deployment: string; port: number; version: string; host: string }[];
  /** The cluster's Gateway, as the environments' HTTPRoutes name it. */
  readonly gateway: { readonly namespace: string; readonly name: string };
  /** Each HTTPS listener's certificate Secret and host, for a stand-in certificate. */
  readonly certificates: readonly { namespace: string; secret: string; host: string }[];
}

export const STAND_IN_POLICY = 'e2e-stand-in-image';
const EXCEPTION_NAME = 'e2e-unsigned-stand-in';

const parse = (text: string): Doc[] =>
  parseAllDocuments(text)
    .map((doc) => doc.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** The stand-in reference for an environment's image: its tag, or a name made from the digest when it has none. */
export function standInReference(env: Environment): string {
  const tag = env.image.tag ?? `stand-in-${env.image.digest!.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  return `${env.image.repository}:${tag}`;
}

/** `build` renders each environment's overlay; main() passes one that renders each once for the plan and the secrets. */
export async function planE2e(root: string, cluster: string, build: KustomizeBuild = kustomizeBuild): Promise<E2ePlan> {
  const all = loadEnvironments(root);
  const environments = all.filter((env) => env.cluster === cluster);
  if (environments.length === 0) {
    throw new E2eError(
      `no environment runs on cluster "${cluster}"; expected one of ${[...new Set(all.map((env) => env.cluster))].sort().join(', ')}`,
    );
  }
  const manual = environments.filter((env) => env.sync.mode !== 'automatic').map((env) => env.name);
  if (manual.length > 0) {
    throw new E2eError(
      `cluster ${cluster} hosts ${manual.join(', ')}, synced only by a person: the e2e waits for a cluster that converges by itself`,
    );
  }

  // Kyverno on the cluster must honour exceptions from one namespace, or the unsigned stand-in is refused.
  const kyvernoValues = loadChartValues(root, KYVERNO, cluster);
  const exceptionNamespace = policyExceptionNamespace(kyvernoValues.values);
  if (exceptionNamespace === undefined || exceptionNamespace === '*') {
    throw new E2eError(
      `Kyverno on ${cluster} ${exceptionNamespace === '*' ? 'honours PolicyExceptions from every namespace' : 'honours no PolicyException'} ` +
        `(features.policyExceptions in ${kyvernoValues.files.join(', ')}); the e2e needs exactly one exceptions namespace to exempt its unsigned stand-in`,
    );
  }

  const platformDir = join(root, 'argocd', cluster, 'platform');
  const kyvernoManifests = join(platformDir, KYVERNO, 'manifests.yaml');
  const policies = existsSync(kyvernoManifests)
    ? parse(readFileSync(kyvernoManifests, 'utf8')).filter((d) => d.kind === 'ClusterPolicy')
    : [];
  const signatureRules = policies.flatMap((policy) =>
    (policy.spec?.rules ?? [])
      .filter((rule: Doc) => Array.isArray(rule.verifyImages))
      .map((rule: Doc) => ({ policy: policy.metadata.name as string, rule: rule.name as string })),
  );
  if (signatureRules.length === 0)
    throw new E2eError(`${kyvernoManifests}: no ClusterPolicy rule verifies images; nothing to exempt the stand-in from`);

  // One stand-in per reference; environments sharing a reference must agree on the port it serves.
  const byImage = new Map<string, StandIn>();
  for (const env of environments) {
    const image = standInReference(env);
    const version = env.image.tag ?? env.image.digest!;
    const known = byImage.get(image);
    if (known && known.port !== env.app.port) {
      throw new E2eError(
        `${known.environments.join(', ')} and ${env.name} run ${image} on ports ${known.port} and ${env.app.port}; one stand-in image serves one port`,
      );
    }
    byImage.set(image, { image, version, port: env.app.port, environments: [...(known?.environments ?? []), env.name] });
  }

  const namespaces = environments.map((env) => env.namespace).sort();
  const rendered = new Map<string, Doc[]>();
  for (const env of environments) rendered.set(env.name, parse(await build(join(root, 'envs', env.name))));

  const smoke = environments.map((env) => {
    const deployment = rendered
      .get(env.name)!
      .find(
        (d) =>
          d.kind === 'Deployment' &&
          (d.spec?.template?.spec?.containers ?? []).some((c: Doc) => c.image === formatImageReference(env.image)),
      );
    if (!deployment) throw new E2eError(`envs/${env.name}: no Deployment runs ${formatImageReference(env.image)}`);
    return {
      namespace: env.namespace,
      deployment: deployment.metadata.name as string,
      port: env.app.port,
      version: env.image.tag ?? env.image.digest!,
      host: env.route.host,
    };
  });

  // The Gateway each environment's HTTPRoute attaches to, as argocd/<cluster>/ deploys it, and the certificate
  // Secret of the listener it names.
  const clusterDocs = yamlFiles(join(root, 'argocd', cluster)).flatMap((file) => parse(readFileSync(file, 'utf8')));
  const parents = environments.map((env) => {
    const route = rendered.get(env.name)!.find((d) => d.kind === 'HTTPRoute');
    const parent = route?.spec?.parentRefs?.[0];
    if (!parent) throw new E2eError(`envs/${env.name}: no HTTPRoute attaches to a Gateway`);
    const gateway = clusterDocs.find(
      (d) => d.kind === 'Gateway' && d.metadata?.name === parent.name && d.metadata?.namespace === parent.namespace,
    );
    const listener = (gateway?.spec?.listeners ?? []).find((l: Doc) => l.name === parent.sectionName);
    const secret = listener?.tls?.certificateRefs?.[0]?.name;
    if (!gateway || !secret)
      throw new E2eError(
        `envs/${env.name}: argocd/${cluster} has no listener ${parent.sectionName} with a certificate on Gateway ${parent.namespace}/${parent.name}`,
      );
    return {
      gateway: { namespace: parent.namespace as string, name: parent.name as string },
      certificate: { namespace: parent.namespace as string, secret: secret as string, host: env.route.host },
    };
  });
  const gateways = new Set(parents.map((p) => `${p.gateway.namespace}/${p.gateway.name}`));
  if (gateways.size !== 1)
    throw new E2eError(
      `the environments on ${cluster} attach to ${gateways.size} Gateways (${[...gateways].join(', ')}); the e2e expects the cluster's one`,
    );

  const pinned = environments.filter((env) => env.image.digest !== undefined);
  const standInPolicy: Doc | undefined =
    pinned.length === 0
      ? undefined
      : {
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          metadata: {
            name: STAND_IN_POLICY,
            annotations: {
              'policies.kyverno.io/description':
                'e2e only: runs the stand-in, loaded under the tag, where Git pins the HiveBox image by digest. Pods only, never their Deployments, which Argo CD compares with Git.',
              // Without this Kyverno would also rewrite the Deployments, and Argo CD would see drift.
              'pod-policies.kyverno.io/autogen-controllers': 'none',
            },
          },
          spec: {
            background: false,
            rules: pinned.map((env) => ({
              name: `stand-in-${env.name}`,
              match: { any: [{ resources: { kinds: ['Pod'], namespaces: [env.namespace], operations: ['CREATE'] } }] },
              mutate: {
                foreach: [
                  {
                    list: 'request.object.spec.containers',
                    preconditions: { all: [{ key: '{{ element.image }}', operator: 'Equals', value: formatImageReference(env.image) }] },
                    patchesJson6902: stringify([
                      { op: 'replace', path: '/spec/containers/{{elementIndex}}/image', value: standInReference(env) },
                    ]),
                  },
                ],
              },
            })),
          },
        };

  const exception: Doc[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: exceptionNamespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    },
    {
      apiVersion: 'kyverno.io/v2',
      kind: 'PolicyException',
      metadata: { name: EXCEPTION_NAME, namespace: exceptionNamespace },
      spec: {
        exceptions: [...new Set(signatureRules.map((r) => r.policy))].sort().map((policyName) => ({
          policyName,
          ruleNames: signatureRules.filter((r) => r.policy === policyName).map((r) => r.rule),
        })),
        match: { any: [{ resources: { kinds: ['Pod'], namespaces } }] },
      },
    },
  ];

  const applications = yamlFiles(join(root, 'argocd', cluster))
    .flatMap((file) => parse(readFileSync(file, 'utf8')))
    .filter((d) => d.kind === 'Application')
    .map((d) => d.metadata.name as string);

  return {
    cluster,
    environments,
    standIns: [...byImage.values()],
    applications: [...new Set(applications)].sort(),
    exceptionNamespace,
    standInPolicy,
    exception,
    smoke,
    gateway: parents[0]!.gateway,
    certificates: parents.map((p) => p.certificate),
  };
}

/** Throw-away values for every secret an ExternalSecret on the cluster reads, in the namespace its store reads. */
export async function throwAwaySecrets(
  root: string,
  cluster: string,
  environments: readonly Environment[],
  build: KustomizeBuild = kustomizeBuild,
): Promise<Doc[]> {
  const rendered: Doc[] = [];
  for (const env of environments) rendered.push(...parse(await build(join(root, 'envs', env.name))));
  for (const file of yamlFiles(join(root, 'argocd', cluster, 'platform')).filter((f) => f.endsWith('manifests.yaml')))
    rendered.push(...parse(readFileSync(file, 'utf8')));

  // Each ClusterSecretStore (Kubernetes provider) reads one source namespace.
  const sourceOf = new Map<string, string>(
    rendered
      .filter((d) => d.kind === 'ClusterSecretStore')
      .map((d) => [d.metadata?.name ?? '', d.spec?.provider?.kubernetes?.remoteNamespace ?? '']),
  );
  const secrets = new Map<string, { namespace: string; name: string; properties: Set<string> }>();
  for (const doc of rendered.filter((d) => d.kind === 'ExternalSecret')) {
    const namespace = sourceOf.get(doc.spec?.secretStoreRef?.name ?? '');
    if (!namespace) {
      throw new E2eError(
        `ExternalSecret ${doc.metadata?.namespace}/${doc.metadata?.name} reads store ${doc.spec?.secretStoreRef?.name}, which no ClusterSecretStore on ${cluster} serves`,
      );
    }
    for (const entry of doc.spec?.data ?? []) {
      const key = entry.remoteRef?.key;
      if (!key) continue;
      const id = `${namespace}/${key}`;
      const secret = secrets.get(id) ?? secrets.set(id, { namespace, name: key, properties: new Set() }).get(id)!;
      if (entry.remoteRef?.property) secret.properties.add(entry.remoteRef.property);
    }
  }
  return [...secrets.values()]
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
    .map((s) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: s.name, namespace: s.namespace },
      type: 'Opaque',
      stringData: Object.fromEntries([...s.properties].sort().map((p) => [p, randomBytes(24).toString('base64url')])),
    }));
}

const yamlStream = (docs: readonly Doc[]) => docs.map((d) => stringify(d)).join('---\n');

async function main(argv: readonly string[]): Promise<number> {
  const [cluster, out] = argv;
  if (!cluster || !out) {
    process.stderr.write('usage: e2e-prepare.ts <cluster> <out-dir>\n');
    return 2;
  }
  const root = process.cwd();
  try {
    const build = oncePerDirectory();
    const plan = await planE2e(root, cluster, build);
    const secrets = await throwAwaySecrets(root, cluster, plan.environments, build);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'secrets.yaml'), yamlStream(secrets), { mode: 0o600 });
    writeFileSync(join(out, 'stand-ins.tsv'), plan.standIns.map((s) => `${s.image}\t${s.version}\t${s.port}\n`).join(''));
    writeFileSync(
      join(out, 'smoke.tsv'),
      plan.smoke.map((s) => `${s.namespace}\t${s.deployment}\t${s.port}\t${s.version}\t${s.host}\n`).join(''),
    );
    writeFileSync(join(out, 'gateway-certificates.tsv'), plan.certificates.map((c) => `${c.namespace}\t${c.secret}\t${c.host}\n`).join(''));
    writeFileSync(join(out, 'kyverno-exception.yaml'), yamlStream(plan.exception));
    if (plan.standInPolicy) writeFileSync(join(out, 'kyverno-stand-ins.yaml'), yamlStream([plan.standInPolicy]));
    const argocd = componentByName('argo-cd');
    process.stdout.write(
      [
        `cluster=${cluster}`,
        `namespaces=${plan.environments.map((env) => env.namespace).join(' ')}`,
        `applications=${plan.applications.join(' ')}`,
        `stand-in-policy=${plan.standInPolicy ? STAND_IN_POLICY : ''}`,
        `exception-namespace=${plan.exceptionNamespace}`,
        `gateway=${plan.gateway.namespace}/${plan.gateway.name}`,
        `secret-namespaces=${[...new Set(secrets.map((d) => d.metadata.namespace as string))].join(' ')}`,
        `secret-count=${secrets.length}`,
        `argocd-repo=${argocd.repoURL}`,
        `argocd-chart=${argocd.chart}`,
        `argocd-version=${argocd.version}`,
        `argocd-release=${argocd.name}`,
        `argocd-namespace=${argocd.namespace}`,
        `argocd-values=${valueFiles(argocd.name, cluster).join(' ')}`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (error) {
    process.stderr.write(`e2e-prepare: ${(error as Error).message.split('\n')[0]}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
