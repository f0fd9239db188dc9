/**
 * kustomize's output, parsed fast. kustomize prints YAML from JSON-shaped data (Go's yaml.v3
 * emitter): block style, and every string that could read as something else quoted. For that
 * subset js-yaml's core schema and the `yaml` package read the same values, and js-yaml does it
 * several times faster (most of what validate spent on a small repository was this parse).
 * The two disagree only on plain scalars such as `0b1`, `+0x1` or `-.5`, which yaml.v3 never
 * prints unquoted; a stream that contains such a shape anywhere, or that js-yaml rejects, is
 * left to the caller's `yaml` parse (test/rendered-yaml.test.ts compares both on every render).
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import { cachedValue } from './value-cache.ts';

const DISAGREEING = /(?:^|[\s[{,])(?:[-+]?0[bBoOxX]|[-+]\.\d)/m;

/** Every document's value, or undefined where only the `yaml` package's reading counts. */
export function parseRenderedYaml(text: string): unknown[] | undefined {
  if (DISAGREEING.test(text)) return undefined;
  try {
    const { CORE_SCHEMA, loadAll } = createRequire(import.meta.url)('js-yaml') as typeof JsYaml; // loaded when the cache does not answer
    return loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

/**
 * parseRenderedYaml, or its answer for the same text in an earlier run (value-cache.ts): the same
 * overlay renders to the same bytes run after run, and reading them back as JSON skips the
 * parse, which in a short-lived process is mostly V8 warming up.
 */
export function parseRenderedYamlCached(text: string): unknown[] | undefined {
  return cachedValue('rendered-yaml', [text], () => parseRenderedYaml(text) ?? null) ?? undefined;
}
