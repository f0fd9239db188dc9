/**
 * What dist/ was built from. `npm run build` (scripts/build.mjs, run by `npm ci` through
 * `prepare`) compiles src/ into dist/ and records here a hash of every input (src/, the
 * tsconfigs, the TypeScript version) and of every file it wrote. bin/hivebox-gitops.js
 * compares the inputs before it runs dist/, and test/dist.test.ts compares both, so
 * compiled code that no longer matches src/ is never run unnoticed.
 *
 * Plain JavaScript on purpose: the CLI reads it on every start, before any TypeScript exists.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MANIFEST = '.manifest.json';
/** Files outside src/ that change what tsc emits. */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/** Every file under `dir`, as sorted `/`-separated paths relative to `base`. */
export function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path, base));
    else if (entry.isFile()) files.push(relative(base, path).split(sep).join('/'));
  }
  return files.sort();
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** One hash of everything the build reads: src/, the tsconfigs and the compiler's version. */
export function sourceHash(root) {
  const hash = createHash('sha256');
  const typescript = join(root, 'node_modules', 'typescript', 'package.json');
  hash.update(`typescript ${existsSync(typescript) ? JSON.parse(readFileSync(typescript, 'utf8')).version : 'absent'}\0`);
  for (const file of CONFIG_FILES)
    hash
      .update(`${file}\0`)
      .update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '')
      .update('\0');
  for (const file of listFiles(join(root, 'src')))
    hash
      .update(`src/${file}\0`)
      .update(readFileSync(join(root, 'src', file)))
      .update('\0');
  return hash.digest('hex');
}

/** path → sha256 of every file under dist/ but the manifest itself. */
export function outputHashes(dist) {
  return Object.fromEntries(
    listFiles(dist)
      .filter((file) => file !== MANIFEST)
      .map((file) => [file, sha256(readFileSync(join(dist, file)))]),
  );
}

export function readManifest(dist) {
  try {
    return JSON.parse(readFileSync(join(dist, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why dist/ cannot stand for src/, or undefined when it can. `outputs: true` also checks
 * that no compiled file was changed, added or removed since the build (slower; for tests).
 */
export function staleness(root, { outputs = false } = {}) {
  const dist = join(root, 'dist');
  const manifest = readManifest(dist);
  if (!manifest) return 'dist/ has not been built (run `npm run build`; `npm ci` runs it)';
  if (manifest.source !== sourceHash(root)) return 'src/ changed since dist/ was built (run `npm run build`)';
  if (outputs) {
    const actual = outputHashes(dist);
    const changed = [...new Set([...Object.keys(actual), ...Object.keys(manifest.outputs)])].filter(
      (file) => actual[file] !== manifest.outputs[file],
    );
    if (changed.length > 0)
      return `dist/ differs from what the build wrote: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''} (run \`npm run build\`)`;
  }
  return undefined;
}
