/**
 * `parse` of the yaml package, with its value for the same text kept between runs
 * (value-cache.ts). validate and diff read the same small kustomization files and embedded
 * YAML (notification settings) run after run; read back as JSON, neither the parse nor the
 * yaml package itself (about 0.1 s to load cold) costs anything. A text that does not parse
 * throws exactly as `parse` does, every time.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { cachedValue } from './value-cache.ts';

const require = createRequire(import.meta.url);

/** yaml's `parse(text)` (default options). */
export function parseYamlCached(text: string): unknown {
  return cachedValue('yaml-parse', [text], () => (require('yaml') as typeof Yaml).parse(text) as unknown);
}
