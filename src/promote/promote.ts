/**
 * Promotion: move an image from one environment to the next (or set one
 * explicitly), re-synthesize, and leave a change confined to `envs/<to>/`.
 *
 * The order comes from each env.yaml's `promotesFrom`, never from code, and
 * every refusal of the input happens before anything is written. Once written,
 * the promoted environment must pass `validate` (the pull request's own check);
 * a finding, like any other failure, puts the tree back, so a refused
 * promotion changes nothing.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { ENV_FILE, ENVS_DIR, loadEnvironments } from '../config/load.ts';
import { findEnvironment } from '../config/select.ts';
import { UsageError } from '../errors.ts';
import { setImage } from './edit.ts';
import { changedPaths, git, isGitRepository } from '../toolchain/git.ts';
import { formatImageReference, sameImageReference, type ImageReference } from '../kube/image.ts';
import { shortName } from './image.ts';
import type { Finding } from '../validate/types.ts';

export type Synthesize = (root: string, options: { check: boolean }) => Promise<{ readonly upToDate: boolean }>;
/** `hivebox-gitops validate --env <env>` as a function: the findings in that environment. */
export type Validate = (root: string, env: string) => Promise<readonly Finding[]>;

export interface PromoteRequest {
  /** The environment the image comes from; absent when `image` is given. */
  readonly from?: string | undefined;
  readonly to: string;
  /** An explicit tag and/or digest, for the environment new builds enter. */
  readonly image?: { readonly tag?: string | undefined; readonly digest?: string | undefined } | undefined;
  readonly commit: boolean;
  /** Work out the change and put the tree back: whether promoting would change anything, with nothing written. */
  readonly check?: boolean;
}

export type PromoteOutcome =
  | { readonly kind: 'unchanged'; readonly target: string; readonly image: ImageReference }
  | {
      readonly kind: 'changed' | 'committed';
      readonly target: string;
      readonly previous: ImageReference;
      readonly image: ImageReference;
      readonly message: CommitMessage;
      /** Repository-relative paths of the change, all under envs/<to>/. */
      readonly files: readonly string[];
    };

export async function promote(
  root: string,
  request: PromoteRequest,
  synthesize: Synthesize = defaultSynthesize,
  validate: Validate = defaultValidate,
): Promise<PromoteOutcome> {
  const environments = loadEnvironments(root);
  const target = findEnvironment(environments, request.to, '--to');
  const image = request.image
    ? { repository: target.image.repository, tag: request.image.tag, digest: request.image.digest }
    : identity(checkStep(environments, target, request.from));
  // Loaded here: the validate modules are not for `promote --help`.
  const { requiresDigest } = await import('../validate/repository.ts');
  if (image.digest === undefined && requiresDigest(target, environments)) throw digestRequired(target, image, request.from);

  if (!(await isGitRepository(root))) {
    throw new UsageError(`${root} is not inside a git working tree; promote leaves its change as a git change`);
  }
  const dirty = await changedPaths(root);
  if (dirty.length > 0) {
    throw new UsageError(
      `the working tree has uncommitted changes (${describePaths(dirty)}); commit or set them aside first, so the promotion is the only change`,
    );
  }

  const previous = identity(target);
  if (sameImageReference(previous, image)) return { kind: 'unchanged', target: target.name, image };
  if (!(await synthesize(root, { check: true })).upToDate) {
    throw new UsageError(
      'the generated files are not up to date with the env.yaml files (`npm run synth -- --check` fails); run `npm run synth`, commit that, and promote again, so the promotion is the only change',
    );
  }

  const envFile = join(root, ENVS_DIR, target.name, ENV_FILE);
  const original = readFileSync(envFile, 'utf8');
  writeFileSync(envFile, setImage(original, image));
  let files: string[];
  try {
    loadEnvironments(root); // the edited file must still be a valid environment
    await synthesize(root, { check: false });
    const prefix = (await git(root, ['rev-parse', '--show-prefix'])).trim();
    const allowed = posix.join(prefix, ENVS_DIR, target.name) + '/';
    files = await changedPaths(root);
    const outside = files.filter((file) => !file.startsWith(allowed));
    if (outside.length > 0) {
      // Synth was up to date and only env.yaml changed: this would be a bug in synth, not in the input.
      throw new Error(
        `re-synthesizing after changing ${target.file} also changed ${describePaths(outside)}, outside ${allowed}; nothing was kept`,
      );
    }
    const findings = await validate(root, target.name);
    if (findings.length > 0) throw failsValidation(target, image, findings);
  } catch (error) {
    await restoreCleanTree(root);
    throw error;
  }

  const message = commitMessage(target.name, request.image ? undefined : request.from, previous, image);
  if (request.check) {
    await restoreCleanTree(root);
    return { kind: 'changed', target: target.name, previous, image, message, files };
  }
  if (!request.commit) return { kind: 'changed', target: target.name, previous, image, message, files };
  // git status names paths from the repository's top; `:(top)` makes git add read them the same way.
  await git(root, ['add', '--', ...files.map((file) => `:(top)${file}`)]);
  try {
    // Commit hooks may run checks of their own: give them long, but not forever.
    await git(root, ['commit', '--quiet', '-m', message.subject, '-m', message.body], { timeoutMs: 15 * 60_000 });
  } catch (error) {
    // A refusing hook or a missing identity: the change is complete and staged, only the commit is missing.
    throw new UsageError(`${(error as Error).message}\nThe promotion is in place and staged; fix the cause and run: git commit`);
  }
  return { kind: 'committed', target: target.name, previous, image, message, files };
}

export interface CommitMessage {
  readonly subject: string;
  readonly body: string;
  /** Subject, blank line, body: what `git commit -F` would take. */
  readonly text: string;
}

/** A Conventional Commit: type `deploy`, the environment as scope (see commitlint.config.js). */
export function commitMessage(target: string, from: string | undefined, previous: ImageReference, image: ImageReference): CommitMessage {
  const subject = from
    ? `deploy(${target}): promote hivebox ${shortName(image)} from ${from}`
    : `deploy(${target}): set hivebox image to ${shortName(image)}`;
  // One reference per line, digests apart: commitlint caps body lines at 100 characters.
  const body = [...describe('Image', image), ...describe('Previous image', previous)].join('\n');
  return { subject, body, text: `${subject}\n\n${body}\n` };
}

/**
 * The tree was clean when promotion started, so HEAD is exactly what it was:
 * put every tracked path back from HEAD and delete what promotion created.
 */
async function restoreCleanTree(root: string): Promise<void> {
  const paths = await changedPaths(root, { untracked: false });
  if (paths.length > 0) await git(root, ['checkout', 'HEAD', '--', ...paths.map((file) => `:(top)${file}`)]);
  const top = (await git(root, ['rev-parse', '--show-toplevel'])).trim();
  for (const file of await changedPaths(root)) rmSync(join(top, file), { force: true });
}

/** The image-digest rule, applied to the input: a tag alone never reaches an environment that requires a digest. */
function digestRequired(target: Environment, image: ImageReference, from: string | undefined): UsageError {
  const why = target.validation?.requireDigest
    ? `${target.file} sets validation.requireDigest`
    : `${target.name} ends the promotion chain, where validation.requireDigest defaults to true`;
  const source = from === undefined ? `--image ${image.tag}` : `${from}'s image ${formatImageReference(image)}`;
  const byDigest = `hivebox-gitops promote --to ${target.name} --image ${image.tag}@sha256:<the registry's 64-hex digest of ${formatImageReference(image)}>`;
  return new UsageError(
    `${target.name} requires images pinned by digest (${why}), but ${source} has no digest; promote by digest: ${byDigest}`,
  );
}

function failsValidation(target: Environment, image: ImageReference, findings: readonly Finding[]): UsageError {
  const first = findings[0]!;
  const where = `${first.scope}: ${first.resource.kind} ${first.resource.name}${first.path ? ` ${first.path}` : ''}`;
  return new UsageError(
    `with ${formatImageReference(image)}, ${target.name} would not pass \`hivebox-gitops validate --env ${target.name}\` (${findings.length} finding${findings.length === 1 ? '' : 's'}; the first: ${first.ruleId} in ${where}: ${first.message}); nothing was kept`,
  );
}

function describe(label: string, image: ImageReference): string[] {
  const named = formatImageReference({ ...image, digest: undefined });
  return [`${label}: ${named}`, ...(image.digest ? [`${label} digest: ${image.digest}`] : [])];
}

function checkStep(environments: readonly Environment[], target: Environment, from: string | undefined): Environment {
  if (from === undefined) {
    throw new UsageError('expected --from <env> (promote the image another environment runs) or --image <tag|digest|tag@digest>');
  }
  const source = findEnvironment(environments, from, '--from');
  if (target.promotesFrom === undefined) {
    throw new UsageError(
      `${target.file} has no promotesFrom: new images enter ${target.name} directly; use --to ${target.name} --image <tag|digest|tag@digest>`,
    );
  }
  if (target.promotesFrom !== source.name) {
    throw new UsageError(
      `${target.file}: promotesFrom is ${target.promotesFrom}, so ${target.name} is promoted from ${target.promotesFrom}, not ${source.name}; ` +
        `the order is ${chain(environments, target).join(' → ')}, and no step may be skipped`,
    );
  }
  return source;
}

/** The promotion order leading to an environment, read from promotesFrom. */
function chain(environments: readonly Environment[], target: Environment): string[] {
  const names = [target.name];
  let from = target.promotesFrom;
  while (from !== undefined && !names.includes(from)) {
    names.unshift(from);
    from = environments.find((env) => env.name === from)?.promotesFrom;
  }
  return names;
}

function identity(env: Environment): ImageReference {
  return { repository: env.image.repository, tag: env.image.tag, digest: env.image.digest };
}

function describePaths(paths: readonly string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}

// Loaded on use: rendering and the validators load on the first promotion that gets that far.
async function defaultValidate(root: string, env: string): Promise<readonly Finding[]> {
  const { validateRepository } = await import('../validate/repository.ts');
  return (await validateRepository({ root, envs: [env], argocd: false })).findings;
}

// Loaded on use: the constructs behind synth are the slow part of starting the CLI.
async function defaultSynthesize(root: string, options: { check: boolean }): Promise<{ readonly upToDate: boolean }> {
  const { synthesize } = await import('../synth/index.ts');
  return synthesize(root, options);
}
