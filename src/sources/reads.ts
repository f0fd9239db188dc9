/**
 * Which parts of a settings object a function reads, told by running it once on a copy seen
 * through proxies. The source map (trace.ts) renders an environment again for every setting;
 * a render that reads none of what a changed setting changes cannot differ from the first one,
 * so it need not run. Rendering is deterministic, and everything it knows of the environment
 * it learns through these reads: the property gets, the `in` tests and the key listings
 * (Object.keys, spread, JSON.stringify and every array method go through them).
 */
import type { Segment } from '../kube/field-path.ts';

/** A path as one string: each segment after a character no key here contains; the root is ''. */
const SEP = '\u0000';
const keyOf = (path: readonly Segment[]): string => path.map((segment) => `${SEP}${segment}`).join('');

export class Reads {
  /** Paths whose value (or absence) was read, the root being ''. */
  private readonly values = new Set<string>();
  /** Paths whose own keys were listed. */
  private readonly listings = new Set<string>();

  read(path: string): void {
    this.values.add(path);
  }

  listed(path: string): void {
    this.listings.add(path);
  }

  /** Whether a change at `path` (a value replaced, added or removed there) could have been seen. */
  sees(path: readonly Segment[]): boolean {
    const key = keyOf(path);
    if (this.listings.has(keyOf(path.slice(0, -1)))) return true;
    for (const read of this.values) if (read === key || read.startsWith(`${key}${SEP}`)) return true;
    return false;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);

/** Runs `use` on a copy of `value` and returns what it returned with what it read. */
export function withReads<T extends object, R>(value: T, use: (tracked: T) => R): { result: R; reads: Reads } {
  const reads = new Reads();
  // One proxy per object, so that identity holds (`a.b === a.b`); on a copy, so no write reaches `value`.
  const proxies = new WeakMap<object, object>();
  const wrap = (target: object, path: string): object => {
    let proxy = proxies.get(target);
    if (proxy) return proxy;
    const at = (key: string) => `${path}${SEP}${key}`;
    proxy = new Proxy(target, {
      get(object, key, receiver) {
        const result: unknown = Reflect.get(object, key, receiver);
        if (typeof key === 'symbol') return result;
        reads.read(at(key));
        return isPlainObject(result) && Object.hasOwn(object, key) ? wrap(result, at(key)) : result;
      },
      has(object, key) {
        if (typeof key !== 'symbol') reads.read(at(key));
        return Reflect.has(object, key);
      },
      getOwnPropertyDescriptor(object, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
        if (typeof key === 'symbol') return descriptor;
        reads.read(at(key));
        // A nested object handed out in a descriptor is seen through its proxy too (a configurable
        // property may report another value, so the proxy's invariants hold).
        if (descriptor?.configurable && isPlainObject(descriptor.value)) return { ...descriptor, value: wrap(descriptor.value, at(key)) };
        return descriptor;
      },
      ownKeys(object) {
        reads.listed(path);
        return Reflect.ownKeys(object);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  const copy = structuredClone(value);
  return { result: use(wrap(copy, '') as T), reads };
}

/** The paths at which two settings objects differ: a value replaced, or a key one of them lacks. */
export function differences(before: unknown, after: unknown, path: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (Object.is(before, after)) return out;
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => differences(item, after[i], [...path, i], out));
    return out;
  }
  if (isPlainObject(before) && isPlainObject(after) && !Array.isArray(before) && !Array.isArray(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (Object.hasOwn(before, key) !== Object.hasOwn(after, key)) out.push([...path, key]);
      else differences(before[key], after[key], [...path, key], out);
    }
    return out;
  }
  out.push(path);
  return out;
}
