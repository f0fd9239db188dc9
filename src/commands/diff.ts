/** `hivebox-gitops diff` (its options: usage/diff.ts). */
import { diffRepository } from '../diff/index.ts';
import { formatJson } from '../diff/format/json.ts';
import { formatMarkdown } from '../diff/format/markdown.ts';
import { formatText } from '../diff/format/text.ts';
import { ExitCode } from '../errors.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import type { usage } from './usage/diff.ts';
import { withProgress } from './renders.ts';
import { colourOn, highlight, progressOn } from './style.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';

export async function run(options: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  const progress = progressOn(context);
  let report;
  try {
    const build = withProgress(oncePerDirectory(context.env), progress, context.cwd);
    report = await diffRepository({
      root: context.cwd,
      base: options.base,
      head: options.head,
      envs: options.env,
      bySetting: options['by-setting'],
      build,
    });
  } finally {
    progress.done();
  }
  const fullCommand = `npx hivebox-gitops diff --base ${options.base}${options.head ? ` --head ${options.head}` : ''}`;
  const output =
    options.format === 'json'
      ? formatJson(report)
      : options.format === 'markdown'
        ? formatMarkdown(report, { fullCommand })
        : formatText(report);
  context.stdout.write(options.format === 'text' ? highlight(output, colourOn(context.stdout, context.env)) : output);
  return options['exit-code'] && report.hasDifferences ? ExitCode.Findings : ExitCode.Clean;
}
