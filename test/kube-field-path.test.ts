/** Field paths (src/kube/field-path.ts): one printer, one parser, and the readers of JSON pointers and zod paths. */
import { describe, expect, it } from 'vitest';
import { jsonPointerSegments, parseFieldPath, printFieldPath, propertyKeySegments } from '../src/kube/field-path.ts';

describe('field paths', () => {
  it('prints keys with dots, indexes in brackets and odd keys quoted, and parses that back', () => {
    const cases: ReadonlyArray<readonly [(string | number)[], string]> = [
      [['spec', 'containers', 0, 'image'], 'spec.containers[0].image'],
      [['metadata', 'annotations', 'hivebox.dev/config-hash'], 'metadata.annotations["hivebox.dev/config-hash"]'],
      [['waivers', 2, 'rule'], 'waivers[2].rule'],
      [['data', 'a "quoted" key'], 'data["a \\"quoted\\" key"]'],
      [['0key'], '["0key"]'],
      [[], ''],
    ];
    for (const [segments, printed] of cases) {
      expect(printFieldPath(segments)).toBe(printed);
      expect(parseFieldPath(printed)).toEqual(segments);
    }
  });

  it('reads an RFC 6901 pointer (~1 is /, ~0 is ~; digits are an index)', () => {
    expect(jsonPointerSegments('')).toEqual([]);
    expect(jsonPointerSegments('/spec/containers/0/image')).toEqual(['spec', 'containers', 0, 'image']);
    expect(jsonPointerSegments('/metadata/labels/cdk8s.io~1metadata.addr')).toEqual(['metadata', 'labels', 'cdk8s.io/metadata.addr']);
    expect(jsonPointerSegments('/a~01')).toEqual(['a~1']);
    expect(printFieldPath(jsonPointerSegments('/metadata/annotations/a.b~1c'))).toBe('metadata.annotations["a.b/c"]');
  });

  it('reads a zod issue path, symbols as their description', () => {
    expect(printFieldPath(propertyKeySegments(['route', 'host']))).toBe('route.host');
    expect(printFieldPath(propertyKeySegments(['waivers', 0, 'expires']))).toBe('waivers[0].expires');
    expect(propertyKeySegments([Symbol('x')])).toEqual(['Symbol(x)']);
  });
});
