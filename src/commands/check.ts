/**
 * `hivebox-gitops check` (its options: usage/check.ts).
 *
 * The pull-request check in one process: synth --check, validate and diff.
 * Run apart, validate and diff each render the working tree's overlays and
 * each pay for starting up; together they render each overlay once.
 */
import type { DiffReport } from '../diff/index.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import type { usage } from './usage/check.ts';
import { checkOutputPaths, writeOutputs, type OutputFile } from './output.ts';
import { startRenders, withProgress } from './renders.ts';
import { colourOn, highlight, progressOn, type Progress } from './style.ts';

type Options = FlagValues<typeof usage>;

export async function run(options: Options, context: CommandContext): Promise<number> {
  if (options.markdown !== undefined && options.base === undefined)
    throw new UsageError('--markdown needs --base: the markdown is the diff against it');
  const progress = progressOn(context);
  try {
    return await check(options, context, progress);
  } finally {
    progress.done();
  }
}

async function check(options: Options, context: CommandContext, progress: Progress): Promise<number> {
  const root = context.cwd;
  const outputs = [
    ...(options.sarif === undefined ? [] : [{ flag: '--sarif', path: options.sarif }]),
    ...(options.markdown === undefined ? [] : [{ flag: '--markdown', path: options.markdown }]),
  ];
  // Before any work: a path that would overwrite an input is refused at once.
  checkOutputPaths(root, outputs);
  const build = withProgress(oncePerDirectory(context.env), progress, root);
  // Every overlay and argocd/ root is rendered for validate (and, at head, for diff): start kustomize
  // now, then diff (its base has to be extracted before its renders can start), then load the rest
  // (zod, the rules) while those run. A failure is reported by whoever asks for that render.
  if (options.env.length === 0) await startRenders(root, build);
  const diffing =
    options.base === undefined
      ? undefined
      : import('../diff/index.ts').then(({ diffRepository }) => diffRepository({ root, base: options.base!, envs: options.env, build }));
  const validating = import('../validate/repository.ts').then(({ validateRepository }) =>
    validateRepository({ root, envs: options.env, env: context.env, build }),
  );
  const synthesizing = import('../synth/index.ts').then(({ synthesize }) => synthesize(root, { check: true }));
  // A failure is reported in the order synth, validate, diff, whichever finished first.
  const [synth, validation, diff] = await firstFailure([synthesizing, validating, diffing] as const);
  const [{ formatText: formatValidation }, { formatText: formatDiff }, { summarize }] = await Promise.all([
    import('../validate/format/text.ts'),
    import('../diff/format/text.ts'),
    import('../validate/format/summary.ts'),
  ]);
  progress.done();
  // Both output files or neither: a full disk or a read-only folder changes nothing (output.ts).
  const written: OutputFile[] = [];
  if (options.sarif) {
    const { formatSarif } = await import('../validate/format/sarif.ts');
    written.push({ flag: '--sarif', path: options.sarif, content: formatSarif(validation) });
  }
  if (diff && options.markdown) {
    const { formatMarkdown } = await import('../diff/format/markdown.ts');
    written.push({
      flag: '--markdown',
      path: options.markdown,
      content: formatMarkdown(diff, { fullCommand: `npx hivebox-gitops diff --base ${options.base}` }),
    });
  }
  writeOutputs(root, written);

  // The outcome of each step first, then the details of what failed, then the diff, and the verdict last.
  const stale = [
    ...synth.added.map((path) => `  added    ${path}`),
    ...synth.changed.map((path) => `  changed  ${path}`),
    ...synth.removed.map((path) => `  removed  ${path}`),
  ];
  const counts = summarize(validation);
  const findings = `${counts.findings} finding${counts.findings === 1 ? '' : 's'} (${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'})`;
  const changes = diff ? changedResources(diff) : undefined;
  const steps: Step[] = [
    synth.upToDate
      ? { name: 'synth --check', outcome: 'passed', summary: `${synth.files.size} generated files are up to date` }
      : {
          name: 'synth --check',
          outcome: 'failed',
          summary: `${stale.length} generated file(s) out of date: run \`npm run synth\` and commit them`,
          where: 'the list under "== synth --check"',
        },
    counts.clean
      ? {
          name: 'validate',
          outcome: 'passed',
          summary: `clean: ${counts.resources} resources in ${validation.scopes.map((scope) => scope.name).join(', ')}`,
        }
      : {
          name: 'validate',
          outcome: 'failed',
          summary: `${findings} in ${counts.resources} resources`,
          where: 'each finding and its fix under "== validate"',
        },
    diff === undefined
      ? {
          name: 'diff',
          outcome: 'skipped',
          summary: 'no --base: pass --base <ref> (e.g. origin/main) to see what the change does to each environment',
        }
      : {
          name: 'diff',
          outcome: 'information',
          summary:
            changes!.total === 0
              ? `no differences against ${options.base}`
              : `${changes!.total} resource(s) differ against ${options.base} in ${changes!.sections.join(', ')}`,
        },
  ];
  const out: string[] = steps.map((step) => `${MARK[step.outcome]} ${`${step.name}:`.padEnd(15)} ${step.summary}`);
  if (!synth.upToDate) out.push('', '== synth --check', ...stale);
  if (!counts.clean || options.verbose) out.push('', '== validate', formatValidation(validation).trimEnd());
  if (diff) {
    const text = formatDiff(diff).trimEnd();
    if (options.verbose) out.push('', `== diff against ${options.base}`, text);
    else {
      // The summary table: everything up to the first section's full diff.
      const table = text.split('\n=== ')[0]!.trimEnd();
      const more =
        changes!.total === 0
          ? []
          : [
              '',
              `The full diff: --verbose${options.markdown ? `, ${options.markdown}` : ', --markdown <file>'} or hivebox-gitops diff --base ${options.base}`,
            ];
      out.push('', `== diff against ${options.base} (summary)`, table, ...more);
    }
  }
  out.push('', verdict(steps));
  context.stdout.write(highlight(`${out.join('\n')}\n`, colourOn(context.stdout, context.env)));
  return synth.upToDate && counts.clean ? ExitCode.Clean : ExitCode.Findings;
}

type Outcome = 'passed' | 'failed' | 'skipped' | 'information';
interface Step {
  readonly name: string;
  readonly outcome: Outcome;
  readonly summary: string;
  /** Where the details of a failure are. */
  readonly where?: string;
}
const MARK: Record<Outcome, string> = { passed: '✓', failed: '✗', skipped: '-', information: '~' };

/** One line: failed or passed, what passed, what failed and where to look, what was skipped and why. */
function verdict(steps: readonly Step[]): string {
  const names = (outcome: Outcome) => steps.filter((step) => step.outcome === outcome);
  const failed = names('failed');
  const passed = names('passed')
    .map((step) => step.name)
    .join(', ');
  const parts = [
    failed.length > 0
      ? `✗ check failed: ${failed.map((step) => `${step.name} (${step.summary}; see ${step.where})`).join(', ')}`
      : `✓ check passed: ${passed}`,
    failed.length > 0 && passed ? `passed: ${passed}` : undefined,
    ...names('skipped').map((step) => `skipped: ${step.name} (${step.summary.split(':')[0]})`),
    ...names('information').map((step) => `${step.name}: ${step.summary} (information, not a failure)`),
  ];
  return `${parts.filter(Boolean).join('; ')}.`;
}

/** How many resources (and chart values files) differ, and in which sections. */
function changedResources(diff: DiffReport): { total: number; sections: string[] } {
  const differing = diff.sections.filter(
    (section) => section.status !== 'unchanged' || section.counts.added + section.counts.removed + section.counts.changed > 0,
  );
  return {
    total: differing.reduce((sum, section) => sum + section.counts.added + section.counts.removed + section.counts.changed, 0),
    sections: differing.map((section) => section.name),
  };
}

/** Every promise settled; then the values, or the first rejection in the order given. */
async function firstFailure<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
