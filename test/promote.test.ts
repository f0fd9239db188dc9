import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { copyTree, runCli as cli, fromTemplate } from './support/repo.ts';
import { withSynthReuse } from './support/synth-reuse.ts';
import { setImage } from '../src/promote/edit.ts';
import { promote, type Synthesize } from '../src/promote/promote.ts';
import { synthesize } from '../src/synth/index.ts';
import { parseImageFlag } from '../src/promote/image.ts';

const REPO = resolve(import.meta.dirname, '..');
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;
const repos: string[] = [];

afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** This repository's configuration, synthesized and committed: built once, copied for each test. */
const committed = fromTemplate(async (dir) => {
  // --template= (no sample hooks): 15 files fewer to write, copy and remove for every repository.
  git(dir, 'init', '--quiet', '--initial-branch=main', '--template=');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  // With synth's reuse on (support/synth-reuse.ts), the promote that builds devPromoted below finds this state recorded.
  expect((await withSynthReuse(() => cli(dir, 'synth'))).code).toBe(0);
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'chore: initial');
});
afterAll(() => committed.dispose());

/** A throwaway clone of this repository's configuration, synthesized and committed. */
async function tempRepo(): Promise<string> {
  const dir = (await committed.copy()).root;
  repos.push(dir);
  return dir;
}

/**
 * One copy of the committed repository, shared by the refusals that must leave it exactly as it
 * was: each checks that it did (`git status` is empty), so one that writes still fails itself.
 */
let unchanged: Promise<{ root: string; cleanup: () => void }> | undefined;
afterAll(async () => (await unchanged)?.cleanup());
async function unchangedRepo(): Promise<string> {
  unchanged ??= committed.copy();
  return (await unchanged).root;
}

function commitFile(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
  git(dir, 'add', path);
  git(dir, 'commit', '--quiet', '-m', `chore: edit ${path}`);
}

const changedFiles = (dir: string) => git(dir, 'ls-files').split('\n').filter(Boolean);
const status = (dir: string) => git(dir, 'status', '--porcelain', '--untracked-files=all');
const changed = (dir: string) =>
  status(dir)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
const envYaml = (dir: string, env: string) => readFileSync(join(dir, 'envs', env, 'env.yaml'), 'utf8');

/**
 * The committed repository after dev got a new image (as `promote --to dev --image ... --commit`
 * gives it, with synth): promoted once, copied for each test that starts there.
 */
const devPromoted = fromTemplate(async (dir) => {
  const source = await committed.copy();
  rmSync(dir, { recursive: true, force: true });
  copyTree(source.root, dir);
  source.cleanup();
  expect((await withSynthReuse(() => cli(dir, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_A}`, '--commit'))).code).toBe(0);
});
afterAll(() => devPromoted.dispose());

/** A throwaway clone of the committed repository in which dev already runs v0.7.0@DIGEST_A. */
async function tempRepoWithNewImageInDev(): Promise<string> {
  const dir = (await devPromoted.copy()).root;
  repos.push(dir);
  return dir;
}

describe('promote --from --to', () => {
  it('copies tag and digest from dev to staging, changing only envs/staging/ and leaving synth up to date', async () => {
    const dir = await tempRepoWithNewImageInDev();
    const stagingBefore = envYaml(dir, 'staging');

    const result = await cli(dir, 'promote', '--from', 'dev', '--to', 'staging');

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const files = changed(dir);
    expect(files).toContain('envs/staging/env.yaml');
    expect(files.filter((file) => !file.startsWith('envs/staging/'))).toEqual([]);
    expect(files.length).toBeGreaterThan(1); // the rendered overlay followed the image
    expect(envYaml(dir, 'staging')).toBe(
      stagingBefore.replace('tag: v0.6.0', 'tag: v0.7.0').replace(/digest: sha256:\w+/, `digest: ${DIGEST_A}`),
    );
    expect(result.stdout).toContain('deploy(staging): promote hivebox v0.7.0 from dev');
    expect(result.stdout).toContain(`Image: ghcr.io/hivebox-platform/hivebox:v0.7.0\nImage digest: ${DIGEST_A}\n`);
    expect(result.stdout).toContain('Previous image: ghcr.io/hivebox-platform/hivebox:v0.6.0\nPrevious image digest: sha256:3f1b7c0a');
    expect((await cli(dir, 'synth', '--check')).code).toBe(0);
  });

  it('refuses dev → prod, which skips staging, and changes nothing', async () => {
    const dir = await tempRepoWithNewImageInDev();

    const result = await cli(dir, 'promote', '--from', 'dev', '--to', 'prod');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('envs/prod/env.yaml: promotesFrom is staging');
    expect(result.stderr).toContain('dev → staging → prod');
    expect(status(dir)).toBe('');
  });

  it('refuses to promote into the entry environment without --image', async () => {
    const dir = await unchangedRepo();
    const result = await cli(dir, 'promote', '--from', 'staging', '--to', 'dev');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to dev --image');
    expect(status(dir)).toBe('');
  });

  it('refuses a dirty working tree and changes nothing', async () => {
    const dir = await tempRepoWithNewImageInDev();
    writeFileSync(join(dir, 'notes.txt'), 'work in progress\n');
    const stagingBefore = envYaml(dir, 'staging');

    const result = await cli(dir, 'promote', '--from', 'dev', '--to', 'staging');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('uncommitted changes (notes.txt)');
    expect(envYaml(dir, 'staging')).toBe(stagingBefore);
    expect(changed(dir)).toEqual(['notes.txt']);
  });

  it('says so and changes nothing when the target already runs the image', async () => {
    const dir = await unchangedRepo();
    // staging and prod ship with the same tag and digest.
    const result = await cli(dir, 'promote', '--from', 'staging', '--to', 'prod');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`prod already runs ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:`);
    expect(result.stdout).toContain('nothing to change');
    expect(status(dir)).toBe('');
  });

  it('with --commit makes exactly one Conventional Commit touching only envs/<to>/', async () => {
    const dir = await tempRepoWithNewImageInDev();
    const before = git(dir, 'rev-parse', 'HEAD').trim();

    const result = await cli(dir, 'promote', '--from', 'dev', '--to', 'staging', '--commit');

    expect(result.code).toBe(0);
    expect(status(dir)).toBe('');
    expect(git(dir, 'rev-list', '--count', `${before}..HEAD`).trim()).toBe('1');
    const touched = git(dir, 'diff', '--name-only', before, 'HEAD').split('\n').filter(Boolean);
    expect(touched).toContain('envs/staging/env.yaml');
    expect(touched.filter((file) => !file.startsWith('envs/staging/'))).toEqual([]);
    const message = git(dir, 'log', '-1', '--format=%B');
    expect(message.split('\n')[0]).toBe('deploy(staging): promote hivebox v0.7.0 from dev');
    // The project's own commitlint configuration accepts it.
    execFileSync(join(REPO, 'node_modules/.bin/commitlint'), ['--config', join(REPO, 'commitlint.config.js')], {
      cwd: REPO,
      input: message,
    });
  });
});

describe('promote leaves nothing behind when it cannot finish', () => {
  it('refuses when the generated files were already out of date, so the change would not be the promotion alone', async () => {
    const dir = await tempRepo();
    const generated = changedFiles(dir).find((file) => file.startsWith('base/'))!;
    commitFile(dir, generated, `${readFileSync(join(dir, generated), 'utf8')}# stale\n`);

    const result = await cli(dir, 'promote', '--to', 'dev', '--image', 'v0.7.0');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the generated files are not up to date');
    expect(status(dir)).toBe('');
  });

  it('puts every file back when synthesis fails halfway', async () => {
    const dir = await tempRepo();
    const failingSynth = async (root: string, options: { check: boolean }) => {
      if (options.check) return { upToDate: true };
      writeFileSync(join(root, 'envs/dev/kustomization.yaml'), 'half-written\n');
      writeFileSync(join(root, 'envs/dev/new-file.yaml'), 'created\n');
      throw new Error('synth exploded');
    };

    await expect(promote(dir, { to: 'dev', image: { tag: 'v0.7.0' }, commit: false }, failingSynth)).rejects.toThrow('synth exploded');
    expect(status(dir)).toBe('');
  });

  it('refuses, and puts every file back, when re-synthesizing changed files outside envs/<to>/', async () => {
    const dir = await tempRepo();
    const strayingSynth: Synthesize = async (root, options) => {
      const result = await synthesize(root, options);
      if (!options.check) writeFileSync(join(root, 'base', 'stray.yaml'), '# written by a synth with a bug\n');
      return result;
    };
    const noFindings = async () => []; // the guard under test comes first; a validation would only cost time

    await expect(promote(dir, { to: 'dev', image: { tag: 'v0.7.0' }, commit: false }, strayingSynth, noFindings)).rejects.toThrow(
      /^re-synthesizing after changing envs\/dev\/env\.yaml also changed base\/stray\.yaml, outside envs\/dev\/; nothing was kept$/,
    );
    expect(status(dir)).toBe('');
  });

  it('refuses a promotion after which the environment would not pass validate, and changes nothing', async () => {
    const dir = await tempRepoWithNewImageInDev();
    // A valid env.yaml that validate rejects: a waiver that expired is itself a finding.
    commitFile(
      dir,
      'envs/staging/env.yaml',
      `${envYaml(dir, 'staging')}waivers:\n  - { rule: probes, reason: a slow start, expires: 2020-01-01 }\n`,
    );
    expect((await cli(dir, 'synth', '--check')).code).toBe(0); // only validation reads it
    const stagingBefore = envYaml(dir, 'staging');

    const result = await cli(dir, 'promote', '--from', 'dev', '--to', 'staging', '--commit');

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^hivebox-gitops promote: with ghcr\.io\/hivebox-platform\/hivebox:v0\.7\.0@sha256:a{64}, staging would not pass `hivebox-gitops validate --env staging` \(1 finding; the first: waiver-expired in staging: env\.yaml staging waivers\[0\]: the waiver of probes expired on 2020-01-01 \("a slow start"\), so probes applies again\); nothing was kept\n$/,
    );
    expect(envYaml(dir, 'staging')).toBe(stagingBefore);
    expect(status(dir)).toBe('');
  });

  it('--commit refused by a hook: says the change is staged, exit 2', async () => {
    const dir = await tempRepo();
    mkdirSync(join(dir, '.git/hooks'), { recursive: true });
    writeFileSync(join(dir, '.git/hooks/commit-msg'), '#!/bin/sh\necho "signed commits only" >&2\nexit 1\n', { mode: 0o755 });
    const result = await cli(dir, 'promote', '--to', 'dev', '--image', 'v0.7.0', '--commit');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('signed commits only');
    expect(result.stderr).toContain('The promotion is in place and staged');
    expect(git(dir, 'diff', '--cached', '--name-only').split('\n').filter(Boolean)).toContain('envs/dev/env.yaml');
  });
});

describe('promote --to --image', () => {
  it('sets a new tag and digest in dev, changing only envs/dev/', async () => {
    const dir = await tempRepo();
    const result = await cli(dir, 'promote', '--to', 'dev', '--image', `v0.7.0@${DIGEST_B}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('deploy(dev): set hivebox image to v0.7.0');
    expect(changed(dir).filter((file) => !file.startsWith('envs/dev/'))).toEqual([]);
    expect(envYaml(dir, 'dev')).toContain(`image:\n  tag: v0.7.0\n  digest: ${DIGEST_B}\n`);
    expect((await cli(dir, 'synth', '--check')).code).toBe(0);
  });

  it('a tag alone replaces the old digest, which belonged to the old tag', async () => {
    const dir = await tempRepo();
    expect((await cli(dir, 'promote', '--to', 'staging', '--image', 'v0.5.0')).code).toBe(0);
    expect(envYaml(dir, 'staging')).toContain('image:\n  tag: v0.5.0\nroute:');
  });

  it('refuses a tag without a digest into an environment that requires one, saying how to promote by digest', async () => {
    const dir = await tempRepo();
    expect((await cli(dir, 'promote', '--to', 'staging', '--image', 'v0.8.0', '--commit')).code).toBe(0); // staging requires none
    const prodBefore = envYaml(dir, 'prod');
    const why = 'prod requires images pinned by digest (prod ends the promotion chain, where validation.requireDigest defaults to true)';
    const how =
      "promote by digest: hivebox-gitops promote --to prod --image v0.8.0@sha256:<the registry's 64-hex digest of ghcr.io/hivebox-platform/hivebox:v0.8.0>";

    const fromStaging = await cli(dir, 'promote', '--from', 'staging', '--to', 'prod');
    expect(fromStaging).toMatchObject({ code: 2, stdout: '' });
    expect(fromStaging.stderr).toBe(
      `hivebox-gitops promote: ${why}, but staging's image ghcr.io/hivebox-platform/hivebox:v0.8.0 has no digest; ${how}\n`,
    );
    const byTag = await cli(dir, 'promote', '--to', 'prod', '--image', 'v0.8.0', '--check');
    expect(byTag.stderr).toBe(`hivebox-gitops promote: ${why}, but --image v0.8.0 has no digest; ${how}\n`);
    expect(envYaml(dir, 'prod')).toBe(prodBefore);
    expect(status(dir)).toBe('');

    // Doing what the message says works, and leaves prod valid.
    expect((await cli(dir, 'promote', '--to', 'prod', '--image', `v0.8.0@${DIGEST_A}`)).code).toBe(0);
    expect(envYaml(dir, 'prod')).toContain(`tag: v0.8.0\n  digest: ${DIGEST_A}\n`);
  });

  it('refuses "latest", a repository in the reference and --from together with --image', async () => {
    const dir = await unchangedRepo();
    for (const argv of [
      ['--to', 'dev', '--image', 'latest'],
      ['--to', 'dev', '--image', 'ghcr.io/other/app:v1'],
      ['--to', 'dev', '--image', 'v1@sha256:short'],
      ['--from', 'dev', '--to', 'staging', '--image', 'v1'],
      ['--to', 'nowhere', '--image', 'v1'],
    ]) {
      const result = await cli(dir, 'promote', ...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(/^hivebox-gitops promote: /);
    }
    expect(status(dir)).toBe('');
  });
});

describe('setImage', () => {
  it('keeps comments, order and quoting, and changes only the image lines', () => {
    const before = readFileSync(join(REPO, 'envs/prod/env.yaml'), 'utf8');
    const after = setImage(before, { repository: 'ghcr.io/hivebox-platform/hivebox', tag: 'v0.7.0', digest: DIGEST_A });
    const changedLines = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changedLines).toEqual(['  tag: v0.7.0', `  digest: ${DIGEST_A}`]);
  });

  it('writes the repository only when it differs from what the file resolves to', () => {
    const text = '# dev\nimage:\n  tag: v1\nroute:\n  host: a.example.com\n';
    expect(setImage(text, { repository: 'ghcr.io/hivebox-platform/hivebox', tag: 'v2' })).toBe(text.replace('v1', 'v2'));
    expect(setImage(text, { repository: 'ghcr.io/fork/hivebox', tag: 'v2' })).toContain(
      'image:\n  tag: v2\n  repository: ghcr.io/fork/hivebox\n',
    );
  });

  it('parses --image forms', () => {
    expect(parseImageFlag('v0.7.0')).toEqual({ tag: 'v0.7.0' });
    expect(parseImageFlag(DIGEST_A)).toEqual({ digest: DIGEST_A });
    expect(parseImageFlag(`v0.7.0@${DIGEST_A}`)).toEqual({ tag: 'v0.7.0', digest: DIGEST_A });
  });
});
