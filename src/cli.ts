/**
 * hivebox-gitops: one entry point, one module per command under src/commands/.
 * Each command is described once (src/commands/usage/<command>.ts: summary,
 * options, examples), which both configures its parser and renders its --help.
 * Commands load lazily, only once their options parse: --help loads none, nor
 * does a usage mistake; `status` never pays for cdk8s, nor `synth` for the
 * Kubernetes client.
 */
import { readFileSync } from 'node:fs';
import { closest, ExitCode, InputError, UsageError } from './errors.ts';
import type { CommandContext } from './commands/context.ts';
import {
  exampleLines,
  optionLines,
  parseFlags,
  renderHelp,
  type CommandDescription,
  type FlagValues,
  type OptionDescription,
} from './commands/flags.ts';
import { usage as check } from './commands/usage/check.ts';
import { usage as diff } from './commands/usage/diff.ts';
import { usage as metrics } from './commands/usage/metrics.ts';
import { usage as promote } from './commands/usage/promote.ts';
import { usage as status } from './commands/usage/status.ts';
import { usage as synth } from './commands/usage/synth.ts';
import { usage as validate } from './commands/usage/validate.ts';

export { processContext } from './commands/context.ts';

interface Command {
  readonly usage: CommandDescription;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** A command: its options parsed (or its --help printed) before its module loads. */
function command<const D extends CommandDescription>(
  usage: D,
  load: () => Promise<{ run(values: FlagValues<D>, context: CommandContext): Promise<number> }>,
): Command {
  return {
    usage,
    async run(args, context) {
      const values = parseFlags(usage, args);
      if (values.help) {
        context.stdout.write(renderHelp(usage));
        return ExitCode.Clean;
      }
      return (await load()).run(values, context);
    },
  };
}

/** Every command by its name, in the order --help lists them. */
const COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  [
    command(synth, () => import('./commands/synth.ts')),
    command(validate, () => import('./commands/validate.ts')),
    command(diff, () => import('./commands/diff.ts')),
    command(check, () => import('./commands/check.ts')),
    command(promote, () => import('./commands/promote.ts')),
    command(status, () => import('./commands/status.ts')),
    command(metrics, () => import('./commands/metrics.ts')),
  ].map((entry) => [entry.usage.name, entry]),
);

/** `hivebox-gitops` itself: what --help prints before the commands' own, and the options before a command. */
const TOP_LEVEL = {
  usage: 'Usage: hivebox-gitops <command> [options]',
  options: {
    help: { type: 'boolean', short: 'h', description: 'show this help' },
    version: { type: 'boolean', description: 'print the version of hivebox-gitops' },
  } satisfies Record<string, OptionDescription>,
  examples: [
    { command: 'synth', what: 'render every environment after editing an env.yaml' },
    { command: 'check --base origin/main', what: 'what CI checks on a pull request' },
    { command: 'promote --from staging --to prod --check', what: "would promoting staging's image change prod?" },
  ],
  more: "Run hivebox-gitops <command> --help for a command's options.",
} as const;

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(topLevelHelp());
    return name === undefined ? ExitCode.InputError : ExitCode.Clean;
  }
  if (name === '--version') {
    context.stdout.write(`hivebox-gitops ${version()}\n`);
    return ExitCode.Clean;
  }
  const command = COMMANDS[name];
  if (!command) {
    const known = name.startsWith('-') ? Object.keys(TOP_LEVEL.options).map((option) => `--${option}`) : Object.keys(COMMANDS);
    const guess = closest(name, known);
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    context.stderr.write(
      `hivebox-gitops: ${what}${guess ? ` (did you mean ${guess}?)` : `; expected one of ${known.join(', ')}`}; see hivebox-gitops --help\n`,
    );
    return ExitCode.InputError;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      context.stderr.write(`hivebox-gitops ${name}: ${error.message}\n`);
      return ExitCode.InputError;
    }
    throw error;
  }
}

function topLevelHelp(): string {
  const commands = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.usage.summary}`);
  return [
    TOP_LEVEL.usage,
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    ...optionLines(TOP_LEVEL.options),
    '',
    'Examples:',
    ...exampleLines(TOP_LEVEL.examples),
    '',
    TOP_LEVEL.more,
    '',
  ].join('\n');
}

/** This package's version, from its package.json (one level above src/ and dist/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
