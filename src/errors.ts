/**
 * Exit codes shared by every command: 0 clean, 1 "checked, and found something",
 * 2 bad input or usage (nothing was checked, nothing changed); the errors behind
 * exit 2, and the "did you mean" their messages offer.
 */
export const ExitCode = {
  Clean: 0,
  Findings: 1,
  InputError: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Bad input: names the file, the field path inside it and what was expected,
 * so the one line printed is enough to fix the problem.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly fieldPath: string,
    readonly problem: string,
  ) {
    super(`${file}${fieldPath ? `: ${fieldPath}` : ''}: ${problem}`);
    this.name = 'InputError';
  }
}

/** A command-line mistake (unknown flag, missing argument): also exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The candidate closest to `typed`, within a third of its length in edits (at least one), if any.
 * An edit is an insertion, deletion, substitution or swap of two neighbours (optimal string
 * alignment distance), so `synht` finds `synth`.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
