/** What a command needs from its surroundings, passed in so tests can run commands in-process. */
export interface CommandContext {
  /** The repository root the command works on. */
  readonly cwd: string;
  /** isTTY: a terminal (colour, progress); anything else gets plain text. */
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processContext(): CommandContext {
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env };
}
