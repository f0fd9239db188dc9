/**
 * Where hivebox-gitops keeps what it can reuse between runs (the unpacked kubectl, compiled
 * schema validators, synth's recorded states, parsed argocd/ files): node_modules/.cache/
 * hivebox-gitops, or HIVEBOX_CACHE_DIR. Everything in it is keyed by content and can be
 * deleted at any time; a missing or unwritable folder only costs time.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, sourceHash } from '../../scripts/dist-manifest.mjs';

const require = createRequire(import.meta.url);
/** node_modules/yaml/package.json → node_modules */
export const NODE_MODULES = dirname(dirname(require.resolve('yaml/package.json')));

/** A folder of the cache (not created). */
export function cacheDir(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(env.HIVEBOX_CACHE_DIR || join(NODE_MODULES, '.cache', 'hivebox-gitops'), name);
}

let code: string | null | undefined;

/**
 * The code that runs: the hash of src/ that dist/ was built from (scripts/dist-manifest.mjs;
 * run from source, the same hash computed now, so both ways of running share what they
 * record), with the installed dependencies and the Node version. null when it cannot be told.
 */
export function codeIdentity(): string | null {
  if (code !== undefined) return code;
  const installed = join(NODE_MODULES, '.package-lock.json');
  const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
  const fromDist = fileURLToPath(import.meta.url).startsWith(join(packageRoot, 'dist'));
  const source = fromDist ? readManifest(join(packageRoot, 'dist'))?.source : sourceHash(packageRoot);
  if (!existsSync(installed) || !source) return (code = null);
  return (code = createHash('sha256').update(`node ${process.version}\0${source}\0`).update(readFileSync(installed)).digest('hex'));
}

/** Keeps a cache folder from growing without end: past `keep` entries, the older half goes. */
export function prune(dir: string, keep: number): void {
  const names = readdirSync(dir);
  if (names.length <= keep) return;
  const byAge = names.map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, names.length - Math.floor(keep / 2))) rmSync(join(dir, name), { force: true });
}

/**
 * Writes one cache entry: beside it first, then renamed into place, so a reader (another test
 * worker, a parallel run) never sees half of it; past `keep` entries its folder is pruned. Never
 * fails the caller: a read-only or full cache folder only costs the next run the work again.
 */
export function keepEntry(path: string, content: string, keep?: number): void {
  const partial = `${path}.${process.pid}.partial`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(partial, content);
    renameSync(partial, path);
    if (keep !== undefined) prune(dirname(path), keep);
  } catch {
    rmSync(partial, { force: true });
  }
}
