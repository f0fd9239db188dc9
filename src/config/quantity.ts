/**
 * Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G"), parsed just far
 * enough to compare a request with its limit.
 */
const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/;

const SCALE: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

export function parseQuantity(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a Kubernetes quantity: ${value}`);
  return Number(match[1]) * (SCALE[match[2] ?? ''] ?? 1);
}
