/**
 * diff keeps the parsed argocd/ tree between runs (src/diff/tree-cache.ts). What it reads back
 * must be exactly what parsing gives, and anything it cannot give back exactly, or a tree that
 * does not parse, must never be kept.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArgoCdTree } from '../src/diff/render.ts';
import { parseResources } from '../src/diff/resources.ts';
import { recalled, treeKey } from '../src/diff/tree-cache.ts';
import { cacheDir } from '../src/toolchain/cache.ts';

let root: string;
let cache: string;
// A cache of its own for each test (restored after it), so nothing an earlier run kept is read.
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hivebox-tree-'));
  cache = mkdtempSync(join(tmpdir(), 'hivebox-tree-cache-'));
  process.env.HIVEBOX_CACHE_DIR = cache;
});
afterEach(() => {
  delete process.env.HIVEBOX_CACHE_DIR;
  rmSync(root, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const app = (name: string, extra = ''): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: p\n${extra}`;
const view = (set: ReturnType<typeof readArgoCdTree>) => [...set.values()].map((r) => ({ key: r.key, id: r.id, yaml: r.yaml }));
const files = () =>
  readdirSync(join(root, 'argocd'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

describe('the parsed argocd/ tree, kept between runs', () => {
  it('reads back exactly what parsing gives, and is used the second time', () => {
    write({
      'argocd/apps/a.yaml': `# a comment\n${app('a', '  list: [1, 2.5, "3"]\n  map: {b: 2, a: 1}\n  text: |\n    two\n    lines\n')}---\n${app('b')}`,
      'argocd/apps/secret.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: argocd\nstringData:\n  password: hunter2\n',
      'argocd/kustomization.yaml': 'resources:\n  - apps/a.yaml\n',
    });
    expect(files().length).toBe(3);
    const first = view(readArgoCdTree(root));
    const expected = ['apps/a.yaml', 'apps/secret.yaml'].flatMap((file) =>
      parseResources(readFileSync(join(root, 'argocd', file), 'utf8'), `argocd/${file}`, `argocd/${file}`),
    );
    expect(first).toEqual(expected.map((r) => ({ key: r.key, id: r.id, yaml: r.yaml })));
    expect(readdirSync(join(cache, 'yaml'))).toHaveLength(1);
    const second = view(readArgoCdTree(root));
    expect(second).toEqual(first);
    expect(first.find((r) => r.id.kind === 'Secret')!.yaml).not.toContain('hunter2');
  });

  it('keeps nothing for a tree with a file that does not parse, and names that file every time', () => {
    write({ 'argocd/ok.yaml': app('ok'), 'argocd/broken.yaml': 'a: [\n' });
    expect(() => readArgoCdTree(root)).toThrow(/argocd\/broken\.yaml: not valid YAML/);
    expect(existsSync(join(cache, 'yaml'))).toBe(false);
    expect(() => readArgoCdTree(root)).toThrow(/argocd\/broken\.yaml: not valid YAML/);
  });

  it('keeps nothing JSON cannot give back exactly (infinity, -0)', () => {
    write({ 'argocd/odd.yaml': app('odd', `  big: .inf\n  zero: -0.0\n  id: ${randomUUID()}\n`) });
    const first = view(readArgoCdTree(root));
    expect(existsSync(join(cache, 'yaml'))).toBe(false);
    expect(first[0]!.yaml).toContain('big: .inf');
  });

  it('is keyed by every path and byte: another byte, another key', () => {
    const one = [{ path: 'argocd/a.yaml', text: app('a') }];
    expect(treeKey(one)).toBe(treeKey([{ ...one[0]! }]));
    expect(treeKey(one)).not.toBe(treeKey([{ path: 'argocd/a.yaml', text: `${app('a')} ` }]));
    expect(treeKey(one)).not.toBe(treeKey([{ path: 'argocd/b.yaml', text: app('a') }]));
    expect(recalled(treeKey(one)!)).toBeUndefined();
    expect(cacheDir('yaml')).toBe(join(cache, 'yaml'));
  });
});
