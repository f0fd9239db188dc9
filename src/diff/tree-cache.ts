/**
 * The argocd/ tree as diff reads it, remembered across runs. Parsing it is the largest part of
 * a diff's own time (the yaml package reads a few dozen kilobytes a second or so while cold),
 * and between two runs it rarely changes. The parsed values of every file are kept in the cache
 * (toolchain/cache.ts, yaml/) under the hash of the code and of every path and byte of the
 * tree; only values that JSON gives back exactly (plain objects, arrays, strings, finite
 * numbers, booleans, null) are kept, and a tree with a file that does not parse is never kept,
 * so its error is reported as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, codeIdentity, keepEntry } from '../toolchain/cache.ts';
import { plainJson } from '../toolchain/value-cache.ts';

export interface TreeFile {
  readonly path: string;
  readonly text: string;
}

/** The key of a tree's parsed values, or undefined when nothing can be kept. */
export function treeKey(files: readonly TreeFile[]): string | undefined {
  const code = codeIdentity();
  if (code === null) return undefined;
  const hash = createHash('sha256').update(`${code}\0`);
  for (const { path, text } of files) hash.update(`${path}\0${text.length}\0`).update(text);
  return hash.digest('hex');
}

/** path → the values of its documents, as recorded for this key. */
export function recalled(key: string): Map<string, unknown[]> | undefined {
  try {
    const recorded = JSON.parse(readFileSync(join(cacheDir('yaml'), `${key}.json`), 'utf8')) as Record<string, unknown[]>;
    return new Map(Object.entries(recorded));
  } catch {
    return undefined;
  }
}

/** Keeps the values if JSON gives every one back exactly; never fails the caller. */
export function remember(key: string, values: ReadonlyMap<string, unknown[]>): void {
  if (![...values.values()].every((documents) => documents.every(plainJson))) return;
  keepEntry(join(cacheDir('yaml'), `${key}.json`), JSON.stringify(Object.fromEntries(values)), 200);
}
