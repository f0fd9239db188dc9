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
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

const OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false } as const;

/** A generated YAML file: the header naming its source, then each document. */
export function generatedYaml(from: string, documents: readonly unknown[]): string {
  return generatedHeader(from) + documents.map((doc) => toYaml(doc)).join('---\n');
}

export function toYaml(document: unknown): string {
  return yaml().stringify(canonicalOrder(document), OPTIONS);
}
