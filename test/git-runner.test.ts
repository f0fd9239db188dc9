/**
 * The one git runner (src/toolchain/git.ts), against the real git: output, input, failures with what
 * git said, and a timeout that ends the wait even while something git started still runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedPaths, git, gitBytes, GitError, gitSucceeds, headCommit, isGitRepository, spawnGit } from '../src/toolchain/git.ts';

let repo: string;
let outside: string;

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'hivebox-git-'));
  outside = mkdtempSync(join(tmpdir(), 'hivebox-nogit-'));
  await git(repo, ['init', '--quiet', '-b', 'main']);
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  await git(repo, ['add', 'a.txt']);
  await git(repo, [
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.invalid',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '--quiet',
    '-m',
    'first',
  ]);
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('the git runner', () => {
  it('returns what git prints, and feeds it input', async () => {
    const head = (await git(repo, ['rev-parse', 'HEAD'])).trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(await headCommit(repo)).toBe(head);
    const batch = await gitBytes(repo, ['cat-file', '--batch'], { input: 'HEAD:a.txt\n' });
    expect(batch.toString()).toMatch(/^[0-9a-f]{40} blob 4\none\n\n$/);
  });

  it("fails with git's own words, and the command", async () => {
    const error = await git(repo, ['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/^git rev-parse --verify no-such-ref failed: fatal: Needed a single revision/);
    expect((error as GitError).timedOut).toBe(false);
    expect(await isGitRepository(outside)).toBe(false);
    expect(await headCommit(outside)).toBeUndefined();
    const missing = await git(join(outside, 'gone'), ['status']).catch((e: unknown) => e);
    expect((missing as GitError).message).toMatch(/could not start git in .*gone/);
  });

  it('ends the wait at the timeout, though what git started keeps its output open', async () => {
    // An alias runs through the shell; the shell's sleep outlives a killed git and holds the pipe.
    const error = await git(repo, ['-c', 'alias.hang=!sleep 5', 'hang'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).timedOut).toBe(true);
    expect((error as GitError).message).toMatch(/^git -c alias\.hang=!sleep 5 hang timed out: no answer within 0\.3 s$/);
  });

  it('lists changed and untracked paths, and tells tracked files', async () => {
    writeFileSync(join(repo, 'a.txt'), 'two\n');
    writeFileSync(join(repo, 'b.txt'), 'new\n');
    expect((await changedPaths(repo)).sort()).toEqual(['a.txt', 'b.txt']);
    expect(await changedPaths(repo, { untracked: false })).toEqual(['a.txt']);
    expect(gitSucceeds(repo, ['ls-files', '--error-unmatch', '--', 'a.txt'])).toBe(true);
    expect(gitSucceeds(repo, ['ls-files', '--error-unmatch', '--', 'b.txt'])).toBe(false);
    expect(gitSucceeds(outside, ['ls-files', '--error-unmatch', '--', 'a.txt'])).toBe(false);
  });

  it('streams a command it kills at its timeout', async () => {
    const child = spawnGit(repo, ['-c', 'alias.hang=!sleep 5', 'hang'], 300);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect(code).toBeNull();
    expect(signal).toBe('SIGKILL');
  });
});
