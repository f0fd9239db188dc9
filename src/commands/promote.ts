/**
 * `hivebox-gitops promote --from <env> --to <env> [--commit | --check | --propose]`
 * `hivebox-gitops promote --to <env> --image <tag|digest|tag@digest> [--commit | --check | --propose]`
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UsageError } from '../errors.ts';
import { git } from '../toolchain/git.ts';
import { formatImageReference } from '../kube/image.ts';
import { parseImageFlag } from '../promote/image.ts';
import { promote } from '../promote/promote.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';

const HELP = `Usage:
  hivebox-gitops promote --from <env> --to <env> [--commit | --check | --propose]
  hivebox-gitops promote --to <env> --image <tag|digest|tag@digest> [--commit | --check | --propose]

Copies the image (tag and digest) the --from environment runs into envs/<to>/env.yaml,
or sets the one given with --image, then re-synthesizes. The change touches only
envs/<to>/. The order is each env.yaml's promotesFrom; skipping a step is refused, and so
is a tag without a digest into an environment that requires one (validation.requireDigest).
The promoted environment must pass \`validate --env <to>\`, or nothing is kept.

Options:
  --from <env>     the environment whose image is promoted
  --to <env>       the environment that receives it
  --image <ref>    an explicit tag (v0.7.0), digest (sha256:...) or both (v0.7.0@sha256:...)
  --commit         commit the change (only files under envs/<to>/) instead of printing the message
  --check          change nothing; exit 1 if promoting would change <to>, 0 if it already runs the image
  --propose        open or update the pull request promote/<to> through GitHub's API, its commit signed
                   by GitHub (GH_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY; GITHUB_API_URL, GITHUB_GRAPHQL_URL);
                   the local working tree keeps the change, uncommitted
  -h, --help       show this help

Exit codes: 0 promoted, proposed or already there; 1 (--check) promoting would change <to>;
2 refused (nothing changed), or GitHub refused the proposal (one line says which call and why).
`;

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const values = parseFlags('promote', args, {
    from: { type: 'string' },
    to: { type: 'string' },
    image: { type: 'string' },
    commit: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    propose: { type: 'boolean', default: false },
  });
  if (values.help) {
    context.stdout.write(HELP);
    return ExitCode.Clean;
  }
  if (values.to === undefined) throw new UsageError('expected --to <env>: the environment that receives the image');
  if (values.from !== undefined && values.image !== undefined) {
    throw new UsageError('expected either --from <env> or --image <ref>, not both');
  }
  const modes = (['commit', 'check', 'propose'] as const).filter((mode) => values[mode]);
  if (modes.length > 1) throw new UsageError(`expected at most one of --commit, --check and --propose, got ${modes.map((m) => `--${m}`).join(' and ')}`);
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
    context.stdout.write(`Promoting would change ${outcome.target} to ${formatImageReference(outcome.image)} (now ${formatImageReference(outcome.previous)}):\n${files}`);
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
