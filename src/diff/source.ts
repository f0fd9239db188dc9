/**
 * One side of a diff as a directory to render: the working tree as it is, or a
 * commit's files extracted with `git archive` into a temporary directory. The
 * user's working tree, index and .git are never written to.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { git, GitError, GIT_TIMEOUT_MS, spawnGit } from '../toolchain/git.ts';

export interface DiffSource {
  /** What the side is, for people: `main (1a2b3c4)` or `working tree`. */
  readonly label: string;
  /** The resolved commit, absent for the working tree. */
  readonly commit?: string;
  /** The directory that holds the side's files. */
  readonly dir: string;
  /** Removes what was extracted (off the main thread); a no-op for the working tree. */
  dispose(): Promise<void>;
}

export function workingTreeSource(root: string): DiffSource {
  return { label: 'working tree', dir: root, dispose: async () => undefined };
}

/** Resolves `ref` to a commit in `root`, or throws a UsageError naming the flag and the ref. */
export async function resolveCommit(root: string, ref: string, flag: string): Promise<string> {
  if (ref.trim() === '' || ref.startsWith('-')) {
    throw new UsageError(`${flag} "${ref}": expected a Git ref (a branch, tag or commit)`);
  }
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const notARepo = /not a git repository/i.test(error.stderr);
    throw new UsageError(
      notARepo
        ? `${flag} "${ref}": ${root} is not a Git repository`
        : `${flag} "${ref}": no such commit, branch or tag in ${root} (in CI, fetch it first, e.g. actions/checkout with fetch-depth: 0)`,
    );
  }
}

/** Extracts the commit's tree into a new temporary directory. */
export async function commitSource(root: string, ref: string, flag: string): Promise<DiffSource> {
  const commit = await resolveCommit(root, ref, flag);
  const dir = mkdtempSync(join(tmpdir(), 'hivebox-diff-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await extract(root, commit, dir);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { label: `${ref} (${commit.slice(0, 7)})`, commit, dir, dispose };
}

/** `git archive <commit> | tar -x -C <dir>`, streamed so a large tree never sits in memory. */
function extract(root: string, commit: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawnGit(root, ['archive', '--format=tar', commit]);
    const untar = spawn('tar', ['-x', '-f', '-', '-C', dir], {
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: GIT_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    archive.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    untar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    archive.stdout.pipe(untar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new Error(`${what} of ${commit} failed: ${stderr.trim() || `exit ${code}`}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on('error', reject);
    untar.on('error', reject);
    archive.on('close', done('git archive'));
    untar.on('close', done('tar -x'));
  });
}
