/**
 * Which Node this repository supports is said in three places that must agree: package.json
 * engines, the CI matrix, and the Node every workflow runs (.nvmrc, the current LTS).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/repo.ts';

interface Step {
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly jobs: Record<
    string,
    { readonly steps?: readonly Step[]; readonly strategy?: { readonly matrix?: { readonly node?: readonly number[] } } }
  >;
}

const engines = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
/** The majors engines names: `^20.19.0 || ^22.12.0 || >=24.0.0` → 20, 22, 24. */
const supported = engines.split('||').map((range) => Number(/(\d+)\./.exec(range)![1]));
const nvmrc = readFileSync(join(REPO_ROOT, '.nvmrc'), 'utf8').trim();
const workflowsDir = join(REPO_ROOT, '.github', 'workflows');
const workflows = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => ({ name, workflow: parse(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow }));

describe('supported Node versions', () => {
  it('are 20 (the oldest), 22 and 24 (the current LTS) in package.json engines', () => {
    expect(supported).toEqual([20, 22, 24]);
    expect(engines).toMatch(/^\^20\.\d+\.\d+ \|\| \^22\.\d+\.\d+ \|\| >=24\.\d+\.\d+$/);
  });

  it('.nvmrc names the current LTS, the newest major engines supports', () => {
    expect(nvmrc).toBe(String(Math.max(...supported)));
  });

  it('CI tests every supported major', () => {
    const ci = workflows.find((w) => w.name === 'ci.yml')!.workflow;
    expect(ci.jobs.test?.strategy?.matrix?.node).toEqual(supported);
  });

  it.each(workflows.map((w) => w.name))('%s sets up the Node of .nvmrc (or the CI matrix), never a version of its own', (name) => {
    const { workflow } = workflows.find((w) => w.name === name)!;
    const setups = Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
      (steps ?? []).filter((step) => step.uses?.startsWith('actions/setup-node@')).map((step) => ({ job, with: step.with ?? {} })),
    );
    for (const setup of setups) {
      const matrix = setup.with['node-version'] === '${{ matrix.node }}' && name === 'ci.yml' && setup.job === 'test';
      expect(
        matrix || (setup.with['node-version-file'] === '.nvmrc' && setup.with['node-version'] === undefined),
        `${name} ${setup.job}`,
      ).toBe(true);
    }
  });
});
