/**
 * An in-process stand-in for the parts of GitHub's API that `promote --propose` uses, backed by a
 * real bare git repository: REST git refs (GET /git/ref/heads/…, POST /git/refs, PATCH and DELETE
 * /git/refs/heads/…), pulls (list, create, update), the repository (its default branch), and the
 * GraphQL mutation createCommitOnBranch — which, like GitHub's, appends one commit to an existing
 * branch whose head must be expectedHeadOid, applies base64 file additions and deletions, and
 * records the commit as signed by GitHub. Errors use GitHub's shapes: `{ message }` with 401, 404,
 * 422 for REST, `{ errors: [{ message }] }` with 200 for GraphQL. Plain HTTP on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GITHUB_TOKEN = 'ghs_test-installation-token';

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
}

export interface FakeGitHub {
  readonly url: string;
  /** The environment `promote --propose` reads, pointing here. */
  readonly env: Record<string, string>;
  /** Every request, as "METHOD path". */
  readonly requests: string[];
  readonly pulls: PullRequest[];
  /** Commits created through createCommitOnBranch: the ones GitHub signs. */
  readonly signedCommits: Set<string>;
  /** Answers the next matching request (method, path pattern) with this status and message instead. */
  fail(method: string, path: RegExp, status: number, message: string): void;
  /** Answers createCommitOnBranch with a GraphQL error (status 200), as GitHub does for a stale expectedHeadOid. */
  failGraphql(message: string): void;
  close(): Promise<void>;
}

/** `bare` is the repository GitHub holds (`git clone --bare`); its default branch is main. */
export async function startGitHubApi(bare: string, repository = 'hivebox-platform/hivebox-gitops'): Promise<FakeGitHub> {
  const requests: string[] = [];
  const pulls: PullRequest[] = [];
  const signedCommits = new Set<string>();
  const failures: Array<{ method: string; path: RegExp; status: number; message: string }> = [];
  let graphqlFailure: string | undefined;
  const git = (args: string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}) =>
    execFileSync('git', args, { cwd: bare, input: options.input, env: { ...process.env, ...options.env }, encoding: 'utf8' }).trim();
  const head = (branch: string): string | undefined => {
    try {
      return git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
    } catch {
      return undefined;
    }
  };
  const isCommit = (sha: string) => {
    try {
      return git(['cat-file', '-t', sha]) === 'commit';
    } catch {
      return false;
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      requests.push(`${method} ${url.pathname}${url.search}`);
      const reply = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`) return reply(401, { message: 'Bad credentials' });
      const failure = failures.findIndex((f) => f.method === method && f.path.test(url.pathname));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        return reply(f!.status, { message: f!.message });
      }
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
      const repo = `/repos/${repository}`;
      const path = url.pathname;

      if (method === 'POST' && path === '/graphql') {
        if (!/createCommitOnBranch\(input: \$input\)/.test(body.query ?? ''))
          return reply(200, { errors: [{ message: 'the stand-in answers createCommitOnBranch only' }] });
        if (graphqlFailure) {
          const message = graphqlFailure;
          graphqlFailure = undefined;
          return reply(200, { data: null, errors: [{ message }] });
        }
        const input = body.variables.input;
        if (input.branch.repositoryNameWithOwner !== repository)
          return reply(200, {
            errors: [{ message: `Could not resolve to a Repository with the name '${input.branch.repositoryNameWithOwner}'.` }],
          });
        const parent = head(input.branch.branchName);
        if (!parent) return reply(200, { errors: [{ message: `A ref named "refs/heads/${input.branch.branchName}" does not exist.` }] });
        if (parent !== input.expectedHeadOid)
          return reply(200, {
            errors: [{ message: `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.` }],
          });
        const scratch = mkdtempSync(join(tmpdir(), 'fake-github-index-'));
        const env = { GIT_INDEX_FILE: join(scratch, 'index') };
        try {
          git(['read-tree', parent], { env });
          // Every addition's blob in one git process, and every index entry in one more.
          const additions: Array<{ path: string; contents: string }> = input.fileChanges?.additions ?? [];
          if (additions.length > 0) {
            const files = additions.map((addition, i) => {
              const file = join(scratch, `blob-${i}`);
              writeFileSync(file, Buffer.from(addition.contents, 'base64'));
              return file;
            });
            const blobs = git(['hash-object', '-w', '--no-filters', '--', ...files]).split('\n');
            const entries = additions.flatMap((addition, i) => ['--cacheinfo', `100644,${blobs[i]},${addition.path}`]);
            git(['update-index', '--add', ...entries], { env });
          }
          const deletions: Array<{ path: string }> = input.fileChanges?.deletions ?? [];
          if (deletions.length > 0) git(['update-index', '--force-remove', '--', ...deletions.map((deletion) => deletion.path)], { env });
          const tree = git(['write-tree'], { env });
          const message = input.message.body ? `${input.message.headline}\n\n${input.message.body}` : input.message.headline;
          const commit = git(['commit-tree', tree, '-p', parent, '-F', '-'], {
            input: message,
            env: {
              GIT_AUTHOR_NAME: 'hivebox-promoter[bot]',
              GIT_AUTHOR_EMAIL: '1+hivebox-promoter[bot]@users.noreply.github.com',
              GIT_COMMITTER_NAME: 'GitHub',
              GIT_COMMITTER_EMAIL: 'noreply@github.com',
            },
          });
          git(['update-ref', `refs/heads/${input.branch.branchName}`, commit, parent]);
          signedCommits.add(commit);
          return reply(200, { data: { createCommitOnBranch: { commit: { oid: commit } } } });
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      }

      if (method === 'GET' && path === repo) return reply(200, { full_name: repository, default_branch: 'main' });

      const getRef = new RegExp(`^${repo}/git/ref/heads/(.+)$`).exec(path);
      if (method === 'GET' && getRef) {
        const sha = head(getRef[1]!);
        return sha ? reply(200, { ref: `refs/heads/${getRef[1]}`, object: { sha, type: 'commit' } }) : reply(404, { message: 'Not Found' });
      }
      if (method === 'POST' && path === `${repo}/git/refs`) {
        const branch = /^refs\/heads\/(.+)$/.exec(body.ref ?? '')?.[1];
        if (!branch) return reply(422, { message: 'Reference name must start with refs/heads/' });
        if (head(branch)) return reply(422, { message: 'Reference already exists' });
        if (!isCommit(body.sha)) return reply(422, { message: 'Object does not exist' });
        git(['update-ref', `refs/heads/${branch}`, body.sha]);
        return reply(201, { ref: body.ref, object: { sha: body.sha, type: 'commit' } });
      }
      const ref = new RegExp(`^${repo}/git/refs/heads/(.+)$`).exec(path);
      if (ref && (method === 'PATCH' || method === 'DELETE')) {
        const current = head(ref[1]!);
        if (!current) return reply(422, { message: 'Reference does not exist' });
        if (method === 'DELETE') {
          git(['update-ref', '-d', `refs/heads/${ref[1]}`]);
          return reply(204);
        }
        if (!isCommit(body.sha)) return reply(422, { message: 'Object does not exist' });
        const fastForward = git(['merge-base', current, body.sha]) === current;
        if (!fastForward && body.force !== true) return reply(422, { message: 'Update is not a fast forward' });
        git(['update-ref', `refs/heads/${ref[1]}`, body.sha]);
        return reply(200, { ref: `refs/heads/${ref[1]}`, object: { sha: body.sha, type: 'commit' } });
      }

      const html = (n: number) => `https://github.com/${repository}/pull/${n}`;
      const asJson = (p: PullRequest) => ({
        number: p.number,
        title: p.title,
        body: p.body,
        state: p.state,
        html_url: html(p.number),
        head: { ref: p.head },
        base: { ref: p.base },
      });
      if (method === 'GET' && path === `${repo}/pulls`) {
        const [owner] = repository.split('/');
        const wanted = url.searchParams.get('head');
        const open = pulls.filter(
          (p) =>
            (url.searchParams.get('state') ?? 'open') === p.state &&
            (!wanted || wanted === `${owner}:${p.head}`) &&
            (!url.searchParams.get('base') || url.searchParams.get('base') === p.base),
        );
        return reply(200, open.map(asJson));
      }
      if (method === 'POST' && path === `${repo}/pulls`) {
        if (!head(body.head)) return reply(422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] });
        if (pulls.some((p) => p.state === 'open' && p.head === body.head && p.base === body.base))
          return reply(422, { message: `A pull request already exists for ${body.head}.` });
        const pull: PullRequest = {
          number: pulls.length + 1,
          title: body.title,
          body: body.body ?? '',
          head: body.head,
          base: body.base,
          state: 'open',
        };
        pulls.push(pull);
        return reply(201, asJson(pull));
      }
      const onePull = new RegExp(`^${repo}/pulls/(\\d+)$`).exec(path);
      if (method === 'PATCH' && onePull) {
        const pull = pulls.find((p) => p.number === Number(onePull[1]));
        if (!pull) return reply(404, { message: 'Not Found' });
        if (body.title !== undefined) pull.title = body.title;
        if (body.body !== undefined) pull.body = body.body;
        return reply(200, asJson(pull));
      }
      return reply(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: { GH_TOKEN: GITHUB_TOKEN, GITHUB_REPOSITORY: repository, GITHUB_API_URL: url, GITHUB_GRAPHQL_URL: `${url}/graphql` },
    requests,
    pulls,
    signedCommits,
    fail: (method, path, status, message) => failures.push({ method, path, status, message }),
    failGraphql: (message) => {
      graphqlFailure = message;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
