/**
 * Values computed from file contents, kept between runs: parsed YAML, loaded env.yaml files,
 * a sync window replay. In a short-lived CLI most of such work is cold-JIT time (js-yaml reads
 * a 35 kB render in tens of milliseconds before V8 has warmed up, zod compiles its schema on the
 * first parse), while JSON.parse reads the same value back in well under a millisecond.
 *
 * A value is kept in the cache (toolchain/cache.ts, values/<kind>/) under the hash of the code
 * (codeIdentity: the sources dist/ was built from, the installed dependencies, the Node version)
 * and of everything it was computed from, so a value is only ever reused for the very same
 * inputs and code. Only values that JSON gives back exactly are kept (plainJson), and only
 * successes: a failure is computed, and reported, every time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, codeIdentity, keepEntry } from './cache.ts';

/** The key of a value computed from these inputs by this code, or undefined when nothing can be kept. */
export function valueKey(kind: string, inputs: readonly string[]): string | undefined {
  const code = codeIdentity();
  if (code === null) return undefined;
  const hash = createHash('sha256').update(`${code}\0${kind}\0`);
  for (const input of inputs) hash.update(`${input.length}\0`).update(input);
  return hash.digest('hex');
}

/** The value kept under this key, or undefined. */
export function recallValue<T>(kind: string, key: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheDir(join('values', kind)), `${key}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Keeps the value if JSON gives it back exactly; never fails the caller. */
export function rememberValue(kind: string, key: string, value: unknown): void {
  if (!plainJson(value)) return;
  keepEntry(join(cacheDir(join('values', kind)), `${key}.json`), JSON.stringify(value), 400);
}

/** compute(), or what it returned for the same inputs and code in an earlier run. */
export function cachedValue<T>(kind: string, inputs: readonly string[], compute: () => T): T {
  const key = valueKey(kind, inputs);
  if (key === undefined) return compute();
  const recalled = recallValue<T>(kind, key);
  if (recalled !== undefined) return recalled;
  const value = compute();
  rememberValue(kind, key, value);
  return value;
}

/**
 * Many small values of one kind and one place (a validate scope's manifests), kept in one file:
 * each run reads the table once, answers what it can, and writes back exactly the entries it used
 * (so the file holds one run's worth and never grows). Entries are keyed by the hash of their
 * inputs, so a table written by another repository or run only costs misses.
 */
export class KeptTable<T> {
  private readonly path: string | undefined;
  private readonly kept: Record<string, T>;
  private readonly used: Record<string, T> = {};
  private changed = false;

  constructor(
    private readonly kind: string,
    place: string,
  ) {
    const key = valueKey(kind, [place]);
    this.path = key;
    this.kept = (key === undefined ? undefined : recallValue<Record<string, T>>(kind, key)) ?? {};
  }

  /** compute(), or the value kept for the same inputs. */
  get(inputs: readonly string[], compute: () => T): T {
    const hash = createHash('sha256');
    for (const input of inputs) hash.update(`${input.length}\0`).update(input);
    const key = hash.digest('base64url');
    if (Object.hasOwn(this.kept, key)) return (this.used[key] = this.kept[key]!);
    const value = compute();
    if (plainJson(value)) {
      this.used[key] = value;
      this.changed = true;
    }
    return value;
  }

  /** Writes the entries used in this run, when they differ from what was read. */
  save(): void {
    if (this.path === undefined) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.kept).length) return;
    rememberValue(this.kind, this.path, this.used);
  }
}

/** Plain objects, arrays, strings, finite numbers (not -0), booleans and null: what JSON gives back exactly. */
export function plainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(plainJson);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.entries(value).every(([key, entry]) => key !== '__proto__' && plainJson(entry));
}
