/**
 * What a render reads of an environment (src/sources/reads.ts): the source map skips the render
 * of a changed setting only when nothing read could tell the change, so every way of reading
 * must count, and a change it misses would leave a setting out of envs/<env>/sources.yaml.
 */
import { describe, expect, it } from 'vitest';
import { differences, withReads } from '../src/sources/reads.ts';

const settings = () => ({ app: { port: 8080, tags: ['a', 'b'], nested: { x: 1 } }, route: { host: 'h' }, sync: { mode: 'manual' } });
type Settings = ReturnType<typeof settings>;

describe('withReads', () => {
  it('sees a change at, above or below what was read, and not beside it', () => {
    const { result, reads } = withReads(settings(), (s: Settings) => s.app.port + 1);
    expect(result).toBe(8081);
    expect(reads.sees(['app', 'port'])).toBe(true);
    expect(reads.sees(['app'])).toBe(true);
    expect(reads.sees([])).toBe(true);
    expect(reads.sees(['app', 'tags', 0])).toBe(false);
    expect(reads.sees(['route', 'host'])).toBe(false);
  });

  it('counts what JSON.stringify, spread, Object.keys, array methods and `in` read', () => {
    const cases: Array<[(s: Settings) => unknown, (string | number)[]]> = [
      [(s) => JSON.stringify(s.route), ['route', 'host']],
      [(s) => ({ ...s.route }), ['route', 'host']],
      [(s) => Object.keys(s.route), ['route', 'added']],
      [(s) => s.app.tags.map((tag) => tag.toUpperCase()), ['app', 'tags', 1]],
      [(s) => s.app.tags.includes('b'), ['app', 'tags', 1]],
      [(s) => 'budget' in s, ['budget']],
      [(s) => Object.entries(s.app.nested), ['app', 'nested', 'x']],
      [(s) => (Object.getOwnPropertyDescriptor(s, 'app')!.value as Settings['app']).nested.x, ['app', 'nested', 'x']],
    ];
    for (const [use, change] of cases) expect(withReads(settings(), use).reads.sees(change), String(use)).toBe(true);
  });

  it('runs on a copy: a write does not reach the settings, and identity holds', () => {
    const original = settings();
    const { result } = withReads(original, (s: Settings) => {
      s.route.host = 'changed';
      return s.app === s.app;
    });
    expect(result).toBe(true);
    expect(original.route.host).toBe('h');
  });
});

describe('differences', () => {
  it('names each value replaced and each key one side lacks, even one present as undefined', () => {
    const before = { a: 1, b: { c: [1, 2] }, d: undefined, e: [1] };
    const after = { a: 2, b: { c: [1, 3] }, e: [1, 2], f: 'new' };
    expect(differences(before, after)).toEqual([['a'], ['b', 'c', 1], ['d'], ['e'], ['f']]);
    expect(differences(settings(), settings())).toEqual([]);
  });
});
