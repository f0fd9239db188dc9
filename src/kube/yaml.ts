/**
 * The one YAML writer for generated files, so every file has the same header,
 * the same formatting and no line wrapping that would vary with content width.
 */
import { stringify } from 'yaml';
import { canonicalOrder } from './canonical.ts';
import { generatedHeader } from './header.ts';

const OPTIONS = { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false } as const;

/** A generated YAML file: the header naming its source, then each document. */
export function generatedYaml(from: string, documents: readonly unknown[]): string {
  return generatedHeader(from) + documents.map((doc) => toYaml(doc)).join('---\n');
}

export function toYaml(document: unknown): string {
  return stringify(canonicalOrder(document), OPTIONS);
}
