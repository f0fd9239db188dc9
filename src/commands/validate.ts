/** `hivebox-gitops validate` (its options: usage/validate.ts). */
import { ExitCode } from '../errors.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import type { usage } from './usage/validate.ts';
import { startRenders, withProgress } from './renders.ts';
import { colourOn, highlight, progressOn } from './style.ts';

export async function run(values: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  const progress = progressOn(context);
  const build = withProgress(oncePerDirectory(context.env), progress, context.cwd);
  let report;
  try {
    if (values.env.length === 0) await startRenders(context.cwd, build);
    const { validateRepository } = await import('../validate/repository.ts');
    report = await validateRepository({ root: context.cwd, envs: values.env, env: context.env, build });
  } finally {
    progress.done();
  }
  const format = values.format;
  const formatter =
    format === 'json'
      ? (await import('../validate/format/json.ts')).formatJson
      : format === 'sarif'
        ? (await import('../validate/format/sarif.ts')).formatSarif
        : (await import('../validate/format/text.ts')).formatText;
  context.stdout.write(format === 'text' ? highlight(formatter(report), colourOn(context.stdout, context.env)) : formatter(report));
  return report.findings.length === 0 ? ExitCode.Clean : ExitCode.Findings;
}
