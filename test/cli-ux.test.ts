/**
 * The CLI behaves like the tools people know: --version, "did you mean", every usage mistake in one
 * line of the same shape, colour only on a terminal without NO_COLOR, progress only on a terminal's
 * stderr, and status saying where it looked for a kubeconfig.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { parseFlags, renderHelp, synopses, type CommandDescription } from '../src/commands/flags.ts';
import { highlight } from '../src/commands/style.ts';
import { closest } from '../src/errors.ts';
import { REPO_ROOT, tempRepo } from './support/repo.ts';

const exec = promisify(execFile);
const ESC = '\u001b[';

async function run(argv: string[], options: { cwd?: string; tty?: boolean; env?: Record<string, string | undefined> } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty },
  });
  return { code, stdout, stderr };
}

describe('--version', () => {
  it('prints the package version, exit 0, from the installed CLI too', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `hivebox-gitops ${version}\n`, stderr: '' });
    const { stdout } = await exec(process.execPath, [join(REPO_ROOT, 'bin', 'hivebox-gitops.js'), '--version'], { cwd: tmpdir() });
    expect(stdout).toBe(`hivebox-gitops ${version}\n`);
  });

  it('is listed in --help, which still comes from the command table', async () => {
    const help = (await run(['--help'])).stdout;
    expect(help).toMatch(/^ {2}--version +print the version of hivebox-gitops$/m);
    expect(help).toMatch(/^ {2}synth +render envs/m);
  });
});

describe('usage mistakes: one line, exit 2, the same shape, with "did you mean"', () => {
  const cases: Array<[string[], string]> = [
    [['synht'], 'hivebox-gitops: unknown command "synht" (did you mean synth?); see hivebox-gitops --help'],
    [['valdiate'], 'hivebox-gitops: unknown command "valdiate" (did you mean validate?); see hivebox-gitops --help'],
    [
      ['frobnicate'],
      'hivebox-gitops: unknown command "frobnicate"; expected one of synth, validate, diff, check, promote, status, metrics; see hivebox-gitops --help',
    ],
    [['--verison'], 'hivebox-gitops: unknown option --verison (did you mean --version?); see hivebox-gitops --help'],
    [['check', '--bsae', 'main'], 'hivebox-gitops check: unknown option --bsae (did you mean --base?); see hivebox-gitops check --help'],
    [
      ['status', '--kubeconfg', 'x'],
      'hivebox-gitops status: unknown option --kubeconfg (did you mean --kubeconfig?); see hivebox-gitops status --help',
    ],
    [['synth', '--zzz'], 'hivebox-gitops synth: unknown option --zzz; expected one of --check, --help; see hivebox-gitops synth --help'],
    [['validate', '--env'], 'hivebox-gitops validate: option --env needs a value; see hivebox-gitops validate --help'],
    [['synth', '--check=yes'], 'hivebox-gitops synth: option --check takes no value; see hivebox-gitops synth --help'],
    [
      ['validate', 'staging'],
      'hivebox-gitops validate: unexpected argument "staging": this command takes only options; see hivebox-gitops validate --help',
    ],
    [
      ['check', 'verbose'],
      'hivebox-gitops check: unexpected argument "verbose": this command takes only options (did you mean --verbose?); see hivebox-gitops check --help',
    ],
    [
      ['diff'],
      'hivebox-gitops diff: --base <ref> is required: the commit, branch or tag to compare against; see hivebox-gitops diff --help',
    ],
  ];
  it.each(cases)('%j', async (argv, message) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it.each([
    ['validate', '--env'],
    ['diff', '--base', 'HEAD', '--env'],
    ['status', '--env'],
    ['metrics', '--env'],
    ['promote', '--check', '--to'],
  ])('an unknown environment: every selector answers alike (%s)', async (...argv) => {
    const flag = argv.at(-1)!;
    expect(await run([...argv, 'stagign'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `hivebox-gitops ${argv[0]}: ${flag}: no environment "stagign" (did you mean staging?); expected one of dev, prod, staging (envs/<name>/env.yaml)\n`,
    });
  });

  it('suggests only what is close: a swap, a letter missing or extra, not a different word', () => {
    expect(closest('stauts', ['status', 'synth'])).toBe('status');
    expect(closest('--markdow', ['--markdown', '--base'])).toBe('--markdown');
    expect(closest('deploy', ['diff', 'promote', 'status'])).toBeUndefined();
  });
});

/** Every command's description (src/commands/usage/), by name. */
async function usages(): Promise<Map<string, CommandDescription>> {
  const dir = join(REPO_ROOT, 'src', 'commands', 'usage');
  const modules = await Promise.all(readdirSync(dir).map((file) => import(join(dir, file)) as Promise<{ usage: CommandDescription }>));
  return new Map(modules.map(({ usage }) => [usage.name, usage]));
}

describe('--help, from one description per command', () => {
  it('lists every command, and every command prints its own help, exit 0', async () => {
    const described = await usages();
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const [name, usage] of described) {
      expect(top.stdout).toContain(`  ${name.padEnd(10)} ${usage.summary}\n`);
      const help = await run([name, '-h']);
      expect(help).toEqual({ code: 0, stdout: renderHelp(usage), stderr: '' });
      for (const option of Object.keys(usage.options))
        expect(help.stdout, `${name} --${option}`).toMatch(new RegExp(`^  --${option}\\b`, 'm'));
    }
    expect([...described.keys()].sort()).toEqual(['check', 'diff', 'metrics', 'promote', 'status', 'synth', 'validate']);
  });

  it('shows only examples its parser accepts, and synopses of options it has', async () => {
    const described = await usages();
    const helps = [
      (await run(['--help'])).stdout,
      ...(await Promise.all([...described.keys()].map(async (name) => (await run([name, '--help'])).stdout))),
    ];
    const sections = helps.map((help) => help.split('\nExamples:\n')[1]!.split('\n\n')[0]!);
    const examples = sections.flatMap((section) => [...section.matchAll(/^ {2}hivebox-gitops ([a-z]+)((?: \S+)*)$/gm)]);
    expect(examples.length).toBeGreaterThanOrEqual(described.size * 2);
    for (const [line, name, rest] of examples) {
      const usage = described.get(name!);
      expect(usage, line).toBeDefined();
      expect(() => parseFlags(usage!, rest!.trim().split(' ').filter(Boolean)), line).not.toThrow();
    }
    for (const usage of described.values()) {
      for (const synopsis of synopses(usage)) {
        for (const [, option] of synopsis.matchAll(/--([a-z-]+)/g)) expect(Object.keys(usage.options), synopsis).toContain(option);
      }
    }
  });
});

describe('colour and progress', () => {
  const repo = tempRepo({ withGenerated: true });
  afterAll(() => repo.cleanup());
  const validate = (tty: boolean, env: Record<string, string | undefined> = {}) =>
    run(['validate', '--env', 'dev'], {
      cwd: repo.root,
      tty,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    });

  it('on a terminal: coloured marks, and a progress line on stderr that is erased before the report', async () => {
    const result = await validate(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${ESC}32m✓${ESC}39m dev (`);
    expect(result.stderr).toMatch(/rendering with kustomize: \d+ of \d+ done/);
    expect(result.stderr.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('NO_COLOR set: no colour, on a terminal too', async () => {
    const result = await validate(true, { NO_COLOR: '1' });
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).toMatch(/^✓ dev \(/m);
  });

  it('piped (not a terminal): no colour and no progress', async () => {
    const result = await validate(false);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stderr).toBe('');
  });

  it('colours a diff and a report by their line marks only', () => {
    expect(highlight('+ Deployment.apps a/b (added)\n- x\n~ y\n    error pss-privileged: z\nplain - text', true)).toBe(
      `${ESC}32m+${ESC}39m Deployment.apps a/b (added)\n${ESC}31m-${ESC}39m x\n${ESC}33m~${ESC}39m y\n    ${ESC}31merror${ESC}39m pss-privileged: z\nplain - text`,
    );
  });
});

describe('status without a kubeconfig', () => {
  it('says that none was found and where it looked, exit 2 (not a refused connection to localhost:8080)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hivebox-home-'));
    try {
      const result = await run(['status'], { env: { HOME: home } });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `hivebox-gitops status: no kubeconfig found: looked at $KUBECONFIG (not set), ${join(home, '.kube', 'config')} (no such file) and a pod's service account (/var/run/secrets/kubernetes.io/serviceaccount/token: not in a pod); pass --kubeconfig <path> or set KUBECONFIG\n`,
      );
      expect(result.stderr).not.toContain('8080');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
