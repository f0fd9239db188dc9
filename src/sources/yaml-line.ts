/**
 * The line a field is written at in a parsed YAML file: `validate` uses it to point a finding at
 * the repository, and `sources` to point a setting at its env.yaml line.
 */
import type * as Yaml from 'yaml';
import { yamlLibrary as yaml } from '../kube/yaml.ts';
import type { Segment } from '../kube/field-path.ts';

export interface Parsed {
  readonly file: string;
  readonly document: Yaml.Document.Parsed;
  readonly lines: Yaml.LineCounter;
}

/** The line of the deepest node along `segments` that the document has (1-based). */
export function lineOf(parsed: Parsed, segments: readonly Segment[]): number {
  let node: unknown = parsed.document.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const segment of segments) {
    let next: unknown;
    if (yaml().isMap(node)) {
      const pair = node.items.find((item) => (yaml().isScalar(item.key) ? item.key.value : item.key) === segment);
      if (pair) {
        offset = (pair.key as unknown as { range?: [number] } | null)?.range?.[0] ?? offset;
        next = pair.value;
      }
    } else if (yaml().isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      offset = (next as { range?: [number] } | undefined)?.range?.[0] ?? offset;
    }
    if (next === undefined) break;
    node = next;
  }
  return parsed.lines.linePos(offset).line;
}
