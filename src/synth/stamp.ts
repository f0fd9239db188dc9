/**
 * "Nothing to do" without synthesizing. Synth is a pure function of the code (this
 * package's compiled files and installed dependencies) and of the files it reads: package.json
 * and the folders envs/, charts/, the generated roots and synth's work folder, where a killed
 * synth's journal sends the next run to a full synth (test/synth-reuse.test.ts fails if
 * it ever reads anything else). After a run that leaves the generated files current, the hash
 * of all of that is recorded in the cache (toolchain/cache.ts, synth/); a later run that
 * finds the same hash knows the generated files are current without loading cdk8s.
 * Any difference, in any byte, is a miss, and the full synth decides.
 */
import { createHash, type Hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, codeIdentity, keepEntry } from '../toolchain/cache.ts';
import { GENERATED_ROOTS } from './roots.ts';
import { WORK_DIR } from './transaction.ts';

/** Everything synth reads under the repository root (files, or folders read recursively). */
export const SYNTH_READS: readonly string[] = ['package.json', 'charts', ...new Set(['envs', ...GENERATED_ROOTS]), WORK_DIR];

const KEEP = 500;

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
    paths = JSON.parse(readFileSync(join(cacheDir('synth'), state.hash), 'utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(paths) || !paths.every((path) => typeof path === 'string' && state.contents.has(path))) return undefined;
  return new Map((paths as string[]).map((path) => [path, state.contents.get(path)!]));
}

/** Records that in `state` the generated files (`paths`) are current. Never fails the caller. */
export function recordCurrent(state: RepositoryState, paths: Iterable<string>): void {
  keepEntry(join(cacheDir('synth'), state.hash), JSON.stringify([...paths]), KEEP);
}
