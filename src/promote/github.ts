/**
 * A promotion proposed as a pull request through GitHub's API, for the promote workflow.
 *
 * `main` requires signed commits, and a commit made on the runner is unsigned. A commit created with
 * the GraphQL mutation createCommitOnBranch is signed by GitHub and attributed to the token's owner
 * (the GitHub App the workflow mints a token for), so the pull request can merge. The mutation appends
 * to an existing branch, so the commit is made on a fresh branch at the base commit and the proposal
 * branch (promote/<env>) is then moved to it in one step: an open pull request jumps from the old
 * proposal to the new one and never passes through an empty state.
 *
 * Endpoints (REST v3, GraphQL v4): GET /repos/{repo}; GET, POST, PATCH, DELETE git refs; GET, POST,
 * PATCH pulls; POST /graphql createCommitOnBranch.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.ts';

export interface GitHubRepository {
  /** REST API root, e.g. https://api.github.com ($GITHUB_API_URL). */
  readonly apiUrl: string;
  /** GraphQL endpoint, e.g. https://api.github.com/graphql ($GITHUB_GRAPHQL_URL). */
  readonly graphqlUrl: string;
  /** owner/name ($GITHUB_REPOSITORY). */
  readonly repository: string;
  readonly token: string;
}

/** GitHub refused or could not be reached: one line naming the call and GitHub's answer. */
export class GitHubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubError';
  }
}

/** The repository and token from the environment GitHub Actions sets (GH_TOKEN or GITHUB_TOKEN for the token). */
export function gitHubFromEnv(env: Readonly<Record<string, string | undefined>>): GitHubRepository {
  const token = env.GH_TOKEN || env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (!token || !repository) {
    throw new UsageError(
      '--propose needs GH_TOKEN (or GITHUB_TOKEN) and GITHUB_REPOSITORY (owner/name) in the environment; the promote workflow sets both (docs/runbooks/promote.md)',
    );
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new UsageError(`GITHUB_REPOSITORY: expected owner/name, got "${repository}"`);
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  return { apiUrl, graphqlUrl: env.GITHUB_GRAPHQL_URL || `${apiUrl}/graphql`, repository, token };
}

/** One file of the change: its new contents, or `undefined` when it is deleted. Paths from the repository's top. */
export interface FileChange {
  readonly path: string;
  readonly contents: Buffer | undefined;
}

export interface Proposal {
  /** The branch the pull request is made from, e.g. promote/staging. */
  readonly branch: string;
  /** The commit the change applies to (the runner's HEAD); it must exist on GitHub. */
  readonly baseCommit: string;
  readonly headline: string;
  readonly body: string;
  readonly files: readonly FileChange[];
  /** The pull request's description. */
  readonly description: string;
}

export interface ProposalOutcome {
  readonly number: number;
  readonly url: string;
  /** The signed commit now at the head of the branch. */
  readonly commit: string;
  readonly baseBranch: string;
  /** Whether the pull request was opened now (else an open one was updated). */
  readonly opened: boolean;
  /** The title the open pull request had before, when it was updated. */
  readonly previousTitle?: string;
}

const COMMIT_MUTATION = `mutation ($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) {
    commit { oid }
  }
}`;

export async function proposePullRequest(github: GitHubRepository, proposal: Proposal): Promise<ProposalOutcome> {
  const api = client(github);
  const repo = `/repos/${github.repository}`;
  const { default_branch: baseBranch } = await api.rest<{ default_branch: string }>('GET', repo);

  // A fresh branch at the base commit, for createCommitOnBranch to append to.
  const scratch = `${proposal.branch}-${randomBytes(4).toString('hex')}`;
  await api.rest('POST', `${repo}/git/refs`, { ref: `refs/heads/${scratch}`, sha: proposal.baseCommit });
  let commit: string;
  try {
    const data = await api.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(COMMIT_MUTATION, {
      input: {
        branch: { repositoryNameWithOwner: github.repository, branchName: scratch },
        message: { headline: proposal.headline, body: proposal.body },
        fileChanges: {
          additions: proposal.files
            .filter((f) => f.contents !== undefined)
            .map((f) => ({ path: f.path, contents: f.contents!.toString('base64') })),
          deletions: proposal.files.filter((f) => f.contents === undefined).map((f) => ({ path: f.path })),
        },
        expectedHeadOid: proposal.baseCommit,
      },
    });
    commit = data.createCommitOnBranch.commit.oid;
    // Move (or create) the proposal branch to the new commit in one step.
    const existing = await api.rest<{ object: { sha: string } } | undefined>('GET', `${repo}/git/ref/heads/${proposal.branch}`, undefined, {
      allow404: true,
    });
    if (existing) await api.rest('PATCH', `${repo}/git/refs/heads/${proposal.branch}`, { sha: commit, force: true });
    else await api.rest('POST', `${repo}/git/refs`, { ref: `refs/heads/${proposal.branch}`, sha: commit });
  } finally {
    await api.rest('DELETE', `${repo}/git/refs/heads/${scratch}`, undefined, { allow404: true });
  }

  const owner = github.repository.split('/')[0]!;
  const query = new URLSearchParams({ head: `${owner}:${proposal.branch}`, base: baseBranch, state: 'open' });
  const open = await api.rest<Array<{ number: number; html_url: string; title: string }>>('GET', `${repo}/pulls?${query}`);
  const title = proposal.headline;
  if (open.length > 0) {
    const pull = open[0]!;
    await api.rest('PATCH', `${repo}/pulls/${pull.number}`, { title, body: proposal.description });
    return { number: pull.number, url: pull.html_url, commit, baseBranch, opened: false, previousTitle: pull.title };
  }
  const pull = await api.rest<{ number: number; html_url: string }>('POST', `${repo}/pulls`, {
    title,
    head: proposal.branch,
    base: baseBranch,
    body: proposal.description,
    maintainer_can_modify: false,
  });
  return { number: pull.number, url: pull.html_url, commit, baseBranch, opened: true };
}

function client(github: GitHubRepository) {
  const headers = {
    Authorization: `Bearer ${github.token}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'hivebox-gitops',
    'Content-Type': 'application/json',
  };
  async function call(method: string, url: string, label: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new GitHubError(`GitHub ${label}: could not reach ${new URL(url).origin}: ${cause}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  }
  return {
    async rest<T = unknown>(method: string, path: string, body?: unknown, options: { allow404?: boolean } = {}): Promise<T> {
      const label = `${method} ${path.split('?')[0]}`;
      const { status, json } = await call(method, `${github.apiUrl}${path}`, label, body);
      if (status === 404 && options.allow404) return undefined as T;
      if (status < 200 || status >= 300) {
        const message = (json as { message?: string } | undefined)?.message ?? '';
        throw new GitHubError(`GitHub ${label}: ${status}${message ? ` ${message}` : ''}${hint(status)}`);
      }
      return json as T;
    },
    async graphql<T>(query: string, variables: unknown): Promise<T> {
      const label = 'GraphQL createCommitOnBranch';
      const { status, json } = await call('POST', github.graphqlUrl, label, { query, variables });
      const result = json as { data?: T; errors?: Array<{ message?: string }>; message?: string } | undefined;
      if (status < 200 || status >= 300)
        throw new GitHubError(`GitHub ${label}: ${status}${result?.message ? ` ${result.message}` : ''}${hint(status)}`);
      if (result?.errors?.length || !result?.data)
        throw new GitHubError(`GitHub ${label}: ${result?.errors?.[0]?.message ?? 'no data in the answer'}`);
      return result.data;
    },
  };
}

function hint(status: number): string {
  if (status === 401) return ' (the token was refused: expired or revoked?)';
  if (status === 403) return ' (the token may not do this: the App needs contents and pull requests write on this repository)';
  return '';
}
