/**
 * Compiling the Kubernetes schemas is most of what validate spends on a small
 * repository (about 0.7 s a run). ajv can write a compiled validator out as
 * standalone code; this keeps those files in node_modules/.cache, keyed by the
 * schema data and the ajv version, so only the first run after an install or a
 * schema change compiles.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { cacheDir, keepEntry } from '../toolchain/cache.ts';

const require = createRequire(import.meta.url);
// ajv's standalone module is CommonJS with a default export that NodeNext typing cannot call through an import.
// Loaded only to write a cache file: a run that finds every validator cached never loads ajv's compiler.
const standaloneCode = (ajv: Ajv, validate: ValidateFunction): string =>
  (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default(ajv, validate);
const ajvPackage = require.resolve('ajv/package.json');
const AJV_VERSION = (require(ajvPackage) as { version: string }).version;

/** The cache file of one validator: which schema data (by content), which root, which ajv. */
export function cachePath(schemaText: string, root: string): string {
  const key = createHash('sha256').update(AJV_VERSION).update('\0').update(schemaText).update('\0').update(root).digest('hex').slice(0, 32);
  return join(cacheDir('validators'), `${key}.cjs`);
}

export function loadCached(path: string): ValidateFunction | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const module = require(path) as ValidateFunction | { default: ValidateFunction };
    return typeof module === 'function' ? module : module.default;
  } catch {
    return undefined; // a damaged cache file is recompiled and rewritten
  }
}

/** Writes `validate` (compiled by an ajv with code.source on) as standalone code; never fails the caller. */
export function storeCompiled(ajv: Ajv, validate: ValidateFunction, path: string): void {
  keepEntry(path, standaloneCode(ajv, validate));
}
