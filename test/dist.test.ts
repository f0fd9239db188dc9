/**
 * The CLI runs the JavaScript in dist/, compiled from src/ by `npm run build` (which `npm ci`
 * runs through `prepare`). These tests fail when dist/ no longer matches src/, and show the
 * check that finds it, and the fallback bin/ takes, on a copy.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleness } from '../scripts/dist-manifest.mjs';
import { REPO_ROOT } from './support/repo.ts';

const exec = promisify(execFile);

describe('dist/', () => {
  it('is the build of the current src/, unchanged since (else: npm run build)', () => {
    expect(staleness(REPO_ROOT, { outputs: true })).toBeUndefined();
  });

  it('is what package.json runs: bin points at bin/hivebox-gitops.js, which imports dist/cli.js', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin['hivebox-gitops']).toBe('bin/hivebox-gitops.js');
    expect(readFileSync(join(REPO_ROOT, 'bin', 'hivebox-gitops.js'), 'utf8')).toContain("'../dist/cli.js'");
    expect(pkg.scripts.prepare).toBe('node scripts/build.mjs');
  });
});

describe('on a copy of the repository', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hivebox-dist-'));
    for (const entry of ['src', 'dist', 'bin', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds dist/ stale when a source file changes, and current again when it is put back', () => {
    expect(staleness(root, { outputs: true })).toBeUndefined();
    const file = join(root, 'src', 'errors.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n// an edit\n`);
    expect(staleness(root)).toMatch(/src\/ changed since dist\/ was built/);
    writeFileSync(file, original);
    expect(staleness(root)).toBeUndefined();
  });

  it('finds a compiled file changed by hand', () => {
    const file = join(root, 'dist', 'errors.js');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n// an edit\n`);
    expect(staleness(root)).toBeUndefined(); // the sources still match: bin runs dist/
    expect(staleness(root, { outputs: true })).toMatch(/dist\/ differs from what the build wrote: errors\.js/);
    writeFileSync(file, original);
  });

  it('bin runs dist/ when it is current, and src/ through tsx (saying so) when it is not', async () => {
    const fresh = await exec(process.execPath, [join(root, 'bin', 'hivebox-gitops.js'), '--help'], { cwd: root });
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toContain('Usage: hivebox-gitops <command>');

    const file = join(root, 'src', 'cli.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('Usage: hivebox-gitops <command> [options]', 'Usage (from src): hivebox-gitops <command> [options]'));
    try {
      const stale = await exec(process.execPath, [join(root, 'bin', 'hivebox-gitops.js'), '--help'], { cwd: root });
      expect(stale.stderr).toMatch(/src\/ changed since dist\/ was built .*running src\/ through tsx/);
      expect(stale.stdout).toContain('Usage (from src): hivebox-gitops <command>');
    } finally {
      writeFileSync(file, original);
    }
  });
});
