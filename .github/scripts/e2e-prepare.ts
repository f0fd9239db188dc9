/**
 * What the end-to-end test needs to know, read from the repository instead of
 * repeated in the workflow: the image the stand-in must be tagged as (and the
 * port it serves), the Argo CD chart and values to bootstrap the cluster with,
 * and throw-away values for every secret any ExternalSecret on the cluster reads
 * — the environments' and the platform's — written to <out> (never committed),
 * each into the namespace its ClusterSecretStore reads.
 * Usage: npx tsx .github/scripts/e2e-prepare.ts <env> <secrets-out.yaml>   (prints KEY=value lines)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { imageReference } from '../../src/config/environment.ts';
import { loadEnvironment, loadEnvironments } from '../../src/config/load.ts';
import { componentByName } from '../../src/platform/components.ts';
import { valueFiles } from '../../src/platform/values.ts';
import { kustomizeBuild } from '../../src/toolchain/kubectl.ts';

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    secretStoreRef?: { name?: string };
    data?: { remoteRef?: { key?: string; property?: string } }[];
    provider?: { kubernetes?: { remoteNamespace?: string } };
  };
}

const [name, secretsOut] = process.argv.slice(2);
if (!name || !secretsOut) {
  process.stderr.write('usage: e2e-prepare.ts <env> <secrets-out.yaml>\n');
  process.exit(2);
}
const env = loadEnvironment(process.cwd(), name);
if (env.image.digest) {
  // A digest names exact bytes: a locally built stand-in can never match it.
  process.stderr.write(`${env.file}: image.digest is set; the e2e stand-in can only replace a tag-only image\n`);
  process.exit(2);
}

const parse = (text: string) => parseAllDocuments(text).map((doc) => doc.toJS() as Doc | null).filter((d): d is Doc => d !== null);

// Everything Argo CD deploys on the environment's cluster: its environments' overlays and its platform manifests.
const cluster = env.cluster;
const rendered: Doc[] = [];
for (const other of loadEnvironments(process.cwd()).filter((e) => e.cluster === cluster)) rendered.push(...parse(await kustomizeBuild(join('envs', other.name))));
const platformDir = join('argocd', cluster, 'platform');
for (const component of existsSync(platformDir) ? readdirSync(platformDir).sort() : []) {
  const manifests = join(platformDir, component, 'manifests.yaml');
  if (existsSync(manifests)) rendered.push(...parse(readFileSync(manifests, 'utf8')));
}

// Each ClusterSecretStore (Kubernetes provider) reads one source namespace.
const sourceOf = new Map(
  rendered.filter((d) => d.kind === 'ClusterSecretStore').map((d) => [d.metadata?.name ?? '', d.spec?.provider?.kubernetes?.remoteNamespace ?? '']),
);
const secrets = new Map<string, { namespace: string; name: string; properties: Set<string> }>();
for (const doc of rendered.filter((d) => d.kind === 'ExternalSecret')) {
  const namespace = sourceOf.get(doc.spec?.secretStoreRef?.name ?? '');
  if (!namespace) {
    process.stderr.write(`ExternalSecret ${doc.metadata?.namespace}/${doc.metadata?.name} reads store ${doc.spec?.secretStoreRef?.name}, which no ClusterSecretStore on ${cluster} serves\n`);
    process.exit(2);
  }
  for (const entry of doc.spec?.data ?? []) {
    const key = entry.remoteRef?.key;
    if (!key) continue;
    const id = `${namespace}/${key}`;
    const secret = secrets.get(id) ?? secrets.set(id, { namespace, name: key, properties: new Set() }).get(id)!;
    if (entry.remoteRef?.property) secret.properties.add(entry.remoteRef.property);
  }
}
const documents = [...secrets.values()]
  .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
  .map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace },
    type: 'Opaque',
    stringData: Object.fromEntries([...s.properties].sort().map((p) => [p, randomBytes(24).toString('base64url')])),
  }));
writeFileSync(secretsOut, documents.map((s) => stringify(s)).join('---\n'), { mode: 0o600 });

const argocd = componentByName('argo-cd');
process.stdout.write(
  [
    `image=${imageReference(env.image)}`,
    `version=${env.image.tag ?? 'unknown'}`,
    `port=${env.app.port}`,
    `namespace=${env.namespace}`,
    `cluster=${cluster}`,
    `secret-namespaces=${[...new Set(documents.map((d) => d.metadata.namespace))].join(' ')}`,
    `secret-count=${documents.length}`,
    `argocd-repo=${argocd.repoURL}`,
    `argocd-chart=${argocd.chart}`,
    `argocd-version=${argocd.version}`,
    `argocd-release=${argocd.name}`,
    `argocd-namespace=${argocd.namespace}`,
    `argocd-values=${valueFiles(argocd.name, cluster).join(' ')}`,
  ].join('\n') + '\n',
);
