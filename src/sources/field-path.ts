/**
 * Field paths as every report prints them: `spec.containers[0].image`,
 * `metadata.annotations["hivebox.dev/config-hash"]`, `app.logLevel`. One
 * printer and one parser, so a path written by one module is read by another.
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
