/**
 * Go's time.ParseDuration, the parser Argo CD reads a sync window's `duration`
 * with: a possibly signed sequence of decimal numbers, each with an optional
 * fraction and a unit (ns, us, µs, μs, ms, s, m, h), such as "3h", "90m",
 * "1h30m" or "1.5h"; "0" alone is zero. A port of the Go source, overflow
 * checks included, in exact integer (BigInt) nanoseconds.
 */

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

export type GoDuration = { readonly ok: true; readonly nanoseconds: bigint } | { readonly ok: false; readonly error: string };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export function parseGoDuration(text: string): GoDuration {
  const invalid = (): GoDuration => ({ ok: false, error: `time: invalid duration ${JSON.stringify(text)}` });
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanoseconds: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid();
    // [0-9]*: an overflowing integer part is an error.
    let i = 0;
    let whole = 0n;
    for (; isDigit(s[i]); i++) {
      if (whole > LIMIT / 10n) return invalid();
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > LIMIT) return invalid();
    }
    const pre = i > 0;
    s = s.slice(i);
    // (\.[0-9]*)?: a fraction only stops gaining precision when it overflows.
    let fraction = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      for (; isDigit(s[j]); j++) {
        if (overflow) continue;
        if (fraction > (LIMIT - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const next = fraction * 10n + BigInt(s.charCodeAt(j) - 48);
        if (next > LIMIT) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid();
    let k = 0;
    while (k < s.length && s[k] !== '.' && !isDigit(s[k])) k++;
    if (k === 0) return { ok: false, error: `time: missing unit in duration ${JSON.stringify(text)}` };
    const name = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[name];
    if (unit === undefined) return { ok: false, error: `time: unknown unit ${JSON.stringify(name)} in duration ${JSON.stringify(text)}` };
    if (whole > LIMIT / unit) return invalid();
    let value = whole * unit;
    if (fraction > 0n) {
      // Go computes this part in float64, as here: nanosecond-accurate for fractions of an hour.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) return invalid();
    }
    total += value;
    if (total > LIMIT) return invalid();
  }
  if (negative) return { ok: true, nanoseconds: -total };
  if (total > LIMIT - 1n) return invalid();
  return { ok: true, nanoseconds: total };
}
