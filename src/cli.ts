/**
 * hivebox-gitops: one entry point, one module per command under src/commands/.
 * Commands load lazily so that `status` never pays for cdk8s, nor `synth` for
 * the Kubernetes client.
 */
import { ExitCode, InputError, UsageError } from './errors.ts';
import type { CommandContext } from './commands/context.ts';

interface CommandModule {
  readonly summary: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  synth: () => import('./commands/synth.ts'),
  diff: () => import('./commands/diff.ts'),
  promote: () => import('./commands/promote.ts'),
  status: () => import('./commands/status.ts'),
  validate: () => import('./commands/validate.ts'),
};

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(await usage());
    return name === undefined ? ExitCode.InputError : ExitCode.Clean;
  }
  const load = COMMANDS[name];
  if (!load) {
    context.stderr.write(`hivebox-gitops: unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}\n`);
    return ExitCode.InputError;
  }
  try {
    return await (await load()).run(args, context);
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) {
      context.stderr.write(`hivebox-gitops ${name}: ${error.message}\n`);
      return ExitCode.InputError;
    }
    throw error;
  }
}

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(10)} ${(await load()).summary}`),
  );
  return `Usage: hivebox-gitops <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun hivebox-gitops <command> --help for a command's options.\n`;
}
