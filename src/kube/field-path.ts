/**
 * Field paths as every report prints them: `spec.containers[0].image`,
 * `metadata.annotations["hivebox.dev/config-hash"]`, `app.logLevel`. One
 * printer and one parser, so a path written by one module is read by another;
 * JSON pointers (ajv's instancePath, JSON patches) and zod's issue paths are
 * read into the same segments.
 */
export type Segment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function printFieldPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * RFC 6901: "/spec/containers/0/image" → segments (`~1` is `/`, `~0` is `~`). A segment of digits
 * alone is read as a list index: a pointer does not say whether it walks a list or a map.
 */
export function jsonPointerSegments(pointer: string): Segment[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A path whose keys may be symbols (zod's issue paths), as segments. */
export function propertyKeySegments(path: readonly PropertyKey[]): Segment[] {
  return path.map((key) => (typeof key === 'symbol' ? String(key) : key));
}

/** "spec.containers[0].image", 'metadata.annotations["a/b"]' → segments. */
export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = [];
  const token = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < path.length && (match = token.exec(path))) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}
