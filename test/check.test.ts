/**
 * `hivebox-gitops check`, the pull-request check in one process: it must reach
 * the same verdicts as synth --check, validate and diff run apart.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromTemplate, runCli, snapshot } from './support/repo.ts';

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });
}

const repos: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** Built once, copied for each test. */
const committed = fromTemplate(async (root) => {
  expect((await runCli(root, 'synth')).code).toBe(0);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'synthesized');
});
afterAll(() => committed.dispose());

/** A committed Git repository with this repository's environments and their synth output. */
async function committedRepo(): Promise<string> {
  const repo = await committed.copy();
  repos.push(repo);
  return repo.root;
}

describe('hivebox-gitops check', () => {
  it('passes a clean repository, and writes SARIF and the diff comment on request', async () => {
    const root = await committedRepo();
    const result = await runCli(root, 'check', '--base', 'HEAD', '--sarif', 'validate.sarif', '--markdown', 'diff.md');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/== synth --check\n\d+ generated files are up to date/);
    expect(result.stdout).toMatch(/== validate\n/);
    expect(result.stdout).toMatch(/== diff against HEAD\n[\s\S]*No differences/);
    const sarif = JSON.parse(readFileSync(join(root, 'validate.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(readFileSync(join(root, 'diff.md'), 'utf8')).toMatch(/^<!-- hivebox-gitops-diff -->/);
  });

  it('fails on stale generated files and shows the change in the diff', async () => {
    const root = await committedRepo();
    const env = join(root, 'envs/staging/env.yaml');
    writeFileSync(env, readFileSync(env, 'utf8').replace('host: staging.hivebox.example.com', 'host: stage.hivebox.example.com'));
    expect((await runCli(root, 'synth')).code).toBe(0);
    const patch = join(root, 'envs/staging/patches/ingress-hivebox.yaml');
    writeFileSync(patch, `${readFileSync(patch, 'utf8')}# hand edit\n`);
    const result = await runCli(root, 'check', '--base', 'HEAD');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('changed  envs/staging/patches/ingress-hivebox.yaml');
    expect(result.stdout).toMatch(/stage\.hivebox\.example\.com/);
  });

  it('fails on validation findings, as validate does', async () => {
    const root = await committedRepo();
    const prod = join(root, 'envs/prod/env.yaml');
    // Unpin prod's image: synth accepts a tag, but prod requires a digest.
    writeFileSync(prod, readFileSync(prod, 'utf8').replace(/\n {2}digest: sha256:[0-9a-f]{64}/, ''));
    expect((await runCli(root, 'synth')).code).toBe(0);
    const result = await runCli(root, 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/image-digest/);
    expect(result.stdout).not.toMatch(/== diff/);
  });

  it('refuses to write an output file onto an input of the repository, before doing any work', async () => {
    const root = await committedRepo();
    writeFileSync(join(root, 'NOTES.md'), 'tracked notes\n');
    git(root, 'add', 'NOTES.md');
    const before = snapshot(root);
    const refusals: [string[], string][] = [
      [['--sarif', 'envs/dev/env.yaml'], '--sarif envs/dev/env.yaml: expected a path that is not an input of the repository; it is under envs/'],
      [['--sarif', 'package.json'], '--sarif package.json: expected a path that is not an input of the repository; it is package.json'],
      [['--sarif', 'charts/new.sarif'], '--sarif charts/new.sarif: expected a path that is not an input of the repository; it is under charts/'],
      [['--sarif', 'NOTES.md'], '--sarif NOTES.md: expected a path that is not an input of the repository; Git tracks it'],
      [['--base', 'HEAD', '--markdown', 'base/kustomization.yaml'], '--markdown base/kustomization.yaml: expected a path that is not an input of the repository; it is under base/'],
      [['--base', 'HEAD', '--sarif', 'out.txt', '--markdown', './out.txt'], '--markdown ./out.txt: --sarif writes the same file; expected a file of its own'],
      [['--sarif', 'no-such-folder/validate.sarif'], '--sarif no-such-folder/validate.sarif: expected a file in an existing folder; no-such-folder is not one'],
    ];
    for (const [args, message] of refusals) {
      const result = await runCli(root, 'check', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toBe(`hivebox-gitops check: ${message}\n`);
      expect(result.stdout, args.join(' ')).toBe(''); // refused before any work
    }
    // An envs/ folder linked from elsewhere in the repository is still envs/.
    symlinkSync('envs/dev', join(root, 'linked'));
    expect((await runCli(root, 'check', '--sarif', 'linked/env.yaml')).stderr).toContain('it is under envs/');
    rmSync(join(root, 'linked'));
    expect(snapshot(root)).toEqual(before);
  });

  it('rejects a bad ref and a markdown file without a base with exit 2, writing nothing', async () => {
    const root = await committedRepo();
    expect((await runCli(root, 'check', '--base', 'no-such-ref')).code).toBe(2);
    const result = await runCli(root, 'check', '--markdown', 'diff.md');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--markdown needs --base/);
    expect(existsSync(join(root, 'diff.md'))).toBe(false);
  });
});
