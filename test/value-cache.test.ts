/**
 * What validate and check keep between runs (src/toolchain/value-cache.ts and its users): a kept
 * value is exactly what computing it gives, it is used only for the very same inputs, anything
 * JSON cannot give back and every failure is never kept, and a run answered from the cache reports
 * exactly what a run that computed everything reports.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../src/config/load.ts';
import { loadEnvironmentsCached } from '../src/config/load-cached.ts';
import { InputError } from '../src/errors.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { argocdRoots } from '../src/validate/argocd-roots.ts';
import { validateManifests, validateRepository } from '../src/validate/index.ts';
import { loadChartValues } from '../src/platform/values.ts';
import { oncePerDirectory } from '../src/toolchain/kubectl.ts';
import { cachedValue, KeptTable, plainJson } from '../src/toolchain/value-cache.ts';
import { parseYamlCached } from '../src/toolchain/yaml-cache.ts';
import { REPO_ROOT, tempRepo } from './support/repo.ts';

let cache: string;
// A cache of its own for each test, so that nothing an earlier run kept is read.
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'hivebox-value-cache-'));
  process.env.HIVEBOX_CACHE_DIR = cache;
});
afterEach(() => {
  delete process.env.HIVEBOX_CACHE_DIR;
  rmSync(cache, { recursive: true, force: true });
});
const kept = (kind: string): string[] => (existsSync(join(cache, 'values', kind)) ? readdirSync(join(cache, 'values', kind)) : []);

describe('cachedValue', () => {
  it('computes once per inputs, and gives back exactly what was computed', () => {
    let calls = 0;
    const compute = () => {
      calls++;
      return { a: [1, 2.5, 'x', null, true, { b: {} }] };
    };
    const first = cachedValue('t', ['one'], compute);
    expect(cachedValue('t', ['one'], compute)).toStrictEqual(first);
    expect(calls).toBe(1);
    cachedValue('t', ['two'], compute);
    // Inputs are length-prefixed: ['ab', 'c'] and ['a', 'bc'] are different inputs.
    cachedValue('t', ['ab', 'c'], compute);
    cachedValue('t', ['a', 'bc'], compute);
    expect(calls).toBe(4);
    expect(kept('t')).toHaveLength(4);
  });

  it('never keeps what JSON cannot give back, nor a failure', () => {
    for (const value of [
      undefined,
      Number.NaN,
      Infinity,
      -0,
      new Date(0),
      { a: undefined },
      [1, undefined],
      new Map(),
      { ['__proto__']: 1 },
    ]) {
      expect(plainJson(value), String(value)).toBe(false);
      let calls = 0;
      cachedValue('odd', [String(calls)], () => (calls++, value));
      cachedValue('odd', [String(0)], () => (calls++, value));
      expect(calls).toBe(2);
    }
    expect(() =>
      cachedValue('fails', ['x'], () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(kept('odd')).toEqual([]);
    expect(kept('fails')).toEqual([]);
  });

  it('KeptTable: one file per place, answers from the last run, and holds only what that run used', () => {
    let calls = 0;
    const run = (inputs: string[]) => {
      const table = new KeptTable<number>('table', 'scope-a');
      const values = inputs.map((input) => table.get([input], () => (calls++, input.length)));
      table.save();
      return values;
    };
    expect(run(['a', 'bb', 'ccc'])).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
    expect(run(['a', 'bb', 'ccc'])).toEqual([1, 2, 3]);
    expect(calls).toBe(3);
    expect(kept('table')).toHaveLength(1);
    // 'ccc' is no longer used: dropped; 'dddd' is new: computed.
    expect(run(['a', 'dddd'])).toEqual([1, 4]);
    expect(calls).toBe(4);
    expect(run(['ccc'])).toEqual([3]);
    expect(calls).toBe(5);
    expect(Object.keys(JSON.parse(readFileSync(join(cache, 'values', 'table', kept('table')[0]!), 'utf8')) as object)).toHaveLength(1);
  });

  it('parseYamlCached: what yaml parses, and the same error every time', () => {
    const text = 'a: 1\nb: [x, "2", 0x10]\nc: ~\n';
    expect(parseYamlCached(text)).toStrictEqual({ a: 1, b: ['x', '2', 16], c: null });
    expect(parseYamlCached(text)).toStrictEqual({ a: 1, b: ['x', '2', 16], c: null });
    expect(kept('yaml-parse')).toHaveLength(1);
    for (let i = 0; i < 2; i++) expect(() => parseYamlCached('a: [1\n')).toThrow(/Flow sequence|flow collection|Missing/i);
  });
});

describe('loadEnvironmentsCached', () => {
  const repo = tempRepo();
  afterAll(() => repo.cleanup());

  it('gives what loadEnvironments gives, computed once, and follows every byte of env.yaml', async () => {
    const expected = loadEnvironments(repo.root);
    expect(await loadEnvironmentsCached(repo.root)).toStrictEqual(expected);
    expect(kept('environments')).toHaveLength(1);
    expect(await loadEnvironmentsCached(repo.root)).toStrictEqual(expected);
    expect(kept('environments')).toHaveLength(1);

    const file = join(repo.root, 'envs', 'staging', 'env.yaml');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace(/^( +tag: )\S+$/m, '$1v9.9.9'));
      const changed = await loadEnvironmentsCached(repo.root);
      expect(changed.find((e) => e.name === 'staging')!.image.tag).toBe('v9.9.9');
      expect(changed).toStrictEqual(loadEnvironments(repo.root));
      // A broken file is reported as load.ts reports it, however often it is loaded.
      writeFileSync(file, `${original}\nunknownKey: 1\n`);
      for (let i = 0; i < 2; i++) {
        const error = await loadEnvironmentsCached(repo.root).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InputError);
        expect(String((error as Error).message)).toMatch(/envs\/staging\/env\.yaml.*unknown key "unknownKey"/);
      }
    } finally {
      writeFileSync(file, original);
    }
    expect(await loadEnvironmentsCached(repo.root)).toStrictEqual(expected);
  });

  it('chart values and argocd/ roots: the same answers from the cache', () => {
    // Files of their own (values.ts also remembers texts within a process, and test files share workers).
    const root = mkdtempSync(join(tmpdir(), 'hivebox-values-'));
    try {
      mkdirSync(join(root, 'charts', 'demo'), { recursive: true });
      writeFileSync(join(root, 'charts', 'demo', 'values.yaml'), `# ${randomUUID()}\na:\n  b: 1\n  c: [x, 2]\nd: keep\n`);
      writeFileSync(join(root, 'charts', 'demo', 'values-prod.yaml'), `# ${randomUUID()}\na:\n  b: 2\nd: null\n`);
      const fresh = loadChartValues(root, 'demo', 'prod');
      expect(fresh.values).toStrictEqual({ a: { b: 2, c: ['x', 2] } });
      expect(kept('chart-values')).toHaveLength(2);
      expect(loadChartValues(root, 'demo', 'prod')).toStrictEqual(fresh);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const roots = argocdRoots(REPO_ROOT);
    expect(roots.length).toBeGreaterThan(1);
    expect(argocdRoots(REPO_ROOT)).toStrictEqual(roots);
    expect(kept('argocd-roots')).toHaveLength(1);
  });
});

describe('a run answered from the cache reports what a run that computed everything reports', () => {
  it('validate on this repository, with a schema finding located in its file', async () => {
    const repo = tempRepo({ withGenerated: true });
    try {
      // A typo'd field, for a schema finding located in its file.
      const project = join(repo.root, 'argocd', 'prod', 'projects', 'hivebox.yaml');
      writeFileSync(project, readFileSync(project, 'utf8').replace(/^spec:\n/m, 'spec:\n  sourceRepoz: []\n'));
      // One render of each overlay for both runs: what is under test is what validate keeps, not kustomize.
      const build = oncePerDirectory();
      const first = await validateRepository({ root: repo.root, build });
      expect(kept('rendered-yaml').length).toBeGreaterThan(0);
      expect(kept('schema').length).toBeGreaterThan(0);
      expect(kept('sync-window-replay').length).toBeGreaterThan(0);
      const second = await validateRepository({ root: repo.root, build });
      expect(second).toStrictEqual(first);
      expect(first.findings.map((f) => f.ruleId)).toContain('schema-unknown-field');
    } finally {
      repo.cleanup();
    }
  }, 120_000);

  it('sync windows: findings computed and recalled are the same', () => {
    const manifests = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'p', namespace: 'argocd' },
        spec: {
          syncWindows: [
            { kind: 'allow', schedule: '0 8 * * 1-5', duration: '8h', applications: ['*'], manualSync: true },
            { kind: 'deny', schedule: '0 3 * * *', duration: '1h', applications: ['nothing-*'] },
            { kind: 'deny', schedule: '0 9 * * 1', duration: '1h', applications: ['*'] },
          ],
        },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'a', namespace: 'argocd' },
        spec: { project: 'p', destination: { namespace: 'x' } },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'b', namespace: 'argocd' },
        spec: { project: 'p', destination: { namespace: 'y' }, syncPolicy: { automated: {} } },
      },
    ] as unknown as Manifest[];
    const findings = () =>
      validateManifests({ scopes: [{ name: 'argocd', manifests }] }).findings.filter((f) => f.ruleId.startsWith('sync-window'));
    const computed = findings();
    expect(computed.map((f) => f.ruleId).sort()).toEqual(['sync-window-no-effect', 'sync-window-no-effect', 'sync-window-outside']);
    expect(kept('sync-window-replay')).toHaveLength(2);
    expect(findings()).toStrictEqual(computed);
    expect(kept('sync-window-replay')).toHaveLength(2);
  });
});
