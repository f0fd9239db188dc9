/**
 * How the CLI talks to a person: colour only on a terminal (and never with NO_COLOR set, no-color.org,
 * or TERM=dumb), progress only on a terminal's stderr ("did you mean" is in src/errors.ts).
 * No dependency: a few ANSI codes.
 */
import type { CommandContext } from './context.ts';

type Stream = CommandContext['stdout'];
type Env = CommandContext['env'];

/** Whether text written to `stream` may carry ANSI colour. */
export function colourOn(stream: Stream, env: Env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Colour = keyof typeof CODES;

export function paint(text: string, colour: Colour, on: boolean): string {
  return on ? `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m` : text;
}

/**
 * Colours a report as the commands print it, by the marks at the start of its lines: ✓ and ✗,
 * error and warning, and a diff's +, - and ~. The formatters stay plain text for files and pipes.
 */
export function highlight(text: string, on: boolean): string {
  if (!on) return text;
  return text
    .split('\n')
    .map((line) => {
      const mark = /^(\s*)(✓|✗|error|warning|\+|-|~)(?=\s|$)/.exec(line);
      if (!mark) return line;
      const colour: Colour = mark[2] === '✓' || mark[2] === '+' ? 'green' : mark[2] === 'warning' || mark[2] === '~' ? 'yellow' : 'red';
      return mark[1] + paint(mark[2]!, colour, true) + line.slice(mark[0].length);
    })
    .join('\n');
}

/**
 * A one-line status on stderr while something slow runs, rewritten in place and erased when done;
 * nothing at all unless stderr is a terminal (a CI log or a pipe gets no carriage returns).
 */
export interface Progress {
  update(text: string): void;
  done(): void;
}

export function progressOn(context: CommandContext): Progress {
  if (context.stderr.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(text) {
      context.stderr.write(`\r\u001b[2K${paint(text, 'dim', colourOn(context.stderr, context.env))}`);
      shown = true;
    },
    done() {
      if (shown) context.stderr.write('\r\u001b[2K');
      shown = false;
    },
  };
}
