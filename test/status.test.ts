import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { ArgoCdApplications } from '../src/status/cluster.ts';
import { formatDuration, parseDuration } from '../src/status/duration.ts';
import { waitUntilSettled } from '../src/status/status.ts';
import { application, FAILURES, startKubeApi, type FakeKubeApi } from './support/kube-api-server.ts';
import { tempRepo } from './support/repo.ts';

const PROD_IMAGE = 'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e4f6b8a1c3e5d7f9b0a2c4e6d8f0b1a3c5e7d9f1b3a5c7e9d0f2a';
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

let repo: ReturnType<typeof tempRepo> | undefined;
afterAll(() => repo?.cleanup());

/** The repository's environments in a folder of their own (so others' edits cannot race the test), one for the file: status only reads it. */
function workspace(): string {
  repo ??= tempRepo();
  return repo.root;
}

async function server(...apps: Parameters<FakeKubeApi['apply']>[0][]): Promise<FakeKubeApi> {
  const api = await startKubeApi(apps);
  cleanup.push(() => api.close());
  return api;
}

async function status(api: { kubeconfig: string }, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['status', '--kubeconfig', api.kubeconfig, ...argv], {
    cwd: workspace(),
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const healthy = () => [
  application('dev', 'Synced', 'Healthy'),
  application('staging', 'Synced', 'Healthy', { images: [PROD_IMAGE, 'docker.io/valkey/valkey:8.0'] }),
  application('prod', 'Synced', 'Healthy', { images: [PROD_IMAGE] }),
];

describe('status', () => {
  it('exits 0 and prints what runs where when every environment is Synced and Healthy', async () => {
    const api = await server(...healthy());
    const result = await status(api);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[1]).toMatch(/^ENV\s+SYNC\s+HEALTH\s+REVISION\s+RUNNING\s+WANTED \(GIT\)$/);
    // In promotion order, from promotesFrom.
    expect(lines.slice(2, 5).map((line) => line.split(/\s+/))).toEqual([
      ['dev', 'Synced', 'Healthy', 'a1b2c3d', 'ghcr.io/hivebox-platform/hivebox:v0.6.0', 'ghcr.io/hivebox-platform/hivebox:v0.6.0'],
      [
        'staging',
        'Synced',
        'Healthy',
        'a1b2c3d',
        'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e',
        'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e',
      ],
      [
        'prod',
        'Synced',
        'Healthy',
        'a1b2c3d',
        'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e',
        'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e',
      ],
    ]);
    // Valkey runs in the same Application but is not what "running" answers.
    expect(result.stdout).not.toContain('valkey');
    expect(result.stdout).toContain('3 of 3 environments Synced, Healthy and running the image Git wants.');
    expect(api.requests).toContain('GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications');
  });

  it('exits 1 when an environment is OutOfSync, Degraded or has no Application', async () => {
    const api = await server(application('dev', 'OutOfSync', 'Healthy'), application('staging', 'Synced', 'Degraded'));
    const result = await status(api);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dev\s+OutOfSync\s+Healthy/m);
    expect(result.stdout).toMatch(/^staging\s+Synced\s+Degraded/m);
    expect(result.stdout).toMatch(/^prod\s+Missing\s+Missing\s+-\s+-/m);
    expect(result.stdout).toContain('0 of 3 environments Synced, Healthy and running the image Git wants.');
  });

  it('exits 1 when Synced and Healthy but still running another image than Git wants (a sync not yet seen)', async () => {
    const api = await server(application('dev', 'Synced', 'Healthy', { images: ['ghcr.io/hivebox-platform/hivebox:v0.5.0'] }));
    const result = await status(api, '--env', 'dev');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^dev\s+Synced\s+Healthy\s+a1b2c3d\s+≠ ghcr.io\/hivebox-platform\/hivebox:v0.5.0\s+ghcr.io\/hivebox-platform\/hivebox:v0.6.0$/m,
    );
  });

  it('exits 1 when the Application runs no HiveBox image at all (only Valkey, or an image whose name merely starts the same)', async () => {
    const api = await server(
      application('dev', 'Synced', 'Healthy', {
        images: ['docker.io/valkey/valkey:8.0', 'ghcr.io/hivebox-platform/hivebox-exporter:v0.6.0'],
      }),
    );
    const result = await status(api, '--env', 'dev');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dev\s+Synced\s+Healthy\s+a1b2c3d\s+-\s+ghcr.io\/hivebox-platform\/hivebox:v0.6.0$/m);
    expect(result.stdout).toContain('0 of 1 environments Synced, Healthy and running the image Git wants.');
  });

  it('--env narrows the check to the environments named (a gate on dev alone)', async () => {
    const api = await server(application('dev', 'Synced', 'Healthy'), application('prod', 'OutOfSync', 'Healthy'));
    const result = await status(api, '--env', 'dev');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 of 1 environments Synced, Healthy and running the image Git wants.');
    expect(result.stdout).not.toMatch(/^prod/m);
    expect((await status(api, '--env', 'qa')).stderr).toContain('--env: no environment "qa"');
  });

  it('--cluster reads only the environments on that cluster, whose own Argo CD the context points at', async () => {
    // The nonprod cluster's Argo CD knows dev and staging, never prod.
    const api = await server(
      application('dev', 'Synced', 'Healthy'),
      application('staging', 'Synced', 'Healthy', { images: [PROD_IMAGE] }),
    );
    const result = await status(api, '--cluster', 'nonprod');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 of 2 environments Synced, Healthy and running the image Git wants.');
    expect(result.stdout).not.toMatch(/^prod/m);
    expect((await status(api)).code).toBe(1); // without it, prod is looked for here and missing
    expect((await status(api, '--cluster', 'staging')).stderr).toMatch(
      /--cluster: no environment runs on "staging"; expected one of nonprod, prod\n$/,
    );
    expect((await status(api, '--cluster', 'nonprod', '--env', 'prod')).stderr).toContain('--env prod: not on cluster nonprod');
  });

  it('reads the namespace given with --namespace', async () => {
    const api = await server(...healthy());
    const result = await status(api, '--namespace', 'gitops');
    expect(result.code).toBe(1); // nothing lives there
    expect(api.requests).toContain('GET /apis/argoproj.io/v1alpha1/namespaces/gitops/applications');
  });
});

describe('status when the cluster cannot be asked', () => {
  it('401: says the credentials were rejected (exit 2)', async () => {
    const api = await server(...healthy());
    const result = await status(api, '--context', 'stranger');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the API server ${api.url} rejected the credentials (401 Unauthorized)`);
    expect(result.stdout).toBe('');
  });

  it('403: names the permission that is missing (exit 2)', async () => {
    const api = await server(...healthy());
    api.fail(FAILURES.forbidden);
    const result = await status(api);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not allowed to read applications.argoproj.io/v1alpha1 in namespace argocd (403 Forbidden)');
    expect(result.stderr).toContain('cannot list resource "applications"');
  });

  it('404 on the applications resource: says Argo CD is not installed (exit 2)', async () => {
    const api = await server();
    api.fail(FAILURES.noCrd);
    const result = await status(api);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Argo CD's CRDs are not installed");
  });

  it('an unreachable API server (exit 2)', async () => {
    const api = await server();
    await api.stopListening();
    const result = await status(api);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach the API server ${api.url}: ECONNREFUSED`);
  });

  it('the fake API server leaves no kubeconfig folder in the temp dir once closed', async () => {
    const api = await startKubeApi();
    const folder = dirname(api.kubeconfig);
    expect(existsSync(folder)).toBe(true);
    await api.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('an unknown --context, a missing kubeconfig and a bad --timeout (exit 2)', async () => {
    const api = await server(...healthy());
    expect((await status(api, '--context', 'nope')).stderr).toContain('has no context "nope"; it has fake, stranger');
    expect((await status({ kubeconfig: join(tmpdir(), 'no-such-kubeconfig') })).code).toBe(2);
    const bad = await status(api, '--wait', '--timeout', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timeout: expected a duration such as 90s, 5m or 1h30m, got "soon"');
  });
});

describe('status --wait', () => {
  it('watches from the list resourceVersion until every environment is Synced and Healthy', async () => {
    const [dev, ...rest] = healthy();
    const api = await server(application('dev', 'Synced', 'Progressing'), ...rest);
    const watching = api.nextWatch();
    const result = status(api, '--wait', '--timeout', '5m');
    await watching;
    api.apply(application('staging', 'Synced', 'Healthy', { images: [PROD_IMAGE] })); // still waiting on dev
    api.apply(dev!);
    const done = await result;
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout.split('\n')[0]).toBe(
      'Waiting up to 5m for dev, staging, prod to be Synced, Healthy and running the image Git wants...',
    );
    expect(api.requests.some((r) => /applications\?.*watch=true/.test(r) && /resourceVersion=\d+/.test(r))).toBe(true);
  });

  it('misses no change made between the list and the start of the watch', async () => {
    const [dev, ...rest] = healthy();
    const api = await server(application('dev', 'Synced', 'Progressing'), ...rest);
    api.afterNextList(() => api.apply(dev!)); // before the watch connects: only resourceVersion can carry it
    expect((await status(api, '--wait', '--timeout', '5m')).code).toBe(0);
  });

  it('exits 1 with the last table when the timeout passes first', async () => {
    const api = await server(application('dev', 'Synced', 'Degraded'));
    const result = await status(api, '--wait', '--timeout', '1s');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dev\s+Synced\s+Degraded/m);
    expect(result.stdout).toContain('Not every environment was Synced, Healthy and running the image Git wants within 1s.');
  });
});

const LIST = 'GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const isWatch = (request: string) => request.startsWith(`${LIST}?`) && request.includes('watch=true');

/**
 * waitUntilSettled itself, with a backoff that records how long it would wait
 * and returns at once: the tests assert the waits, not the clock.
 */
async function waitFor(api: FakeKubeApi, options: { timeoutMs?: number; requestTimeoutMs?: number; signal?: AbortSignal } = {}) {
  const delays: number[] = [];
  const client = ArgoCdApplications.connect({
    kubeconfig: api.kubeconfig,
    namespace: 'argocd',
    env: {},
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const waiting = waitUntilSettled(loadEnvironments(workspace()), client, options.timeoutMs ?? 300_000, {
    delay: async (ms) => void delays.push(ms),
    signal: options.signal,
  });
  return { waiting, delays, lists: () => api.requests.filter((r) => r === LIST).length, watches: () => api.requests.filter(isWatch) };
}

describe('status --wait against a server that misbehaves', () => {
  it('resumes a watch the server ends from the last resourceVersion it saw, without a list; backs off only after a watch that brought nothing', async () => {
    const [dev, staging, prod] = healthy();
    const api = await server(application('dev', 'Synced', 'Progressing'), application('staging', 'Synced', 'Progressing'), prod!);
    const first = api.nextWatch();
    const run = await waitFor(api);
    await first;
    api.apply(staging!); // an event: the connection works
    let next = api.nextWatch();
    api.endWatches(); // as a server's watch timeout does
    await next;
    next = api.nextWatch();
    api.endWatches(); // ended with nothing to say
    await next;
    api.apply(dev!);
    expect((await run.waiting).settled).toBe(true);
    expect(run.lists()).toBe(1);
    const versions = run.watches().map((r) => new URL(r.slice(4), 'https://x').searchParams.get('resourceVersion'));
    expect(versions).toEqual(['103', '104', '104']); // the list's version, then staging's event's
    expect(run.watches()[0]).toMatch(/allowWatchBookmarks=true.*timeoutSeconds=\d+/);
    expect(run.delays).toEqual([1_000]);
  });

  const interruptions: Array<[what: string, interrupt: (api: FakeKubeApi) => void]> = [
    ['410 Gone (the version watched from expired)', (api) => api.expireWatches()],
    ['a dropped watch (connection reset)', (api) => api.dropWatches()],
  ];
  for (const [what, interrupt] of interruptions) {
    it(`${what}: lists again after a backoff, then watches from the new list`, async () => {
      const [dev, ...rest] = healthy();
      const api = await server(application('dev', 'Synced', 'Progressing'), ...rest);
      const first = api.nextWatch();
      const run = await waitFor(api);
      await first;
      const second = api.nextWatch();
      interrupt(api);
      await second;
      api.apply(dev!);
      expect((await run.waiting).settled).toBe(true);
      expect(run.lists()).toBe(2);
      expect(run.delays).toEqual([1_000]);
    });
  }

  it('a server that answers 410 Gone forever gets bounded, doubling retries, then exit 2 and a message', async () => {
    const api = await server(application('dev', 'Synced', 'Progressing'));
    api.misbehave('gone');
    const run = await waitFor(api);
    await expect(run.waiting).rejects.toThrow(
      /^the API server https:\/\/127\.0\.0\.1:\d+ answered 410 Gone \(resourceVersion too old\) to 6 watches of \/apis\/argoproj\.io\/v1alpha1\/namespaces\/argocd\/applications in a row, each after a fresh list; giving up$/,
    );
    expect(run.delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(run.lists()).toBe(6);
    expect(run.watches()).toHaveLength(6);
  });

  it('a watch that never starts answering is abandoned after the request timeout and retried, at most 5 times', async () => {
    const api = await server(application('dev', 'Synced', 'Progressing'));
    api.misbehave('hang-watches');
    // Short, but long enough for a list on a busy machine: lists are answered, only watches hang.
    const run = await waitFor(api, { requestTimeoutMs: 1_000 });
    await expect(run.waiting).rejects.toThrow(
      /did not answer a watch of \/apis\/argoproj\.io\/v1alpha1\/namespaces\/argocd\/applications within 1s \(--request-timeout\) \(tried 6 times in a row, backing off up to 30s; giving up\)$/,
    );
    expect(run.delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(run.watches()).toHaveLength(6);
  });

  it('the end of the wait abandons a watch still connecting, and leaves no connection open', async () => {
    const api = await server(application('dev', 'Synced', 'Progressing'));
    api.misbehave('hang-watches');
    const asked = api.nextWatch();
    const stop = new AbortController();
    const run = await waitFor(api, { signal: stop.signal });
    await asked;
    stop.abort(); // as the timeout does
    const { rows, settled } = await run.waiting;
    expect(settled).toBe(false);
    expect(rows.find((row) => row.environment === 'dev')).toMatchObject({ sync: 'Synced', health: 'Progressing' });
    expect(run.watches()).toHaveLength(1); // asked, never answered
    await vi.waitFor(async () => expect(await api.connections()).toBe(0));
  });

  it('--wait --timeout ends at the timeout when the server answers nothing at all: exit 2, as nothing was checked', async () => {
    const api = await server(...healthy());
    api.misbehave('hang');
    const result = await status(api, '--wait', '--timeout', '1s');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `hivebox-gitops status: the API server ${api.url} answered no list of /apis/argoproj.io/v1alpha1/namespaces/argocd/applications before the --timeout passed\n`,
    );
    await vi.waitFor(async () => expect(await api.connections()).toBe(0));
  });

  it('--wait --timeout ends at the timeout when watches hang: exit 1 with the last table', async () => {
    const api = await server(application('dev', 'Synced', 'Progressing'));
    api.misbehave('hang-watches');
    const result = await status(api, '--wait', '--timeout', '1s', '--env', 'dev');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^dev\s+Synced\s+Progressing/m);
  });

  it('without --wait, a server that never answers: exit 2 after --request-timeout', async () => {
    const api = await server(...healthy());
    api.misbehave('hang');
    const result = await status(api, '--request-timeout', '1s');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `hivebox-gitops status: the API server ${api.url} did not answer GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications within 1s (--request-timeout)\n`,
    });
  });

  it('a list body cut short (Content-Length not reached): exit 2 and a message, never a silent exit 13', async () => {
    const api = await server(...healthy());
    api.misbehave('truncate-lists');
    const result = await status(api);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `hivebox-gitops status: the API server ${api.url} closed the connection before the end of its answer to GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications; it or a proxy in between dropped it\n`,
    });
    // With --wait it is a failure like any other: retried with the backoff, then given up.
    const run = await waitFor(api);
    await expect(run.waiting).rejects.toThrow(/closed the connection before the end of its answer.*\(tried 6 times in a row/);
    expect(run.delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('403 while waiting is not retried: exit 2 at once', async () => {
    const api = await server(...healthy());
    api.fail(FAILURES.forbidden);
    const run = await waitFor(api);
    await expect(run.waiting).rejects.toThrow('not allowed to read applications.argoproj.io/v1alpha1 in namespace argocd (403 Forbidden)');
    expect(run.delays).toEqual([]);
  });
});

describe('parseDuration', () => {
  it('reads Go-style durations', () => {
    expect(parseDuration('--timeout', '90s')).toBe(90_000);
    expect(parseDuration('--timeout', '1h30m')).toBe(5_400_000);
    expect(() => parseDuration('--timeout', '0s')).toThrow('longer than zero');
    expect(() => parseDuration('--timeout', '10')).toThrow('expected a duration');
  });

  it('formats durations the way the flags take them', () => {
    expect([100, 1_000, 90_000, 5_400_000].map(formatDuration)).toEqual(['100ms', '1s', '1m30s', '1h30m']);
  });
});
