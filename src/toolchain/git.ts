/**
 * The one way this repository runs git: the git CLI (so the user's configuration, hooks, signing and
 * identity apply exactly as by hand), in a given directory, never reading the terminal, and always
 * with a timeout, so no command waits forever on a lock, a credential prompt or a hung hook.
 * Used by diff (a commit's tree), metrics (the history), promote (commits) and status (HEAD).
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Long enough for `git log` over a long history on a slow disk; a command past it is killed. */
export const GIT_TIMEOUT_MS = 120_000;

/** Git never asks on the terminal: a command that would prompt fails instead of hanging. */
const env = (): NodeJS.ProcessEnv => ({ ...process.env, GIT_TERMINAL_PROMPT: '0' });

export interface GitOptions {
  /** Written to git's standard input, which is otherwise closed. */
  readonly input?: string;
  /** @default GIT_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** A git command that failed, timed out or could not start; `stderr` is what git said, trimmed. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(`git ${args.join(' ')} ${timedOut ? 'timed out' : 'failed'}${stderr ? `: ${stderr}` : ''}`);
  }

  /** The first line of what git said, for one-line messages. */
  get firstLine(): string {
    return this.stderr.split('\n')[0] ?? '';
  }
}

/**
 * Runs `git <args>` in `cwd` and returns its standard output as bytes. At the timeout git is killed
 * and the promise rejects at once, even if a process git started (a hook) still holds its output open.
 */
export function gitBytes(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const settle = (error?: GitError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(Buffer.concat(stdout));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new GitError(args, `no answer within ${(options.timeoutMs ?? GIT_TIMEOUT_MS) / 1000} s`, true));
    }, options.timeoutMs ?? GIT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', () => settle(new GitError(args, `could not start git in ${cwd} (git not on PATH, or no such directory)`, false)));
    child.on('close', (code) => settle(code === 0 ? undefined : new GitError(args, stderr.trim(), false)));
    // git may exit without reading all of its input (a failed command): that is its exit code's to say.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}

/** Runs `git <args>` in `cwd` and returns its standard output as text. */
export async function git(cwd: string, args: readonly string[], options?: GitOptions): Promise<string> {
  return (await gitBytes(cwd, args, options)).toString('utf8');
}

/** Whether `git <args>` succeeds, synchronously, for the few callers that cannot wait on a promise. */
export function gitSucceeds(cwd: string, args: readonly string[], timeoutMs = 10_000): boolean {
  try {
    execFileSync('git', [...args], { cwd, env: env(), stdio: 'ignore', timeout: timeoutMs, killSignal: 'SIGKILL' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `git <args>` as a process to stream standard output from (a tree too large to hold in memory),
 * killed when `timeoutMs` passes; the caller reads its exit code as for any process.
 */
export function spawnGit(cwd: string, args: readonly string[], timeoutMs = GIT_TIMEOUT_MS): ChildProcessByStdio<null, Readable, Readable> {
  return spawn('git', [...args], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
}

/** Paths `git status --porcelain` reports (untracked included), repository-relative. */
export async function changedPaths(root: string, options: { untracked: boolean } = { untracked: true }): Promise<string[]> {
  const out = await git(root, ['status', '--porcelain=v1', '-z', `--untracked-files=${options.untracked ? 'all' : 'no'}`]);
  const paths: string[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    // A rename is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return paths;
}

export async function isGitRepository(root: string): Promise<boolean> {
  try {
    return (await git(root, ['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
  } catch {
    return false;
  }
}

export async function headCommit(root: string): Promise<string | undefined> {
  try {
    return (await git(root, ['rev-parse', 'HEAD'])).trim();
  } catch {
    return undefined;
  }
}
