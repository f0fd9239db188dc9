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
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

const repos: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

/** Built once, copied for each test. */
const committed = fromTemplate(async (root) => {
  expect((await runCli(root, 'synth')).code).toBe(0);
  // --template= (no sample hooks): 15 files fewer to write, copy and remove for every repository.
  git(root, 'init', '-q', '-b', 'main', '--template=');
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
    const lines = result.stdout.trimEnd().split('\n');
    // A line per step first, the diff's summary table, and the verdict last.
    expect(lines[0]).toMatch(/^✓ synth --check: +\d+ generated files are up to date$/);
    expect(lines[1]).toMatch(/^✓ validate: +clean: \d+ resources in dev, prod, staging, argocd$/);
    expect(lines[2]).toMatch(/^~ diff: +no differences against HEAD$/);
    expect(result.stdout).toMatch(/== diff against HEAD \(summary\)\n[\s\S]*No differences/);
    expect(result.stdout).not.toContain('== validate');
    expect(lines.at(-1)).toBe('✓ check passed: synth --check, validate; diff: no differences against HEAD (information, not a failure).');
    const sarif = JSON.parse(readFileSync(join(root, 'validate.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(readFileSync(join(root, 'diff.md'), 'utf8')).toMatch(/^<!-- hivebox-gitops-diff -->/);
  });

  it('fails on stale generated files and shows the change in the diff', async () => {
    const root = await committedRepo();
    const env = join(root, 'envs/staging/env.yaml');
    writeFileSync(env, readFileSync(env, 'utf8').replace('host: staging.hivebox.example.com', 'host: stage.hivebox.example.com'));
    expect((await runCli(root, 'synth')).code).toBe(0);
    const patch = join(root, 'envs/staging/patches/httproute-hivebox.yaml');
    writeFileSync(patch, `${readFileSync(patch, 'utf8')}# hand edit\n`);
    const result = await runCli(root, 'check', '--base', 'HEAD');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^✗ synth --check: +1 generated file\(s\) out of date: run `npm run synth` and commit them$/,
    );
    expect(result.stdout).toContain('== synth --check\n  changed  envs/staging/patches/httproute-hivebox.yaml\n');
    // The summary names the change; the full diff waits for --verbose, out of the way of the reason it failed.
    expect(result.stdout).toMatch(/^~ diff: +2 resource\(s\) differ against HEAD in staging, argocd\/$/m);
    expect(result.stdout).toMatch(/^staging +changed +0 +0 +1 /m);
    expect(result.stdout).not.toMatch(/stage\.hivebox\.example\.com/);
    expect(result.stdout).toContain('The full diff: --verbose, --markdown <file> or hivebox-gitops diff --base HEAD');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '✗ check failed: synth --check (1 generated file(s) out of date: run `npm run synth` and commit them; see the list under "== synth --check"); passed: validate; diff: 2 resource(s) differ against HEAD in staging, argocd/ (information, not a failure).',
    );
    const verbose = await runCli(root, 'check', '--base', 'HEAD', '--verbose');
    expect(verbose.code).toBe(1);
    expect(verbose.stdout).toMatch(/== diff against HEAD\n[\s\S]*stage\.hivebox\.example\.com/);
    expect(verbose.stdout).toContain('== validate\n✓ dev');
  });

  it('fails on validation findings, as validate does', async () => {
    const root = await committedRepo();
    const prod = join(root, 'envs/prod/env.yaml');
    // Unpin prod's image: synth accepts a tag, but prod requires a digest.
    writeFileSync(prod, readFileSync(prod, 'utf8').replace(/\n {2}digest: sha256:[0-9a-f]{64}/, ''));
    expect((await runCli(root, 'synth')).code).toBe(0);
    const result = await runCli(root, 'check');
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[1]).toBe(`✗ validate:       1 finding (1 error, 0 warnings) in ${/in (\d+) resources/.exec(lines[1]!)![1]} resources`);
    // Without --base it says that it skipped the diff, and why.
    expect(lines[2]).toBe(
      '- diff:           no --base: pass --base <ref> (e.g. origin/main) to see what the change does to each environment',
    );
    expect(result.stdout).toMatch(/== validate\n[\s\S]*error image-digest: [\s\S]*fix: /);
    expect(result.stdout).not.toMatch(/== diff/);
    expect(lines.at(-1)).toMatch(
      /^✗ check failed: validate \(1 finding \(1 error, 0 warnings\) in \d+ resources; see each finding and its fix under "== validate"\); passed: synth --check; skipped: diff \(no --base\)\.$/,
    );
  });

  it('refuses to write an output file onto an input of the repository, before doing any work', async () => {
    const root = await committedRepo();
    writeFileSync(join(root, 'NOTES.md'), 'tracked notes\n');
    git(root, 'add', 'NOTES.md');
    const before = snapshot(root);
    const refusals: [string[], string][] = [
      [
        ['--sarif', 'envs/dev/env.yaml'],
        '--sarif envs/dev/env.yaml: expected a path that is not an input of the repository; it is under envs/',
      ],
      [['--sarif', 'package.json'], '--sarif package.json: expected a path that is not an input of the repository; it is package.json'],
      [
        ['--sarif', 'charts/new.sarif'],
        '--sarif charts/new.sarif: expected a path that is not an input of the repository; it is under charts/',
      ],
      [['--sarif', 'NOTES.md'], '--sarif NOTES.md: expected a path that is not an input of the repository; Git tracks it'],
      [
        ['--base', 'HEAD', '--markdown', 'base/kustomization.yaml'],
        '--markdown base/kustomization.yaml: expected a path that is not an input of the repository; it is under base/',
      ],
      [
        ['--base', 'HEAD', '--sarif', 'out.txt', '--markdown', './out.txt'],
        '--markdown ./out.txt: --sarif writes the same file; expected a file of its own',
      ],
      [
        ['--sarif', 'no-such-folder/validate.sarif'],
        '--sarif no-such-folder/validate.sarif: expected a file in an existing folder; no-such-folder is not one',
      ],
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
