/**
 * "Nothing to do" without synthesizing. Synth is a pure function of the code (this
 * package's compiled files and installed dependencies) and of the files it reads: package.json
 * and the folders envs/, charts/ and the generated roots (test/synth-inputs.test.ts fails if
 * it ever reads anything else). After a run that leaves the generated files current, the hash
 * of all of that is recorded in node_modules/.cache/hivebox-gitops/synth/; a later run that
 * finds the same hash knows the generated files are current without loading cdk8s.
 * Any difference, in any byte, is a miss, and the full synth decides.
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, sourceHash } from '../../scripts/dist-manifest.mjs';
import { GENERATED_ROOTS } from './roots.ts';

/** Everything synth reads under the repository root (files, or folders read recursively). */
export const SYNTH_READS: readonly string[] = ['package.json', 'charts', ...new Set(['envs', ...GENERATED_ROOTS])];

const require = createRequire(import.meta.url);
/** node_modules/yaml/package.json → node_modules */
const NODE_MODULES = dirname(dirname(require.resolve('yaml/package.json')));
const STAMPS = join(NODE_MODULES, '.cache', 'hivebox-gitops', 'synth');
const KEEP = 500;

let code: string | null | undefined;

/**
 * The code that synthesizes: the hash of src/ that dist/ was built from (scripts/dist-manifest.mjs;
 * run from source, the same hash computed now, so both ways of running share records), with the
 * installed dependencies and the Node version.
 */
function codeIdentity(): string | null {
  if (code !== undefined) return code;
  const installed = join(NODE_MODULES, '.package-lock.json');
  const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
  const built = readManifest(join(packageRoot, 'dist'));
  const fromDist = fileURLToPath(import.meta.url).startsWith(join(packageRoot, 'dist'));
  const source = fromDist ? built?.source : sourceHash(packageRoot);
  if (!existsSync(installed) || !source) return (code = null);
  return (code = createHash('sha256').update(`node ${process.version}\0${source}\0`).update(readFileSync(installed)).digest('hex'));
}

function addTree(hash: Hash, absolute: string, path: string, contents?: Map<string, string>): void {
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    hash.update(`none ${path}\0`);
    return;
  }
  if (stat.isDirectory()) {
    hash.update(`dir ${path}\0`);
    for (const name of readdirSync(absolute).sort()) addTree(hash, join(absolute, name), `${path}/${name}`, contents);
  } else {
    const content = readFileSync(absolute);
    hash.update(`file ${path} ${content.length}\0`).update(content);
    contents?.set(path, content.toString('utf8'));
  }
}

export interface RepositoryState {
  /** Identifies the code and every byte synth reads. */
  readonly hash: string;
  /** Repository-relative path → content of every file read. */
  readonly contents: ReadonlyMap<string, string>;
}

/** The state synth would start from; undefined when the code cannot be identified (no cache then). */
export function repositoryState(root: string): RepositoryState | undefined {
  const identity = codeIdentity();
  if (identity === null) return undefined;
  const hash = createHash('sha256').update(identity).update('\0');
  const contents = new Map<string, string>();
  for (const path of SYNTH_READS) addTree(hash, join(root, path), path, contents);
  return { hash: hash.digest('hex'), contents };
}

/** The generated files of a state recorded as current, or undefined. */
export function currentFiles(state: RepositoryState): ReadonlyMap<string, string> | undefined {
  let paths: unknown;
  try {
    paths = JSON.parse(readFileSync(join(STAMPS, state.hash), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string' && state.contents.has(path))) return undefined;
  return new Map((paths as string[]).map((path) => [path, state.contents.get(path)!]));
}

/** Records that in `state` the generated files (`paths`) are current. Never fails the caller. */
export function recordCurrent(state: RepositoryState, paths: Iterable<string>): void {
  const partial = join(STAMPS, `${state.hash}.${process.pid}.partial`);
  try {
    mkdirSync(STAMPS, { recursive: true });
    writeFileSync(partial, JSON.stringify([...paths]));
    renameSync(partial, join(STAMPS, state.hash));
    prune();
  } catch {
    rmSync(partial, { force: true }); // a read-only node_modules only costs the next run a synth
  }
}

function prune(): void {
  const names = readdirSync(STAMPS);
  if (names.length <= KEEP) return;
  const byAge = names.map((name) => ({ name, mtime: statSync(join(STAMPS, name)).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, names.length - KEEP / 2)) rmSync(join(STAMPS, name), { force: true });
}
