/**
 * The workflow's promotion path: `promote --propose` makes the same change as `promote --commit`,
 * but as a commit GitHub creates (createCommitOnBranch, hence signed) on promote/<env>, opens or
 * updates that branch's pull request, and says when a newer image superseded an older proposal.
 * `promote --check` decides without writing. GitHub is an in-process stand-in backed by a bare
 * repository (test/support/github-api-server.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { startGitHubApi, type FakeGitHub } from './support/github-api-server.ts';
import { fromTemplate } from './support/repo.ts';
import { withSynthReuse } from './support/synth-reuse.ts';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * The CLI in-process, with synth's reuse on (support/synth-reuse.ts): promote's check that the generated
 * files are current finds the state the template's synth, or the promote before, recorded.
 */
async function cli(cwd: string, env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await withSynthReuse(() =>
    main(argv, {
      cwd,
      env,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    }),
  );
  return { code, stdout, stderr };
}

/** This repository's configuration, synthesized and committed: built once, copied for each test. */
const committed = fromTemplate(async (dir) => {
  // --template= (no sample hooks): 15 files fewer to write, copy and remove for every repository.
  git(dir, 'init', '--quiet', '--initial-branch=main', '--template=');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  expect((await cli(dir, {}, 'synth')).code).toBe(0);
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'chore: initial');
});
afterAll(() => committed.dispose());

/** A synthesized, committed copy of the repository, the bare repository GitHub holds, and GitHub. */
async function setup(): Promise<{ dir: string; bare: string; github: FakeGitHub }> {
  const { root: dir, cleanup } = await committed.copy();
  cleanups.push(cleanup);
  const holder = mkdtempSync(join(tmpdir(), 'hivebox-github-'));
  cleanups.push(() => rmSync(holder, { recursive: true, force: true }));
  const bare = join(holder, 'repo.git');
  git(holder, 'clone', '--quiet', '--bare', '--template=', dir, bare);
  const github = await startGitHubApi(bare);
  cleanups.push(() => github.close());
  return { dir, bare, github };
}

const branches = (bare: string) => git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').sort();
const reset = (dir: string) => {
  git(dir, 'checkout', '--quiet', '--', '.');
  git(dir, 'clean', '--quiet', '-d', '--force');
};

describe('promote --propose', () => {
  it('opens a pull request whose one commit GitHub created on main — the very change promote --commit makes', async () => {
    const { dir, bare, github } = await setup();
    const main = git(dir, 'rev-parse', 'HEAD');
    const result = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--propose');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Opened pull request #1 "deploy\(dev\): set hivebox image to v0\.7\.0" \(https:\/\/github\.com\/hivebox-platform\/hivebox-gitops\/pull\/1\): signed commit [0-9a-f]{12} on promote\/dev, onto main at [0-9a-f]{12}\.\n$/,
    );

    // One commit on main's head, made by GitHub (so signed), on promote/dev; no scratch branch left over.
    expect(branches(bare)).toEqual(['main', 'promote/dev']);
    const proposed = git(bare, 'rev-parse', 'promote/dev');
    expect(github.signedCommits.has(proposed)).toBe(true);
    expect(git(bare, 'rev-parse', 'promote/dev^')).toBe(main);
    expect(git(bare, 'log', '-1', '--format=%s%n%n%b', 'promote/dev')).toBe(
      `deploy(dev): set hivebox image to v0.7.0\n\nImage: ghcr.io/hivebox-platform/hivebox:v0.7.0\nImage digest: ${DIGEST_A}\nPrevious image: ghcr.io/hivebox-platform/hivebox:v0.6.0`,
    );
    expect(github.requests.some((r) => r.startsWith('POST /graphql'))).toBe(true);

    // Exactly what the local path commits: same tree, only envs/dev/.
    reset(dir);
    expect((await cli(dir, {}, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--commit')).code).toBe(0);
    git(dir, 'fetch', '--quiet', bare, 'promote/dev');
    expect(git(dir, 'rev-parse', 'FETCH_HEAD^{tree}')).toBe(git(dir, 'rev-parse', 'HEAD^{tree}'));
    expect(
      git(dir, 'diff', '--name-only', main, 'FETCH_HEAD')
        .split('\n')
        .every((file) => file.startsWith('envs/dev/')),
    ).toBe(true);

    expect(github.pulls).toEqual([
      expect.objectContaining({
        number: 1,
        head: 'promote/dev',
        base: 'main',
        state: 'open',
        title: 'deploy(dev): set hivebox image to v0.7.0',
      }),
    ]);
  });

  it('updates the open pull request in place when a newer image comes, and says it superseded the older one', async () => {
    const { dir, bare, github } = await setup();
    const main = git(dir, 'rev-parse', 'HEAD');
    expect((await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--propose')).code).toBe(0);
    const first = git(bare, 'rev-parse', 'promote/dev');
    reset(dir);

    const newer = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.8.0@${DIGEST_B}`, '--propose');
    expect(newer.code).toBe(0);
    expect(newer.stdout).toContain('Updated pull request #1');
    expect(newer.stdout).toContain(
      'It superseded the proposal it held, "deploy(dev): set hivebox image to v0.7.0": a newer image replaces an older one that was not merged yet.',
    );
    const second = git(bare, 'rev-parse', 'promote/dev');
    // Not stacked on the old proposal: one signed commit on main, replacing it.
    expect(second).not.toBe(first);
    expect(git(bare, 'rev-parse', 'promote/dev^')).toBe(main);
    expect(github.signedCommits.has(second)).toBe(true);
    expect(git(bare, 'show', 'promote/dev:envs/dev/env.yaml')).toContain(`tag: v0.8.0\n  digest: ${DIGEST_B}`);
    expect(github.pulls.map((p) => [p.number, p.state, p.title])).toEqual([[1, 'open', 'deploy(dev): set hivebox image to v0.8.0']]);
    expect(branches(bare)).toEqual(['main', 'promote/dev']);

    reset(dir);
    const again = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.8.0@${DIGEST_B}`, '--propose');
    expect(again.stdout).toContain('It proposed the same image before');
  });

  it('proposes dev → staging the same way', async () => {
    const { dir, bare, github } = await setup();
    expect((await cli(dir, {}, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--commit')).code).toBe(0);
    git(dir, 'push', '--quiet', bare, 'main');
    const result = await cli(dir, github.env, 'promote', '--from', 'dev', '--to', 'staging', '--propose');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"deploy(staging): promote hivebox v0.7.0 from dev"');
    expect(git(bare, 'show', 'promote/staging:envs/staging/env.yaml')).toContain(`digest: ${DIGEST_A}`);
  });

  it('changes nothing on GitHub when the target already runs the image', async () => {
    const { dir, github } = await setup();
    const result = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', 'v0.6.0', '--propose');
    expect(result).toMatchObject({ code: 0, stdout: 'dev already runs ghcr.io/hivebox-platform/hivebox:v0.6.0; nothing to change.\n' });
    expect(github.requests).toEqual([]);
  });

  it('fails in one line (exit 2) when GitHub refuses, leaving the proposal branch as it was and no scratch branch', async () => {
    const { dir, bare, github } = await setup();
    expect((await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--propose')).code).toBe(0);
    const proposed = git(bare, 'rev-parse', 'promote/dev');
    reset(dir);
    github.fail('POST', /^\/graphql$/, 403, 'Resource not accessible by integration');
    const refused = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.8.0@${DIGEST_B}`, '--propose');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'hivebox-gitops promote: GitHub GraphQL createCommitOnBranch: 403 Resource not accessible by integration (the token may not do this: the App needs contents and pull requests write on this repository)\n',
    );
    expect(branches(bare)).toEqual(['main', 'promote/dev']);
    expect(git(bare, 'rev-parse', 'promote/dev')).toBe(proposed);
    expect(github.pulls.map((p) => p.title)).toEqual(['deploy(dev): set hivebox image to v0.7.0']);

    reset(dir);
    github.failGraphql('Expected branch to point to "x" but it did not. Pull and try again.');
    const stale = await cli(dir, github.env, 'promote', '--to', 'dev', '--image', `v0.8.0@${DIGEST_B}`, '--propose');
    expect(stale).toMatchObject({
      code: 2,
      stderr:
        'hivebox-gitops promote: GitHub GraphQL createCommitOnBranch: Expected branch to point to "x" but it did not. Pull and try again.\n',
    });
    expect(branches(bare)).toEqual(['main', 'promote/dev']);
    expect(git(bare, 'rev-parse', 'promote/dev')).toBe(proposed);

    reset(dir);
    const badToken = await cli(
      dir,
      { ...github.env, GH_TOKEN: 'expired' },
      'promote',
      '--to',
      'dev',
      '--image',
      `v0.8.0@${DIGEST_B}`,
      '--propose',
    );
    expect(badToken).toMatchObject({
      code: 2,
      stderr:
        'hivebox-gitops promote: GitHub GET /repos/hivebox-platform/hivebox-gitops: 401 Bad credentials (the token was refused: expired or revoked?)\n',
    });

    reset(dir);
    const gone = await cli(
      dir,
      { ...github.env, GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql' },
      'promote',
      '--to',
      'dev',
      '--image',
      'v0.7.0',
      '--propose',
    );
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(
      /^hivebox-gitops promote: GitHub GET \/repos\/hivebox-platform\/hivebox-gitops: could not reach http:\/\/127\.0\.0\.1:9: .+\n$/,
    );
  });

  it('refuses without a token or repository before changing anything', async () => {
    const { dir } = await setup();
    const result = await cli(
      dir,
      { GITHUB_REPOSITORY: 'hivebox-platform/hivebox-gitops' },
      'promote',
      '--to',
      'dev',
      '--image',
      'v0.7.0',
      '--propose',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hivebox-gitops promote: --propose needs GH_TOKEN \(or GITHUB_TOKEN\) and GITHUB_REPOSITORY/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect((await cli(dir, {}, 'promote', '--to', 'dev', '--image', 'v0.7.0', '--propose', '--commit')).stderr).toContain(
      'expected at most one of --commit, --check and --propose',
    );
  });
});

describe('promote --check', () => {
  it('exits 1 when promoting would change the target, 0 when it already runs the image, 2 on a refusal; never writes', async () => {
    const { dir } = await setup();
    const head = git(dir, 'rev-parse', 'HEAD');
    const would = await cli(dir, {}, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--check');
    expect(would.code).toBe(1);
    expect(would.stdout).toMatch(
      /^Promoting would change dev to ghcr\.io\/hivebox-platform\/hivebox:v0\.7\.0@sha256:a{64} \(now ghcr\.io\/hivebox-platform\/hivebox:v0\.6\.0\):\n {2}envs\/dev\/env\.yaml\n/,
    );
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    expect(await cli(dir, {}, 'promote', '--from', 'dev', '--to', 'staging', '--check')).toMatchObject({ code: 1 });
    expect((await cli(dir, {}, 'promote', '--to', 'dev', '--image', 'v0.6.0', '--check')).code).toBe(0);
    const skipping = await cli(dir, {}, 'promote', '--from', 'dev', '--to', 'prod', '--check');
    expect(skipping.code).toBe(2);
    expect(skipping.stderr).toContain('no step may be skipped');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
  });
});
