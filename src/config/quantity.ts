/**
 * Kubernetes resource quantities ("250m", "1.5", "512Mi", "100e9"), read exactly as the API server reads
 * them: a replay of k8s.io/apimachinery's resource.ParseQuantity (pkg/api/resource/quantity.go and
 * suffix.go, kubernetes/apimachinery at commit eed236ce, kubernetes-1.36.0-alpha.2; unchanged in substance
 * since 1.2). What it accepts is accepted here, what it refuses is refused, and the value is the one it
 * stores, exactly (no floating point):
 *
 *   <quantity>        ::= <signedNumber><suffix>
 *   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <signedNumber>    ::= <number> | "+"<number> | "-"<number>
 *   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>   (the exponent: a 64-bit integer)
 *
 * plus its corners: a value is rounded up (away from zero) to a whole nano, a binary one is capped at
 * 2^63-1, and a number without digits ("+", ".") is zero, unless it takes the arbitrary-precision path
 * (".Ei", ".e-12"), which refuses it.
 */

/** A quantity's exact value: `digits` × 10^`exponent`, negated when `negative`. */
export interface Quantity {
  readonly negative: boolean;
  readonly digits: bigint;
  readonly exponent: number;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_LETTERS = 'eEinumkKMGTP';
const DIGITS = '0123456789';
const NANO = -9;
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_INT64_FACTORS = 18; // apimachinery's maxInt64Factors: digits an int64 always holds
const int32 = (n: number) => n | 0; // Go's int32 arithmetic wraps

interface Scanned {
  readonly positive: boolean;
  readonly value: string;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

/** parseQuantityString: sign, numerator without leading zeros, denominator, suffix; undefined = ErrFormatWrong. */
function scan(str: string): Scanned | undefined {
  const end = str.length;
  let positive = true;
  let pos = 0;
  if (str[0] === '-') [positive, pos] = [false, 1];
  else if (str[0] === '+') pos = 1;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && DIGITS.includes(str[i]!)) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && DIGITS.includes(str[i]!)) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_LETTERS.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && DIGITS.includes(str[pos]!)) pos++;
  if (pos < end) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

type Interpreted = { readonly base: 10 | 2; readonly exponent: number; readonly format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent' };

/** suffixer.interpret; undefined = ErrSuffix. */
function interpret(suffix: string): Interpreted | undefined {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, within int64; then int32(parsed).
    const text = suffix.slice(1);
    if (!/^[-+]?\d+$/.test(text)) return undefined;
    const parsed = BigInt(text);
    if (parsed > MAX_INT64 || parsed < -MAX_INT64 - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

/** The quantity `text` stands for, or undefined where Kubernetes refuses it. */
export function parseQuantity(text: string): Quantity | undefined {
  if (text === '') return undefined;
  if (text === '0') return { negative: false, digits: 0n, exponent: 0 };
  const scanned = scan(text);
  if (!scanned) return undefined;
  const suffix = interpret(scanned.suffix);
  if (!suffix) return undefined;
  const { positive, value, num, denom } = scanned;
  const digits = BigInt(num + denom);
  const negative = !positive && digits !== 0n;

  // The int64 fast path (ParseQuantity before the inf.Dec fallback): same value, but no digits needed.
  let precision: number;
  if (suffix.format !== 'BinarySI') precision = MAX_INT64_FACTORS - (num.length + denom.length);
  else if (denom.length === 0) precision = 15 - num.length - Math.trunc((Math.fround(suffix.exponent) * 3) / 10) - 1;
  else precision = -1;
  const fastScale = int32((suffix.base === 10 ? suffix.exponent : 0) - denom.length);
  if (precision >= 0 && fastScale >= NANO) {
    const magnitude = digits * (suffix.base === 2 ? 2n ** BigInt(suffix.exponent) : 1n);
    if (suffix.base === 10 || magnitude <= MAX_INT64) return { negative, digits: magnitude, exponent: fastScale };
  }

  // inf.Dec's SetString wants at least one digit.
  if (!/\d/.test(value)) return undefined;
  let magnitude = digits;
  // inf.Dec scale: digits × 10^-scale, with Go's int32 wrap-around.
  let scale = suffix.base === 10 ? int32(denom.length + int32(-suffix.exponent)) : denom.length;
  if (suffix.base === 2) magnitude *= 2n ** BigInt(suffix.exponent);
  // Rounded up (away from zero) to a whole nano.
  if (magnitude !== 0n && scale > -NANO) {
    const drop = scale + NANO;
    magnitude = drop >= magnitude.toString().length ? 1n : ceilDivide(magnitude, 10n ** BigInt(drop));
    scale = -NANO;
  }
  if (suffix.format === 'BinarySI' && compareMagnitude(magnitude, -scale, MAX_INT64, 0) > 0)
    return { negative, digits: MAX_INT64, exponent: 0 };
  return { negative, digits: magnitude, exponent: -scale };
}

function ceilDivide(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Compares a × 10^ea with b × 10^eb for non-negative a and b, without building a power of ten larger than needed. */
function compareMagnitude(a: bigint, ea: number, b: bigint, eb: number): number {
  if (a === 0n || b === 0n) return a === b ? 0 : a === 0n ? -1 : 1;
  const orderA = a.toString().length + ea;
  const orderB = b.toString().length + eb;
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  // Same order of magnitude: the exponents differ by at most the difference in digit counts.
  const [x, y] = ea >= eb ? [a * 10n ** BigInt(ea - eb), b] : [a, b * 10n ** BigInt(eb - ea)];
  return x === y ? 0 : x < y ? -1 : 1;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const signA = a.digits === 0n ? 0 : a.negative ? -1 : 1;
  const signB = b.digits === 0n ? 0 : b.negative ? -1 : 1;
  if (signA !== signB) return signA < signB ? -1 : 1;
  const magnitude = compareMagnitude(a.digits, a.exponent, b.digits, b.exponent);
  return signA < 0 && magnitude !== 0 ? -magnitude : magnitude;
}

export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}

export function isPositive(quantity: Quantity): boolean {
  return !quantity.negative && quantity.digits !== 0n;
}
