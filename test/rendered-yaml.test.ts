/**
 * validate reads kustomize's output with js-yaml where that gives exactly what the `yaml`
 * package gives (src/toolchain/rendered-yaml.ts). Compared here on every render of this
 * repository and on a render full of scalars that YAML reads in more than one way.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild } from '../src/toolchain/kubectl.ts';
import { parseRenderedYaml } from '../src/toolchain/rendered-yaml.ts';
import { REPO_ROOT } from './support/repo.ts';

const reference = (text: string): unknown[] => parseAllDocuments(text).map((document) => document.toJS() as unknown);
/** Values and key order alike (toStrictEqual ignores the order of keys). */
const ordered = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));

const dirs = [
  'envs/dev',
  'envs/staging',
  'envs/prod',
  'argocd/nonprod',
  'argocd/prod',
  'argocd/nonprod/platform/kyverno',
  'argocd/prod/platform/external-secrets',
];

describe('kustomize output read with js-yaml', () => {
  it.each(dirs)('%s: the same documents as the yaml package reads', async (dir) => {
    const output = await kustomizeBuild(join(REPO_ROOT, dir));
    const fast = parseRenderedYaml(output);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(reference(output));
    expect(ordered(fast)).toBe(ordered(reference(output)));
  });

  const tmp = mkdtempSync(join(tmpdir(), 'hivebox-rendered-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads scalars YAML 1.1 and 1.2 disagree on as kustomize meant them', async () => {
    const dir = join(tmp, 'scalars');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - values.yaml\n');
    writeFileSync(
      join(dir, 'values.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: values',
        '  annotations: {}',
        '  labels: {a: "yes", b: "on", c: "y", d: "0755", e: "1e3", f: "1_000", g: "2024-01-01", h: "null", i: "~", j: "0x1F"}',
        'data:',
        '  plain: hello world',
        '  quoted: "a: b # c"',
        '  unicode: "Grüße ✓ \\u263A \\t tab"',
        '  multiline: |',
        '    line one',
        '      indented',
        '    line three',
        '  folded: >',
        '    folded',
        '    text',
        '  long: "' + 'x'.repeat(200) + ' ' + 'y'.repeat(100) + '"',
        '  colon: "http://example.com:8080/path?q=1"',
        '  trailing: "ends with space "',
        'binaryData: {}',
        '---',
        'apiVersion: example.com/v1',
        'kind: Widget',
        'metadata:',
        '  name: widget',
        'spec:',
        '  octal: 0755',
        '  hex: 0x1F',
        '  float: 1.0',
        '  exp: 1e3',
        '  big: 12345678901234567890',
        '  negative: -12',
        '  zero: -0',
        '  yes: yes',
        '  on: off',
        '  date: 2024-01-01',
        '  time: 2001-12-14t21:59:43.10-05:00',
        '  nothing: null',
        '  tilde: ~',
        '  empty: []',
        '  map: {}',
        '  nested: [{a: 1}, [2, 3], "4"]',
        '  anchor: &a {k: v}',
        '  alias: *a',
      ].join('\n') + '\n',
    );
    const output = await kustomizeBuild(dir);
    const fast = parseRenderedYaml(output);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(reference(output));
    expect(ordered(fast)).toBe(ordered(reference(output)));
  });

  it('leaves to the yaml package the plain scalars the two read differently, and YAML js-yaml rejects', () => {
    for (const shape of ['a: -.5', 'a: +.5', 'a: 0b101', 'a: +0x1F', 'a: [0o17]', 'a: [+0b1]'])
      expect(parseRenderedYaml(shape), shape).toBeUndefined();
    expect(parseRenderedYaml('a: 1\na: 2\n')).toBeUndefined();
    expect(parseRenderedYaml('a: [\n')).toBeUndefined();
    expect(parseRenderedYaml('a: |\n  x = -.5\n')).toBeUndefined(); // the guard reads text, not values: slower there, never wrong
    expect(parseRenderedYaml('a: "-.5"\n')).toStrictEqual([{ a: '-.5' }]);
    expect(parseRenderedYaml('a: 0.5\nb: "x"\n')).toStrictEqual([{ a: 0.5, b: 'x' }]);
  });
});
