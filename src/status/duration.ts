/** Go-style durations as kubectl takes them: 90s, 5m, 1h30m. */
import { UsageError } from '../errors.ts';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

export function parseDuration(flag: string, text: string): number {
  const parts = [...text.matchAll(/(\d+)(h|m|s)/g)];
  if (!/^(\d+(h|m|s))+$/.test(text) || parts.length === 0) {
    throw new UsageError(`${flag}: expected a duration such as 90s, 5m or 1h30m, got "${text}"`);
  }
  const ms = parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS], 0);
  if (ms === 0) throw new UsageError(`${flag}: expected a duration longer than zero, got "${text}"`);
  return ms;
}

/** A duration as the flags take it: 500ms, 30s, 5m, 1h30m. */
export function formatDuration(ms: number): string {
  if (ms % 1_000 !== 0) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}
