/**
 * Exit codes shared by every command: 0 clean, 1 "checked, and found something",
 * 2 bad input or usage (nothing was checked, nothing changed).
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
