/**
 * `hivebox-gitops diff --base <ref> [--head <ref>] [--env <name>…] [--format text|markdown|json] [--exit-code]`
 */
import { diffRepository } from '../diff/index.ts';
import { formatJson } from '../diff/format/json.ts';
import { formatMarkdown } from '../diff/format/markdown.ts';
import { formatText } from '../diff/format/text.ts';
import { ExitCode, UsageError } from '../errors.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';
import { withProgress } from './renders.ts';
import { colourOn, highlight, progressOn } from './style.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';

const USAGE = `Usage: hivebox-gitops diff --base <ref> [--head <ref>] [--env <name>]... [--format text|markdown|json] [--by-setting] [--exit-code]

Renders every envs/<env> overlay with kustomize on both sides, reads the argocd/ and
charts/ trees, and reports the resources (and chart values files) added, removed and
changed. It compares the generated files: run \`npm run synth\` after editing env.yaml.

  --base <ref>        the commit, branch or tag to compare against (required)
  --head <ref>        the commit to compare (default: the working tree)
  --env <name>        only this environment (repeatable; argocd/ and charts/ always shown)
  --format <format>   text (default), markdown (a pull-request comment) or json
  --by-setting        group each environment's changes by the env.yaml setting that
                      caused them (from envs/<env>/sources.yaml), instead of a diff per resource
  --exit-code         exit 1 when there are differences (default: 0)
`;

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const options = parse(args);
  if (options.help) {
    context.stdout.write(USAGE);
    return ExitCode.Clean;
  }
  const progress = progressOn(context);
  let report;
  try {
    const build = withProgress(oncePerDirectory(context.env), progress, context.cwd);
    report = await diffRepository({ root: context.cwd, base: options.base, head: options.head, envs: options.envs, bySetting: options.bySetting, build });
  } finally {
    progress.done();
  }
  const fullCommand = `npx hivebox-gitops diff --base ${options.base}${options.head ? ` --head ${options.head}` : ''}`;
  const output =
    options.format === 'json' ? formatJson(report) : options.format === 'markdown' ? formatMarkdown(report, { fullCommand }) : formatText(report);
  context.stdout.write(options.format === 'text' ? highlight(output, colourOn(context.stdout, context.env)) : output);
  return options.exitCode && report.hasDifferences ? ExitCode.Findings : ExitCode.Clean;
}

interface Options {
  readonly help: boolean;
  readonly base: string;
  readonly head?: string;
  readonly envs: string[];
  readonly format: Format;
  readonly exitCode: boolean;
  readonly bySetting: boolean;
}

function parse(args: readonly string[]): Options {
  const values = parseFlags('diff', args, {
    base: { type: 'string' },
    head: { type: 'string' },
    env: { type: 'string', multiple: true },
    format: { type: 'string', default: 'text' },
    'exit-code': { type: 'boolean', default: false },
    'by-setting': { type: 'boolean', default: false },
  });
  if (values.help) return { help: true, base: '', envs: [], format: 'text', exitCode: false, bySetting: false };
  if (!values.base) throw new UsageError('--base <ref> is required: the commit, branch or tag to compare against; see hivebox-gitops diff --help');
  if (!FORMATS.includes(values.format as Format)) {
    throw new UsageError(`--format "${values.format}": expected one of ${FORMATS.join(', ')}`);
  }
  return {
    help: false,
    base: values.base,
    head: values.head,
    envs: values.env ?? [],
    format: values.format as Format,
    exitCode: values['exit-code'],
    bySetting: values['by-setting'],
  };
}
