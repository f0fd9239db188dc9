/**
 * hivebox-gitops: one entry point, one module per command under src/commands/.
 * Commands load lazily so that `status` never pays for cdk8s, nor `synth` for
 * the Kubernetes client.
 */
import { readFileSync } from 'node:fs';
import { closest, ExitCode, InputError, UsageError } from './errors.ts';
import type { CommandContext } from './commands/context.ts';

export { processContext } from './commands/context.ts';

interface CommandModule {
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** Every command, its one-line summary (for --help, without loading it) and its module. */
const COMMANDS: Record<string, { readonly summary: string; readonly load: () => Promise<CommandModule> }> = {
  synth: {
    summary: 'render envs/*/env.yaml into base/, envs/<env>/ and argocd/ (--check: write nothing, exit 1 if stale)',
    load: () => import('./commands/synth.ts'),
  },
  validate: {
    summary: 'check every rendered environment and argocd/: schemas, security, reliability, staging/prod parity (text, json, sarif)',
    load: () => import('./commands/validate.ts'),
  },
  diff: {
    summary: 'show what a change does to every rendered environment, argocd/ and charts/ (text, markdown, json)',
    load: () => import('./commands/diff.ts'),
  },
  check: {
    summary: 'the pull-request check in one process: synth --check, validate and (with --base) diff',
    load: () => import('./commands/check.ts'),
  },
  promote: {
    summary: 'move an image to the next environment (order from promotesFrom) and re-synthesize',
    load: () => import('./commands/promote.ts'),
  },
  status: {
    summary: 'show what Argo CD runs in each environment next to what Git wants',
    load: () => import('./commands/status.ts'),
  },
  metrics: {
    summary: 'DORA metrics from the first-parent Git history: deployment frequency, lead time, change failure rate, time to restore',
    load: () => import('./commands/metrics.ts'),
  },
};

/** The options of `hivebox-gitops` itself (before a command), for --help and "did you mean". */
const GLOBAL_OPTIONS: Record<string, string> = {
  '--help': 'show this help (-h)',
  '--version': 'print the version of hivebox-gitops',
};

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(usage());
    return name === undefined ? ExitCode.InputError : ExitCode.Clean;
  }
  if (name === '--version') {
    context.stdout.write(`hivebox-gitops ${version()}\n`);
    return ExitCode.Clean;
  }
  const command = COMMANDS[name];
  if (!command) {
    const known = name.startsWith('-') ? Object.keys(GLOBAL_OPTIONS) : Object.keys(COMMANDS);
    const guess = closest(name, known);
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    context.stderr.write(`hivebox-gitops: ${what}${guess ? ` (did you mean ${guess}?)` : `; expected one of ${known.join(', ')}`}; see hivebox-gitops --help\n`);
    return ExitCode.InputError;
  }
  try {
    return await (await command.load()).run(args, context);
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      context.stderr.write(`hivebox-gitops ${name}: ${error.message}\n`);
      return ExitCode.InputError;
    }
    throw error;
  }
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  const options = Object.entries(GLOBAL_OPTIONS).map(([name, summary]) => `  ${name.padEnd(10)} ${summary}`);
  return `Usage: hivebox-gitops <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nOptions:\n${options.join('\n')}\n\nRun hivebox-gitops <command> --help for a command's options.\n`;
}

/** This package's version, from its package.json (one level above src/ and dist/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
