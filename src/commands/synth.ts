/** `hivebox-gitops synth` (its options: usage/synth.ts). */
import { ExitCode } from '../errors.ts';
import { synthesize } from '../synth/index.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import type { usage } from './usage/synth.ts';
import { progressOn } from './style.ts';

export async function run(values: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  const progress = progressOn(context);
  progress.update('synthesizing every envs/*/env.yaml through the constructs');
  let result;
  try {
    result = await synthesize(context.cwd, { check: values.check });
  } finally {
    progress.done();
  }
  const lines = [
    ...result.added.map((path) => `  added    ${path}`),
    ...result.changed.map((path) => `  changed  ${path}`),
    ...result.removed.map((path) => `  removed  ${path}`),
  ];
  if (values.check) {
    if (result.upToDate) {
      context.stdout.write(`synth --check: ${result.files.size} generated files are up to date\n`);
      return ExitCode.Clean;
    }
    context.stdout.write(
      `synth --check: ${lines.length} generated file(s) out of date; run \`npm run synth\` and commit:\n${lines.join('\n')}\n`,
    );
    return ExitCode.Findings;
  }
  context.stdout.write(
    result.upToDate
      ? `synth: ${result.files.size} generated files already up to date\n`
      : `synth: ${lines.length} file(s) written\n${lines.join('\n')}\n`,
  );
  return ExitCode.Clean;
}
