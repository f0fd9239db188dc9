/**
 * `metrics` on real Git histories: promotions made with `promote --commit`, a rollback
 * by `git revert` and one by `promote --image`, each commit dated with GIT_COMMITTER_DATE,
 * and every figure checked against values computed by hand in the comments.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageOf } from '../src/metrics/history.ts';
import { runCli as cli, tempRepo } from './support/repo.ts';
import { withSynthReuse } from './support/synth-reuse.ts';

const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const dirs: string[] = [];
let repo: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** Runs `fn` with author and committer dated `iso` (the env git inherits from this process). */
async function at<T>(iso: string, fn: () => Promise<T> | T): Promise<T> {
  process.env.GIT_COMMITTER_DATE = process.env.GIT_AUTHOR_DATE = iso;
  try {
    return await fn();
  } finally {
    delete process.env.GIT_COMMITTER_DATE;
    delete process.env.GIT_AUTHOR_DATE;
  }
}

async function promote(iso: string, ...args: string[]): Promise<string> {
  const result = await at(iso, () => cli(repo, 'promote', ...args, '--commit'));
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return git(repo, 'rev-parse', 'HEAD').trim();
}

/** A commit that changes only base/ (as a change to the constructs would). */
async function baseChange(iso: string, name: string): Promise<void> {
  await at(iso, () => {
    mkdirSync(join(repo, 'base'), { recursive: true });
    writeFileSync(join(repo, 'base', `${name}.txt`), `${name}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', `chore: ${name}`);
  });
}

/**
 * The history (UTC), window 2026-03-02 – 2026-03-15 (two weeks):
 *
 *   #0  02-20 10:00  initial: dev v0.6.0, staging and prod v0.6.0@3f1b…   (before the window)
 *   #1  02-27 10:00  dev ← v0.7.0@A                                        (before the window)
 *   #2  03-02 10:00  staging ← A
 *   #3  03-03 10:00  prod ← A      forward; lead 03-03 10:00 − 02-27 10:00 = 96 h
 *   #4  03-04 08:00  dev ← v0.8.0@B
 *   #5  03-04 12:00  staging ← B
 *   #6  03-05 08:00  prod ← B      forward; lead 24 h; failed (#7)
 *   #7  03-05 11:00  git revert #6 → prod back to A: restore 3 h
 *   #8  03-09 09:00  dev ← v0.9.0@C
 *   #9  03-10 09:00  staging ← C
 *   #10 03-12 09:00  prod ← C      forward; lead 72 h; failed (#11)
 *   #11 03-12 10:00  prod ← --image v0.7.0@A (ran before): restore 1 h
 *   #12 03-13 09:00  dev ← v1.0.0@D
 *   #13 03-15 23:59:59  base/ change (every environment)
 *   #14 03-16 00:00:00  base/ change                                        (after the window)
 *
 * Deployments in the window: dev #4 #8 #12 #13 = 4 → 2 a week; staging #2 #5 #9 #13 = 4 → 2;
 * prod #3 #6 #7 #10 #11 #13 = 6 → 3. Lead times 24, 72, 96: median 72, p90 (nearest rank,
 * the 3rd of 3) 96. Forward prod deployments #3 #6 #10, failed #6 #10: 2/3. Restores 3 h and
 * 1 h: median 2.
 */
// Each promote first checks that the generated files are current, which the promote before it has
// just synthesized: that check is answered from the recorded state (support/synth-reuse.ts).
beforeAll(() => withSynthReuse(buildHistory), 300_000);

async function buildHistory(): Promise<void> {
  repo = tempRepo().root;
  dirs.push(repo);
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'config', 'user.email', 'test@example.com');
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'commit.gpgsign', 'false');
  expect((await cli(repo, 'synth')).code).toBe(0);
  await at('2026-02-20T10:00:00Z', () => {
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'chore: initial');
  });
  await promote('2026-02-27T10:00:00Z', '--to', 'dev', '--image', `v0.7.0@${DIGEST('a')}`);
  await promote('2026-03-02T10:00:00Z', '--from', 'dev', '--to', 'staging');
  await promote('2026-03-03T10:00:00Z', '--from', 'staging', '--to', 'prod');
  await promote('2026-03-04T08:00:00Z', '--to', 'dev', '--image', `v0.8.0@${DIGEST('b')}`);
  await promote('2026-03-04T12:00:00Z', '--from', 'dev', '--to', 'staging');
  const failed = await promote('2026-03-05T08:00:00Z', '--from', 'staging', '--to', 'prod');
  await at('2026-03-05T11:00:00Z', () => git(repo, 'revert', '--no-edit', failed));
  await promote('2026-03-09T09:00:00Z', '--to', 'dev', '--image', `v0.9.0@${DIGEST('c')}`);
  await promote('2026-03-10T09:00:00Z', '--from', 'dev', '--to', 'staging');
  await promote('2026-03-12T09:00:00Z', '--from', 'staging', '--to', 'prod');
  await promote('2026-03-12T10:00:00Z', '--to', 'prod', '--image', `v0.7.0@${DIGEST('a')}`);
  await promote('2026-03-13T09:00:00Z', '--to', 'dev', '--image', `v1.0.0@${DIGEST('d')}`);
  await baseChange('2026-03-15T23:59:59Z', 'last-second');
  await baseChange('2026-03-16T00:00:00Z', 'next-day');
}

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const WINDOW = ['--since', '2026-03-02', '--until', '2026-03-15'];

describe('metrics', () => {
  it('computes every figure of the window from the history, as JSON', async () => {
    const result = await cli(repo, 'metrics', ...WINDOW, '--format', 'json');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      window: { since: '2026-03-02', until: '2026-03-15' },
      environments: {
        dev: { deployments: 4, perWeek: 2 },
        prod: { deployments: 6, perWeek: 3 },
        staging: { deployments: 4, perWeek: 2 },
      },
      leadTimeHours: { median: 72, p90: 96, count: 3 },
      changeFailureRate: 0.6667,
      timeToRestoreHours: { median: 2, count: 2 },
    });
  });

  it('counts only what happened by --until: a shorter window loses the late failure and its restore', async () => {
    // 03-02 – 03-08: prod #3 #6 #7 (3 in 1 week); dev #4; staging #2 #5. Lead 96, 24: median 60, p90 96.
    // Forward #3 #6, failed #6 (3 h): 1/2.
    const result = await cli(repo, 'metrics', '--since', '2026-03-02', '--until', '2026-03-08', '--format', 'json');
    expect(JSON.parse(result.stdout)).toEqual({
      window: { since: '2026-03-02', until: '2026-03-08' },
      environments: { dev: { deployments: 1, perWeek: 1 }, prod: { deployments: 3, perWeek: 3 }, staging: { deployments: 2, perWeek: 2 } },
      leadTimeHours: { median: 60, p90: 96, count: 2 },
      changeFailureRate: 0.5,
      timeToRestoreHours: { median: 3, count: 1 },
    });
  });

  it('reports null where a window has no data', async () => {
    const result = await cli(repo, 'metrics', '--since', '2026-04-01', '--until', '2026-04-07', '--format', 'json');
    expect(JSON.parse(result.stdout)).toEqual({
      window: { since: '2026-04-01', until: '2026-04-07' },
      environments: { dev: { deployments: 0, perWeek: 0 }, prod: { deployments: 0, perWeek: 0 }, staging: { deployments: 0, perWeek: 0 } },
      leadTimeHours: { median: null, p90: null, count: 0 },
      changeFailureRate: null,
      timeToRestoreHours: { median: null, count: 0 },
    });
  });

  it('limits deployment frequency to the environments given with --env', async () => {
    const result = await cli(repo, 'metrics', ...WINDOW, '--env', 'staging', '--format', 'json');
    expect(JSON.parse(result.stdout).environments).toEqual({ staging: { deployments: 4, perWeek: 2 } });
  });

  it('shows each figure with its DORA band in text and in markdown', async () => {
    const text = await cli(repo, 'metrics', ...WINDOW);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Deployment frequency, prod +6 deployments, 3 per week +high\n/);
    expect(text.stdout).toMatch(/Lead time for changes, dev → prod +median 72 h, p90 96 h \(3 images\) +high\n/);
    expect(text.stdout).toMatch(/Change failure rate, prod +66\.7 % +low\n/);
    expect(text.stdout).toMatch(/Time to restore, prod +median 2 h \(2 rollbacks\) +high\n/);
    const markdown = await cli(repo, 'metrics', ...WINDOW, '--format', 'markdown');
    expect(markdown.stdout).toContain('| metric | value | DORA band |');
    expect(markdown.stdout).toContain('| Change failure rate, prod | 66.7 % | low |');
    expect(markdown.stdout).toContain('| Deployment frequency, dev | 4 deployments, 2 per week | high |');
  });

  it.each([
    [['--env', 'qa'], '--env: no environment "qa"'],
    [['--since', '2026-02-30'], '--since "2026-02-30": expected a calendar date YYYY-MM-DD'],
    [['--until', '15.03.2026'], '--until "15.03.2026": expected a calendar date YYYY-MM-DD'],
    [['--since', '2026-03-16', '--until', '2026-03-15'], '--since 2026-03-16 is after --until 2026-03-15'],
    [['--format', 'html'], '--format "html": expected one of text, markdown, json'],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const result = await cli(repo, 'metrics', ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a shallow clone that does not reach back to --since, and says how to deepen it', async () => {
    const clone = join(repo, '..', `${repo.split('/').pop()}-shallow`);
    dirs.push(clone);
    git(repo, 'clone', '--quiet', '--depth', '3', `file://${repo}`, clone);
    const shallow = await cli(clone, 'metrics', ...WINDOW);
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toContain('shallow clone');
    expect(shallow.stderr).toContain('git fetch --shallow-since=2026-03-01');
    // Deepened as told, it reports the same figures as the full history.
    git(clone, 'fetch', '--quiet', '--shallow-since=2026-03-01');
    const deepened = await cli(clone, 'metrics', '--since', '2026-03-09', '--until', '2026-03-15', '--format', 'json');
    const full = await cli(repo, 'metrics', '--since', '2026-03-09', '--until', '2026-03-15', '--format', 'json');
    expect(deepened.code).toBe(0);
    expect(deepened.stdout).toBe(full.stdout);
  });

  it('prints its definitions with --help', async () => {
    const result = await cli(repo, 'metrics', '--help');
    expect(result.code).toBe(0);
    for (const flag of ['--since <YYYY-MM-DD>', '--until <YYYY-MM-DD>', '--env <name>', '--format <format>'])
      expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('git revert');
  });
});

describe('imageOf (how metrics reads an env.yaml version)', () => {
  const A = DIGEST('a');
  it.each([
    [
      "promote's layout, comments and quotes",
      `# c\ncluster: prod\nimage:\n  # pinned\n  tag: "v0.7.0" # note\n  digest: '${A}'\nroute:\n  host: x\n`,
      { tag: 'v0.7.0', digest: A },
    ],
    ['no image: the schema default tag', 'cluster: dev\nroute:\n  host: x\n', { tag: 'v0.6.0', digest: undefined }],
    ['a digest only', `image:\n  digest: ${A}\n`, { tag: undefined, digest: A }],
    ['flow style, read by the YAML parser', `image: { tag: v0.8.0, digest: "${A}" }\n`, { tag: 'v0.8.0', digest: A }],
    ['an anchor, read by the YAML parser', `x: &i\n  tag: v0.9.0\nimage: *i\n`, { tag: 'v0.9.0', digest: undefined }],
    ['an invalid image', 'image:\n  tag: latest\n', undefined],
    ['invalid YAML', 'image: [\n', undefined],
    ['a deleted file', undefined, undefined],
  ])('%s', (_, content, expected) => {
    expect(imageOf(content)).toEqual(expected);
  });
});
