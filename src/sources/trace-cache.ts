/**
 * The source map costs one render per setting (src/sources/trace.ts), so it is kept between
 * runs, keyed by the code and the environment's settings: a synth after editing one env.yaml
 * traces that environment alone. A pure function's memo: a miss only costs time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { cacheDir, codeIdentity, keepEntry } from '../toolchain/cache.ts';
import type { SourceMap } from './map.ts';
import { renderedSettingsOf } from './trace.ts';

const KEEP = 500;

export function cachedTrace(environment: Environment, trace: () => SourceMap): SourceMap {
  const code = codeIdentity();
  if (code === null) return trace();
  const dir = cacheDir('sources');
  const file = join(
    dir,
    createHash('sha256')
      .update(code)
      .update('\0')
      .update(JSON.stringify([environment.name, environment.file, renderedSettingsOf(environment)]))
      .digest('hex'),
  );
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SourceMap;
  } catch {
    // not recorded yet
  }
  const map = trace();
  keepEntry(file, JSON.stringify(map), KEEP);
  return map;
}
