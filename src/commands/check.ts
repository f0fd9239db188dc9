/**
 * `hivebox-gitops check [--base <ref>] [--env <name>…] [--sarif <file>] [--markdown <file>]`
 *
 * The pull-request check in one process: synth --check, validate and diff.
 * Run apart, validate and diff each render the working tree's overlays and
 * each pay for starting up; together they render each overlay once.
 */
import { ExitCode, UsageError } from '../errors.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';
import { checkOutputPaths, writeOutputs, type OutputFile } from './output.ts';
import { startRenders } from './renders.ts';

const USAGE = `Usage: hivebox-gitops check [--base <ref>] [--env <name>]... [--sarif <file>] [--markdown <file>]

Runs what CI asks of a pull request, sharing one render of each overlay:
  1. synth --check   the generated files match env.yaml and the constructs
  2. validate        schemas, security, reliability, parity (as hivebox-gitops validate)
  3. diff            what the change does to each environment, against --base

  --base <ref>       compare with this ref (without it, the diff is skipped)
  --env <name>       only this environment (repeatable)
  --sarif <file>     also write validate's report as SARIF 2.1.0
  --markdown <file>  also write the diff as a pull-request comment

Exit status: 0 clean, 1 stale generated files or validation findings (a diff is
information, not a failure), 2 bad input or usage.
`;

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const options = parse(args);
  if (options.help) {
    context.stdout.write(USAGE);
    return ExitCode.Clean;
  }
  const root = context.cwd;
  const outputs = [
    ...(options.sarif === undefined ? [] : [{ flag: '--sarif', path: options.sarif }]),
    ...(options.markdown === undefined ? [] : [{ flag: '--markdown', path: options.markdown }]),
  ];
  // Before any work: a path that would overwrite an input is refused at once.
  checkOutputPaths(root, outputs);
  const build = oncePerDirectory(context.env);
  // Every overlay and argocd/ root is rendered for validate (and, at head, for diff): start kustomize
  // now, then diff (its base has to be extracted before its renders can start), then load the rest
  // (zod, the rules) while those run. A failure is reported by whoever asks for that render.
  if (options.envs.length === 0) await startRenders(root, build);
  const diffing =
    options.base === undefined
      ? undefined
      : import('../diff/index.ts').then(({ diffRepository }) => diffRepository({ root, base: options.base!, envs: options.envs, build }));
  const validating = import('../validate/repository.ts').then(({ validateRepository }) =>
    validateRepository({ root, envs: options.envs, env: context.env, build }),
  );
  const synthesizing = import('../synth/index.ts').then(({ synthesize }) => synthesize(root, { check: true }));
  // A failure is reported in the order synth, validate, diff, whichever finished first.
  const [synth, validation, diff] = await firstFailure([synthesizing, validating, diffing] as const);
  const [{ formatText: formatValidation }, { formatText: formatDiff }] = await Promise.all([import('../validate/format/text.ts'), import('../diff/format/text.ts')]);

  const stale = [
    ...synth.added.map((path) => `  added    ${path}`),
    ...synth.changed.map((path) => `  changed  ${path}`),
    ...synth.removed.map((path) => `  removed  ${path}`),
  ];
  context.stdout.write(
    `== synth --check\n${
      synth.upToDate
        ? `${synth.files.size} generated files are up to date\n`
        : `${stale.length} generated file(s) out of date; run \`npm run synth\` and commit:\n${stale.join('\n')}\n`
    }\n== validate\n${formatValidation(validation)}`,
  );
  const written: OutputFile[] = [];
  if (options.sarif) {
    const { formatSarif } = await import('../validate/format/sarif.ts');
    written.push({ flag: '--sarif', path: options.sarif, content: formatSarif(validation) });
  }
  if (diff) {
    context.stdout.write(`\n== diff against ${options.base}\n${formatDiff(diff)}`);
    if (options.markdown) {
      const { formatMarkdown } = await import('../diff/format/markdown.ts');
      written.push({ flag: '--markdown', path: options.markdown, content: formatMarkdown(diff, { fullCommand: `npx hivebox-gitops diff --base ${options.base}` }) });
    }
  }
  writeOutputs(root, written);
  return synth.upToDate && validation.findings.length === 0 ? ExitCode.Clean : ExitCode.Findings;
}

/** Every promise settled; then the values, or the first rejection in the order given. */
async function firstFailure<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

interface Options {
  readonly help: boolean;
  readonly base?: string;
  readonly envs: readonly string[];
  readonly sarif?: string;
  readonly markdown?: string;
}

function parse(args: readonly string[]): Options {
  const values = parseFlags('check', args, {
    base: { type: 'string' },
    env: { type: 'string', multiple: true },
    sarif: { type: 'string' },
    markdown: { type: 'string' },
  });
  if (values.markdown !== undefined && values.base === undefined) throw new UsageError('--markdown needs --base: the markdown is the diff against it');
  return { help: values.help === true, base: values.base, envs: values.env ?? [], sarif: values.sarif, markdown: values.markdown };
}
