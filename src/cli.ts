/**
 * hivebox-gitops: one entry point, one module per command under src/commands/.
 * Commands load lazily so that `status` never pays for cdk8s, nor `synth` for
 * the Kubernetes client.
 */
import { ExitCode, InputError, UsageError } from './errors.ts';
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

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(usage());
    return name === undefined ? ExitCode.InputError : ExitCode.Clean;
  }
  const command = COMMANDS[name];
  if (!command) {
    context.stderr.write(`hivebox-gitops: unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}\n`);
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
  return `Usage: hivebox-gitops <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun hivebox-gitops <command> --help for a command's options.\n`;
}
