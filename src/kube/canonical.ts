/**
 * One key order for every generated document, so output never depends on the
 * machine, the library version's defaults or its environment.
 */
const LEADING_KEYS = ['apiVersion', 'kind', 'metadata'];

/**
 * Keys sorted at every level (apiVersion, kind, metadata first), whatever
 * cdk8s was told by its environment (CDK8S_DISABLE_SORT): output must not
 * depend on the machine it is generated on.
 */
export function canonicalOrder(value: unknown): unknown {
  return ordered(value, true);
}

// Every synth and every source-map render runs this over each manifest, so it builds each level in
// one loop. Array.prototype.sort without a comparator orders strings by UTF-16 code units, as `<` does.
function ordered(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = ordered(value[i], false);
    return items;
  }
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source).sort();
  const result: Record<string, unknown> = {};
  if (top) {
    for (const key of LEADING_KEYS) if (keys.includes(key)) define(result, key, ordered(source[key], false));
  }
  for (const key of keys) if (!top || !LEADING_KEYS.includes(key)) define(result, key, ordered(source[key], false));
  return result;
}

/** As Object.fromEntries does: a key named __proto__ is an own property, not the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
