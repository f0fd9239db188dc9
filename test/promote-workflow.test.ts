/**
 * .github/workflows/promote.yml as GitHub runs it: one queue per stage (so a prod approval holds up
 * prod alone), proposals made with a freshly minted GitHub App token (so their pull requests run CI)
 * through `promote --propose` (so their commits are signed), and the plan step — executed here with
 * bash as the runner does, against a real git history and a stand-in `node` — failing the run when
 * `promote --check` fails instead of reading it as "nothing to do".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;
const workflow = parse(readFileSync(join(ROOT, '.github/workflows/promote.yml'), 'utf8')) as Any;
const STAGES = ['dev', 'staging', 'prod'] as const;

describe('promote.yml: queues', () => {
  it('gives each stage its own queue and no workflow-wide one, so a waiting prod approval holds up prod alone', () => {
    expect(workflow.concurrency).toBeUndefined();
    const groups = STAGES.map((stage) => workflow.jobs[stage].concurrency.group);
    expect(groups).toEqual(['promote-to-dev', 'promote-to-staging', 'promote-to-prod']);
    expect(
      Object.entries(workflow.jobs)
        .filter(([, job]) => (job as Any).environment !== undefined)
        .map(([name]) => name),
    ).toEqual(['prod']);
    expect(workflow.jobs.plan.concurrency).toBeUndefined(); // read-only, a minute long
  });

  it('lets a newer merge supersede an older wait deliberately, and says so in the job summary', () => {
    expect(workflow.jobs.staging.concurrency['cancel-in-progress']).toBe(true);
    expect(workflow.jobs.prod.concurrency['cancel-in-progress']).toBe(true);
    expect(workflow.jobs.dev.concurrency['cancel-in-progress']).toBe(false);
    for (const stage of STAGES) {
      const job = workflow.jobs[stage];
      expect(job.steps[0].run, stage).toContain('>> "$GITHUB_STEP_SUMMARY"');
      expect(job.steps[0].run, stage).toContain(`promote-to-${stage}`);
      // Each job proposes from the newest main, which is what makes cancelling an older one safe.
      expect(job.steps.find((s: Any) => s.uses?.startsWith('actions/checkout@')).with.ref).toBe(
        '${{ github.event.repository.default_branch }}',
      );
    }
  });
});

describe('promote.yml: proposals', () => {
  it.each(STAGES)(
    '%s: proposes with --propose and a GitHub App token minted in the job, after any wait, for contents and pull requests only',
    (stage) => {
      const steps = workflow.jobs[stage].steps as Any[];
      const proposeAt = steps.findIndex((s) => typeof s.run === 'string' && s.run.includes('promote') && s.run.includes('--propose'));
      const tokenAt = steps.findIndex((s) => s.uses?.startsWith('actions/create-github-app-token@'));
      const waitAt = steps.findIndex((s) => typeof s.run === 'string' && s.run.includes('--wait'));
      expect(proposeAt).toBeGreaterThan(tokenAt);
      expect(tokenAt).toBeGreaterThan(waitAt); // -1 for dev, which waits for nothing
      const token = steps[tokenAt]!;
      expect(token.id).toBe('app');
      expect(steps[proposeAt]!.env.GH_TOKEN).toBe('${{ steps.app.outputs.token }}');
      expect(
        Object.keys(token.with)
          .filter((key) => key.startsWith('permission-'))
          .sort(),
      ).toEqual(['permission-contents', 'permission-pull-requests']);
      expect(token.with['permission-contents']).toBe('write');
      expect(token.with.owner).toBeUndefined(); // this repository only
      expect(steps[proposeAt]!.run).toMatch(/^set -euo pipefail\n/); // tee must not hide a failure
      expect(workflow.jobs[stage].permissions).toEqual({ contents: 'read' });
    },
  );

  it('never opens a pull request with GITHUB_TOKEN, whose pull requests start no workflow', () => {
    const text = readFileSync(join(ROOT, '.github/workflows/promote.yml'), 'utf8');
    expect(text).not.toMatch(/github\.token|secrets\.GITHUB_TOKEN|git push|gh pr create/);
  });
});

describe('promote.yml: the plan step, run by bash', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const step = (workflow.jobs.plan.steps as Any[]).find((s) => s.id === 'plan')!;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  /** A history whose last push changed `changed`, a `node` answering `promote --check` with the given exit codes, and the step run on it. */
  function runPlan(
    changed: readonly ('dev' | 'staging')[],
    exits: { staging?: number; prod?: number },
    options: { before?: string; sha?: string } = {},
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'promote-plan-'));
    dirs.push(dir);
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'envs/dev'), { recursive: true });
    mkdirSync(join(repo, 'envs/staging'), { recursive: true });
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'config', 'user.email', 'test@example.com');
    git(repo, 'config', 'user.name', 'Test');
    git(repo, 'config', 'commit.gpgsign', 'false');
    for (const env of ['dev', 'staging']) writeFileSync(join(repo, 'envs', env, 'env.yaml'), 'image:\n  tag: v1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'one');
    const before = git(repo, 'rev-parse', 'HEAD');
    for (const env of changed) writeFileSync(join(repo, 'envs', env, 'env.yaml'), 'image:\n  tag: v2\n');
    writeFileSync(join(repo, 'README'), 'x\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'two');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\necho "$*" >> "${join(dir, 'calls')}"\ncase "$*" in\n  *"--to staging --check"*) exit ${exits.staging ?? 99} ;;\n  *"--to prod --check"*) exit ${exits.prod ?? 99} ;;\nesac\nexit 98\n`,
    );
    chmodSync(join(bin, 'node'), 0o755);
    writeFileSync(join(dir, 'step.sh'), step.run);
    writeFileSync(join(dir, 'output'), '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        BEFORE: options.before ?? before,
        GITHUB_SHA: options.sha ?? git(repo, 'rev-parse', 'HEAD'),
        GITHUB_OUTPUT: join(dir, 'output'),
      },
    });
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      code: result.status,
      stdout: result.stdout + result.stderr,
      output: read('output'),
      calls: read('calls').split('\n').filter(Boolean),
    };
  }

  it('plans staging when dev changed and promoting would change staging', () => {
    const result = runPlan(['dev'], { staging: 1 });
    expect(result).toMatchObject({
      code: 0,
      output: 'staging=true\n',
      calls: ['bin/hivebox-gitops.js promote --from dev --to staging --check'],
    });
  });

  it('plans nothing when promoting would change nothing, and prod only from a change to staging', () => {
    expect(runPlan(['dev'], { staging: 0 })).toMatchObject({ code: 0, output: '' });
    const both = runPlan(['dev', 'staging'], { staging: 0, prod: 1 });
    expect(both).toMatchObject({ code: 0, output: 'prod=true\n' });
    expect(both.calls).toEqual([
      'bin/hivebox-gitops.js promote --from dev --to staging --check',
      'bin/hivebox-gitops.js promote --from staging --to prod --check',
    ]);
  });

  it('fails the run when promote --check fails, instead of reading it as "nothing to do"', () => {
    for (const code of [2, 127]) {
      const result = runPlan(['dev', 'staging'], { staging: code, prod: 1 });
      expect(result.code, `exit ${code}`).not.toBe(0);
      expect(result.output).toBe('');
      expect(result.stdout).toContain(`::error::promote --from dev --to staging --check exited ${code}`);
    }
  });

  it('falls back to the parent commit when the push has no usable "before", and fails when git cannot compare', () => {
    expect(runPlan(['dev'], { staging: 1 }, { before: '0'.repeat(40) })).toMatchObject({ code: 0, output: 'staging=true\n' });
    const broken = runPlan(['dev'], { staging: 1 }, { sha: 'f'.repeat(40) });
    expect(broken.code).not.toBe(0);
    expect(broken.output).toBe('');
  });
});
