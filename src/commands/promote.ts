/** `hivebox-gitops promote` (its options: usage/promote.ts). */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../errors.ts';
import { git } from '../toolchain/git.ts';
import { formatImageReference } from '../kube/image.ts';
import { parseImageFlag } from '../promote/image.ts';
import { promote } from '../promote/promote.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import type { usage } from './usage/promote.ts';

export async function run(values: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  if (values.from !== undefined && values.image !== undefined) {
    throw new UsageError('expected either --from <env> or --image <ref>, not both');
  }
  const modes = (['commit', 'check', 'propose'] as const).filter((mode) => values[mode]);
  if (modes.length > 1)
    throw new UsageError(`expected at most one of --commit, --check and --propose, got ${modes.map((m) => `--${m}`).join(' and ')}`);
  // Before anything is written: a proposal without credentials is refused up front.
  const github = values.propose ? (await import('../promote/github.ts')).gitHubFromEnv(context.env) : undefined;

  const outcome = await promote(context.cwd, {
    from: values.from,
    to: values.to,
    image: values.image !== undefined ? parseImageFlag(values.image) : undefined,
    commit: values.commit,
    check: values.check,
  });
  if (outcome.kind === 'unchanged') {
    context.stdout.write(`${outcome.target} already runs ${formatImageReference(outcome.image)}; nothing to change.\n`);
    return ExitCode.Clean;
  }
  const files = outcome.files.map((file) => `  ${file}\n`).join('');
  if (values.check) {
    context.stdout.write(
      `Promoting would change ${outcome.target} to ${formatImageReference(outcome.image)} (now ${formatImageReference(outcome.previous)}):\n${files}`,
    );
    return ExitCode.Findings;
  }
  if (outcome.kind === 'committed') {
    context.stdout.write(`Committed "${outcome.message.subject}":\n${files}`);
    return ExitCode.Clean;
  }
  if (github) {
    const { GitHubError, proposePullRequest } = await import('../promote/github.ts');
    const top = (await git(context.cwd, ['rev-parse', '--show-toplevel'])).trim();
    const baseCommit = (await git(context.cwd, ['rev-parse', 'HEAD'])).trim();
    const branch = `promote/${outcome.target}`;
    try {
      const result = await proposePullRequest(github, {
        branch,
        baseCommit,
        headline: outcome.message.subject,
        body: outcome.message.body,
        files: outcome.files.map((path) => ({ path, contents: existsSync(join(top, path)) ? readFileSync(join(top, path)) : undefined })),
        description: [
          outcome.message.body,
          '',
          `Proposed by \`hivebox-gitops promote --propose\`. A newer proposal for ${outcome.target} replaces this one in place.`,
        ].join('\n'),
      });
      const what = `"${outcome.message.subject}"`;
      context.stdout.write(
        result.opened
          ? `Opened pull request #${result.number} ${what} (${result.url}): signed commit ${result.commit.slice(0, 12)} on ${branch}, onto ${result.baseBranch} at ${baseCommit.slice(0, 12)}.\n`
          : `Updated pull request #${result.number} (${result.url}) to ${what}: signed commit ${result.commit.slice(0, 12)} on ${branch}, onto ${result.baseBranch} at ${baseCommit.slice(0, 12)}.\n` +
              (result.previousTitle === outcome.message.subject
                ? 'It proposed the same image before; the proposal now starts from the newer base.\n'
                : `It superseded the proposal it held, "${result.previousTitle}": a newer image replaces an older one that was not merged yet.\n`),
      );
      return ExitCode.Clean;
    } catch (error) {
      if (error instanceof GitHubError) {
        context.stderr.write(`hivebox-gitops promote: ${error.message}\n`);
        return ExitCode.InputError;
      }
      throw error;
    }
  }
  context.stdout.write(`Changed:\n${files}\nCommit it with:\n\n${outcome.message.text}\n`);
  return ExitCode.Clean;
}
