/**
 * What the end-to-end test needs to know about one environment, read from the
 * repository instead of repeated in the workflow: the image the stand-in must be
 * tagged as, the port it serves, the namespace, and throw-away values for every
 * secret the environment's ExternalSecrets read (written to <out>, never committed).
 * Usage: npx tsx .github/scripts/e2e-prepare.ts <env> <secrets-out.yaml>   (prints KEY=value lines)
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { imageReference } from '../../src/config/environment.ts';
import { loadEnvironment } from '../../src/config/load.ts';
import { kustomizeBuild } from '../../src/toolchain/kubectl.ts';

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

interface ExternalSecret {
  kind: string;
  metadata: { namespace?: string };
  spec?: { data?: { remoteRef?: { key?: string; property?: string } }[] };
}
const rendered = parseAllDocuments(await kustomizeBuild(join('envs', name))).map((doc) => doc.toJS() as ExternalSecret);
// The platform's ClusterSecretStore reads the environment's values from <namespace>-secrets.
const sourceNamespace = `${env.namespace}-secrets`;
const keys = new Map<string, Set<string>>();
for (const doc of rendered.filter((d) => d?.kind === 'ExternalSecret')) {
  for (const entry of doc.spec?.data ?? []) {
    const key = entry.remoteRef?.key;
    if (!key) continue;
    if (!keys.has(key)) keys.set(key, new Set());
    if (entry.remoteRef?.property) keys.get(key)!.add(entry.remoteRef.property);
  }
}
const secrets = [...keys].map(([key, properties]) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: key, namespace: sourceNamespace },
  type: 'Opaque',
  stringData: Object.fromEntries([...properties].sort().map((p) => [p, randomBytes(24).toString('base64url')])),
}));
writeFileSync(secretsOut, secrets.map((s) => stringify(s)).join('---\n'), { mode: 0o600 });

process.stdout.write(
  [
    `image=${imageReference(env.image)}`,
    `version=${env.image.tag ?? 'unknown'}`,
    `port=${env.app.port}`,
    `namespace=${env.namespace}`,
    `secret-namespace=${sourceNamespace}`,
    `secret-count=${secrets.length}`,
  ].join('\n') + '\n',
);
