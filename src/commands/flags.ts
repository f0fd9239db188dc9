/**
 * Flag parsing shared by every command: node's parseArgs, strict, no
 * positionals, --help/-h added; a mistake is a UsageError (exit 2): one line in
 * the CLI's own words (not the parser's), with "did you mean" for a mistyped
 * option, pointing at the command's help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, UsageError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

export function parseFlags<const T extends Options>(command: string, args: readonly string[], options: T) {
  const all: Options = { ...options, ...HELP };
  try {
    return parseArgs({ args: [...args], options: { ...options, ...HELP }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${parserProblem(error as Error & { code?: string }, all)}; see hivebox-gitops ${command} --help`);
  }
}

/** The parser's complaint, rephrased: its wording differs between Node versions and spans sentences. */
function parserProblem(error: Error & { code?: string }, options: Options): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const names = Object.keys(options).map((name) => `--${name}`);
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const typed = quoted.split('=')[0]!;
      const guess = typed.startsWith('--') ? closest(typed, names) : undefined;
      return `unknown option ${typed}${guess ? ` (did you mean ${guess}?)` : `; expected one of ${names.join(', ')}`}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.split(' ')[0]!;
      return /does not take/.test(error.message) ? `option ${name} takes no value` : `option ${name} needs a value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const guess = closest(`--${quoted}`, names);
      return `unexpected argument "${quoted}": this command takes only options${guess ? ` (did you mean ${guess}?)` : ''}`;
    }
    default:
      return error.message.split('\n')[0]!;
  }
}
