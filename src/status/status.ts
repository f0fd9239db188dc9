/**
 * What runs where: each environment's Application `hivebox-<env>` as Argo CD
 * reports it, next to what Git wants. Optionally waits, through a watch, until
 * every environment is Synced and Healthy.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Environment } from '../config/environment.ts';
import { applicationName, environmentStatus, isSettled, type Application, type EnvironmentStatus } from './application.ts';
import type { ArgoCdApplications } from './cluster.ts';
import { formatDuration } from './duration.ts';
import type { ApplicationInformer, Delay } from './informer.ts';

export function statusRows(environments: readonly Environment[], applications: ReadonlyMap<string, Application>): EnvironmentStatus[] {
  return inPromotionOrder(environments).map((env) => environmentStatus(env, applications.get(applicationName(env))));
}

/** dev, staging, prod: by the length of the promotesFrom chain, then by name. */
export function inPromotionOrder(environments: readonly Environment[]): Environment[] {
  const depth = (env: Environment): number => {
    let steps = 0;
    for (let from = env.promotesFrom; from !== undefined && steps < environments.length; steps++) {
      from = environments.find((e) => e.name === from)?.promotesFrom;
    }
    return steps;
  };
  return [...environments].sort((a, b) => depth(a) - depth(b) || a.name.localeCompare(b.name));
}

export async function readStatus(environments: readonly Environment[], client: ArgoCdApplications): Promise<EnvironmentStatus[]> {
  return statusRows(environments, (await client.list()).items);
}

export interface WaitOptions {
  /**
   * How the backoff between retries waits; a test passes one that records and returns at once.
   * @default node:timers/promises setTimeout
   */
  readonly delay?: Delay;
  /**
   * Ends the wait early, as the timeout does (a caller's own deadline).
   * @default none
   */
  readonly signal?: AbortSignal;
}

/**
 * Watches the Applications with client-node's informer until every environment
 * is settled or the timeout passes: a list, then watches from its
 * resourceVersion. A watch the server ends resumes from the last version seen;
 * a 410 Gone lists again; a failed list or watch (network, timeout, 5xx) starts
 * a fresh list after a backoff, at most MAX_FAILURES times in a row. The
 * timeout ends it whatever the server does: every request in flight is abandoned.
 * Rejects with a ClusterError when the server refuses (401, 403, 404), when the
 * retries are used up, or when no list was answered before the timeout.
 */
export async function waitUntilSettled(
  environments: readonly Environment[],
  client: ArgoCdApplications,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<{ rows: EnvironmentStatus[]; settled: boolean }> {
  // Here, not at the top: the Kubernetes client is slow to import, and only a wait needs the informer.
  const [{ ClusterError }, { applicationInformer, Backoff, BACKOFF, isRetryable }] = await Promise.all([
    import('./cluster.ts'),
    import('./informer.ts'),
  ]);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const stop = () => deadline.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  const backoff = new Backoff(options.delay ?? ((ms, signal) => delay(ms, undefined, { signal })), deadline.signal);
  let informer: ApplicationInformer | undefined;
  let listed = false;
  const rows = () => {
    const items = new Map<string, Application>();
    for (const app of informer?.list() ?? []) if (app.metadata?.name) items.set(app.metadata.name, app);
    return statusRows(environments, items);
  };
  try {
    return await new Promise((resolve, reject) => {
      const settleIfDone = () => {
        const current = rows();
        if (current.every(isSettled)) resolve({ rows: current, settled: true });
      };
      const failed = async (error: unknown) => {
        if (deadline.signal.aborted) return;
        informer?.close();
        const explained = client.explain(error);
        if (!isRetryable(explained)) return reject(explained);
        if (await backoff.before('after a failure')) return begin();
        if (!deadline.signal.aborted)
          reject(
            new ClusterError(
              `${explained.message} (tried ${backoff.failed} times in a row, backing off up to ${formatDuration(BACKOFF.maxMs)}; giving up)`,
              { final: true },
            ),
          );
      };
      const begin = () => {
        const current = applicationInformer(client, backoff, deadline.signal, () => (listed = true));
        informer = current;
        // A closed informer's last request may still fail on its way out: only the current one's errors count.
        const onError = (error: unknown) => void (informer === current && failed(error));
        current.on('change', settleIfDone);
        current.on('error', onError);
        current.start().then(settleIfDone, onError);
      };
      deadline.signal.addEventListener('abort', () => {
        if (listed) resolve({ rows: rows(), settled: false });
        else reject(new ClusterError(`the API server ${client.server} answered no list of ${client.path} before the --timeout passed`));
      });
      begin();
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    deadline.abort();
    informer?.close();
  }
}
