/**
 * One description per command (src/commands/usage/<command>.ts, loaded without the command itself):
 * its summary, options and examples. parseFlags builds node's parseArgs configuration from it (strict,
 * no positionals, --help/-h added) and renderHelp its --help, so an option is declared once, for both.
 * A mistake is a UsageError (exit 2): one line in the CLI's own words (not the parser's), with "did you
 * mean" for a mistyped option, pointing at the command's help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, UsageError } from '../errors.ts';

/** One option, `--<name>`. */
export interface OptionDescription {
  readonly type: 'string' | 'boolean';
  /** One letter: `-x` for `--<name>`. */
  readonly short?: string;
  /** The value when the option is not given (string options; a boolean is false unless given). */
  readonly default?: string;
  /** Repeatable: every value given, in order (none given: an empty list). */
  readonly multiple?: boolean;
  /** The only values accepted; the synopsis shows them (`--format text|json`). */
  readonly choices?: readonly string[];
  /** Without it the command cannot run: a usage error that quotes the description. */
  readonly required?: boolean;
  /** The value's name in --help: `ref` shows `--base <ref>`. */
  readonly value?: string;
  /** What it does, for --help; a required option's error quotes it. */
  readonly description: string;
}

export interface Example {
  /** What follows `hivebox-gitops` (the command included). */
  readonly command: string;
  readonly what: string;
}

/** A command: what --help prints and what the parser accepts. */
export interface CommandDescription {
  readonly name: string;
  /** One line, for `hivebox-gitops --help`. */
  readonly summary: string;
  /** Synopses, when the options alone do not say which go together (default: one, from the options). */
  readonly usage?: readonly string[];
  /** Paragraphs for the command's --help, below its summary. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionDescription>>;
  readonly examples: readonly Example[];
  /** What each exit code means, after "Exit status: ". */
  readonly exitStatus: string;
}

/** A description, its literal types kept, so that parseFlags can type the values. */
export function describeCommand<const D extends CommandDescription>(description: D): D {
  return description;
}

type Given<O extends OptionDescription> = O extends { readonly default: string } | { readonly required: true } ? never : undefined;
type ValueOf<O extends OptionDescription> = O extends { readonly multiple: true }
  ? string[]
  : O extends { readonly type: 'boolean' }
    ? boolean
    : (O extends { readonly choices: readonly (infer C extends string)[] } ? C : string) | Given<O>;

/** What parseFlags returns for a description: each option's value, typed by its declaration. */
export type FlagValues<D extends Pick<CommandDescription, 'options'>> = { readonly [K in keyof D['options']]: ValueOf<D['options'][K]> } & {
  readonly help: boolean;
};

const HELP: OptionDescription = { type: 'boolean', short: 'h', description: 'show this help' };

type ParserOptions = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<const D extends CommandDescription>(command: D, args: readonly string[]): FlagValues<D> {
  const options = { ...command.options, help: HELP };
  const parser: ParserOptions = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.multiple
          ? { multiple: true, default: [] }
          : option.type === 'boolean'
            ? { default: false }
            : option.default !== undefined
              ? { default: option.default }
              : {}),
      },
    ]),
  );
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...args], options: parser, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${parserProblem(error as Error & { code?: string }, parser)}; see hivebox-gitops ${command.name} --help`);
  }
  if (values.help !== true) {
    for (const [name, option] of Object.entries(command.options)) {
      const value = values[name];
      if (option.required && value === undefined)
        throw new UsageError(`${flag(name, option)} is required: ${option.description}; see hivebox-gitops ${command.name} --help`);
      if (option.choices && typeof value === 'string' && !option.choices.includes(value))
        throw new UsageError(`--${name} "${value}": expected one of ${option.choices.join(', ')}`);
    }
  }
  return values as FlagValues<D>;
}

/** The parser's complaint, rephrased: its wording differs between Node versions and spans sentences. */
function parserProblem(error: Error & { code?: string }, options: ParserOptions): string {
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

/** `--base <ref>`, `--check`. */
function flag(name: string, option: OptionDescription): string {
  return option.type === 'boolean' ? `--${name}` : `--${name} <${option.value ?? name}>`;
}

/** The synopses: those declared, or one from the options (required ones bare, choices spelt out, repeatable ones with …). */
export function synopses(command: CommandDescription): string[] {
  if (command.usage) return command.usage.map((line) => `hivebox-gitops ${command.name} ${line}`);
  const parts = Object.entries(command.options).map(([name, option]) => {
    const shown = option.choices ? `--${name} ${option.choices.join('|')}` : flag(name, option);
    return option.required ? shown : `[${shown}${option.multiple ? '…' : ''}]`;
  });
  return [['hivebox-gitops', command.name, ...parts].join(' ')];
}

/** The option table: `-x, --name <value>` and its description (with its default, and whether it repeats or is required). */
export function optionLines(options: Readonly<Record<string, OptionDescription>>): string[] {
  const rows = Object.entries(options).map(([name, option]) => {
    const notes = [
      option.required ? 'required' : undefined,
      option.type === 'string' && option.default !== undefined ? `default: ${option.default}` : undefined,
      option.multiple ? 'repeatable' : undefined,
    ].filter(Boolean);
    return [
      `${option.short ? `-${option.short}, ` : ''}${flag(name, option)}`,
      `${option.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    ] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`);
}

export function exampleLines(examples: readonly Example[]): string[] {
  return examples.flatMap((example) => [`  hivebox-gitops ${example.command}`, `      ${example.what}`]);
}

/** A command's --help, all of it from its description. */
export function renderHelp(command: CommandDescription): string {
  const usage = synopses(command);
  return [
    usage.length === 1 ? `Usage: ${usage[0]}` : ['Usage:', ...usage.map((line) => `  ${line}`)].join('\n'),
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.description ? ['', command.description.trimEnd()] : []),
    '',
    'Options:',
    ...optionLines({ ...command.options, help: HELP }),
    '',
    'Examples:',
    ...exampleLines(command.examples),
    '',
    `Exit status: ${command.exitStatus}`,
    '',
  ].join('\n');
}
