/**
 * The one YAML writer (src/kube/yaml.ts) and its key order (src/kube/canonical.ts): what every
 * generated file's bytes depend on, checked against the yaml package read back.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { canonicalOrder } from '../src/kube/canonical.ts';
import { generatedYaml, toYaml } from '../src/kube/yaml.ts';

const keysAtEveryLevel = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(keysAtEveryLevel)
    : value !== null && typeof value === 'object'
      ? Object.entries(value).map(([key, v]) => [key, keysAtEveryLevel(v)])
      : value;

describe('canonicalOrder', () => {
  const manifest = {
    spec: { b: 1, a: [{ z: 1, y: { d: 1, c: 2 } }, 'x'], '10': 'ten', '2': 'two' },
    metadata: { namespace: 'n', name: 'm', labels: { 'b/x': '1', a: '2', B: '3' } },
    kind: 'ConfigMap',
    data: { kind: 'not first below the top' },
    apiVersion: 'v1',
  };

  it('puts apiVersion, kind and metadata first at the top only, sorts every other key by code unit, keeps array order', () => {
    expect(keysAtEveryLevel(canonicalOrder(manifest))).toEqual([
      ['apiVersion', 'v1'],
      ['kind', 'ConfigMap'],
      [
        'metadata',
        [
          [
            'labels',
            [
              ['B', '3'],
              ['a', '2'],
              ['b/x', '1'],
            ],
          ],
          ['name', 'm'],
          ['namespace', 'n'],
        ],
      ],
      ['data', [['kind', 'not first below the top']]],
      [
        'spec',
        [
          // Integer-like keys come first in any JavaScript object, whatever the order they were added in.
          ['2', 'two'],
          ['10', 'ten'],
          [
            'a',
            [
              [
                [
                  'y',
                  [
                    ['c', 2],
                    ['d', 1],
                  ],
                ],
                ['z', 1],
              ],
              'x',
            ],
          ],
          ['b', 1],
        ],
      ],
    ]);
  });

  it('leaves its input alone and keeps a key named __proto__ as data', () => {
    const input = JSON.parse('{"b":{"__proto__":{"x":1},"a":2},"a":null}') as Record<string, unknown>;
    const before = JSON.stringify(input);
    const ordered = canonicalOrder(input) as { b: Record<string, unknown> };
    expect(JSON.stringify(input)).toBe(before);
    expect(Object.getPrototypeOf(ordered.b)).toBe(Object.prototype);
    expect(JSON.stringify(ordered)).toBe('{"a":null,"b":{"__proto__":{"x":1},"a":2}}');
  });
});

describe('toYaml', () => {
  it('writes the canonical order with the yaml package, without directives or a document start marker', () => {
    const document = { kind: 'K', apiVersion: 'v1', spec: { list: ['a', 'b'], long: 'x'.repeat(200), tag: '!not-a-tag', yes: 'yes' } };
    const text = toYaml(document);
    expect(text).toBe(
      stringify(canonicalOrder(document), { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false }),
    );
    expect(text.startsWith('apiVersion: v1\nkind: K\nspec:\n')).toBe(true);
    expect(text).not.toMatch(/^(%|---)/m);
    expect(parseAllDocuments(generatedYaml('src/x', [document, document])).map((d) => d.toJS())).toEqual([document, document]);
  });
});
