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
export function canonicalOrder(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => canonicalOrder(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordered = depth === 0 ? [...LEADING_KEYS.filter((k) => keys.includes(k)), ...keys.filter((k) => !LEADING_KEYS.includes(k))] : keys;
  return Object.fromEntries(ordered.map((key) => [key, canonicalOrder((value as Record<string, unknown>)[key], depth + 1)]));
}
