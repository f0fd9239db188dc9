/**
 * The one YAML writer: generated files and what diff prints, so every document has the same
 * key order, the same formatting and no line wrapping that would vary with content width.
 * The yaml package is loaded on first use: a warm `check` writes and prints no YAML, and the
 * kernel stays free of heavy imports (test/lazy-modules.test.ts).
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { canonicalOrder } from './canonical.ts';
import { generatedHeader } from './header.ts';

const require = createRequire(import.meta.url);
let loaded: typeof Yaml | undefined;
/**
 * The yaml package, loaded on first use and then kept: a run that reads and writes no YAML never
 * loads it, and `require` would resolve the specifier again on every call, which costs more than a
 * small document's stringify. Every reader and writer of YAML in src/ takes it from here.
 */
export const yamlLibrary = (): typeof Yaml => (loaded ??= require('yaml') as typeof Yaml);
const yaml = yamlLibrary;

/**
 * `directives: false`: a document built here has no directives to print (no %YAML, no %TAG beyond
 * the default, no `---` start marker), so yaml 2.9.1's stringifyDocument would only walk every node
 * looking for tags in `Directives.toString` to print nothing; this skips that walk, same bytes.
 */
const OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false, directives: false } as const;

/** A generated YAML file: the header naming its source, then each document. */
export function generatedYaml(from: string, documents: readonly unknown[]): string {
  return generatedHeader(from) + documents.map((doc) => toYaml(doc)).join('---\n');
}

export function toYaml(document: unknown): string {
  return yaml().stringify(canonicalOrder(document), OPTIONS);
}
