/**
 * Watching Argo CD Applications as Kubernetes clients must, with
 * @kubernetes/client-node's own informer: ListWatch lists, watches from the
 * list's resourceVersion, resumes a watch the server ends from the last
 * version it saw, and lists again when the server answers 410 Gone
 * (node_modules/@kubernetes/client-node/dist/cache.js, 1.4.0).
 *
 * What 1.4 leaves to its caller, added here the way upstream added it later:
 * - a backoff between reconnections, reset by any event: upstream ListWatch
 *   doubles from 1 s to 30 s since 2.0.0 (src/cache.ts, BASE_RECONNECT_DELAY_MS,
 *   commit 7a25b4f9); 1.4 reconnects at once, so a server that ends every
 *   watch at once, or answers every watch with 410 Gone, gets a busy loop;
 * - a bound on that loop: a server that keeps answering 410 is given up on;
 * - a request timeout: 1.4's Watch builds one and then drops it
 *   (dist/watch.js overwrites requestInit.signal; fixed upstream in 3cf72af6),
 *   so a server that accepts a watch and never answers holds it forever;
 * - a way to abandon a watch still connecting: ListWatch.stop() aborts only
 *   a watch whose response has started.
 * A failed list or watch ends the informer with an `error` event (upstream's
 * examples restart it); the caller retries that with the same backoff.
 */
import type { Agent } from 'node:http';
import { ListWatch, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Application } from './application.ts';
import { ClusterError, httpStatus, type ArgoCdApplications } from './cluster.ts';
import { formatDuration } from './duration.ts';

/** Upstream client-node's reconnect delays (2.0.0 src/cache.ts): 1 s, doubling, at most 30 s. */
export const BACKOFF = { initialMs: 1_000, maxMs: 30_000 } as const;
/** Failed lists or watches in a row, without an event in between, before giving up (exit 2). */
export const MAX_FAILURES = 5;
/**
 * How long the API server keeps one watch open (the watch's timeoutSeconds):
 * client-go's reflector asks for 5 to 10 minutes, then watches again from
 * where it was, so a connection that silently died is not trusted for long.
 */
const WATCH_TIMEOUT_SECONDS = 300;

/** Waits `ms` unless `signal` aborts first (then rejects or resolves early; either is fine). */
export type Delay = (ms: number, signal: AbortSignal) => Promise<unknown>;

/** The attempts since the informer last made progress: how long to back off, and when to stop. */
export class Backoff {
  private attempts = 0;
  private failures = 0;

  constructor(
    private readonly delay: Delay,
    private readonly signal: AbortSignal,
  ) {}

  /** An event arrived: the connection works, start again from the shortest delay. */
  progressed(): void {
    this.attempts = 0;
    this.failures = 0;
  }

  /** How many failed attempts in a row so far. */
  get failed(): number {
    return this.failures;
  }

  /**
   * Waits before the next attempt. A failure counts toward MAX_FAILURES;
   * resolves false when they are used up or the wait was stopped.
   */
  async before(next: 'after a failure' | 'after a quiet watch'): Promise<boolean> {
    if (next === 'after a failure' && ++this.failures > MAX_FAILURES) return false;
    const ms = Math.min(BACKOFF.initialMs * 2 ** this.attempts++, BACKOFF.maxMs);
    await this.delay(ms, this.signal).catch(() => undefined);
    return !this.signal.aborted;
  }
}

/** An error worth trying again: the network, a timeout, 408, 429, 5xx (as upstream client-node #3034 classifies them). */
export function isRetryable(error: unknown): boolean {
  const status = error instanceof ClusterError ? error.status : httpStatus(error);
  if (error instanceof ClusterError && error.final) return false;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

export interface ApplicationInformer extends ListWatch<Application & { metadata: object }> {
  /** Stops, and abandons requests still connecting. */
  close(): void;
}

/** One informer session: a fresh list, then watches. */
export function applicationInformer(
  client: ArgoCdApplications,
  backoff: Backoff,
  signal: AbortSignal,
  onList: () => void,
): ApplicationInformer {
  const watch = new PacedWatch(client, backoff);
  const list = async () => {
    const answer = await client.listObjects(signal);
    onList();
    return answer;
  };
  const informer = new ListWatch(client.path, watch, list, false) as ApplicationInformer;
  informer.close = () => {
    void informer.stop();
    watch.abandon();
  };
  return informer;
}

/** client-node's Watch with bookmarks, a server-side timeout, a request timeout and the backoff. */
class PacedWatch extends Watch {
  private readonly agents = new Set<Agent>();

  constructor(
    private readonly client: ArgoCdApplications,
    private readonly backoff: Backoff,
  ) {
    super(withRequestTimeout(client.config, client.requestTimeoutMs, (agent) => this.agents.add(agent)));
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    let progressed = false;
    let failure: { code?: number; message?: string } | undefined;
    const query = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
    return super.watch(
      path,
      query,
      (phase, object, raw) => {
        if (phase === 'ERROR') failure = object as typeof failure;
        else {
          progressed = true;
          this.backoff.progressed();
        }
        callback(phase, object, raw);
      },
      (error: unknown) => void this.next(error, failure, progressed).then(done),
    );
  }

  /** Destroys the connections of watches still open or connecting. */
  abandon(): void {
    for (const agent of this.agents) agent.destroy();
    this.agents.clear();
  }

  /** What ListWatch hears when a watch ends, once the backoff has passed. */
  private async next(error: unknown, failure: { code?: number; message?: string } | undefined, progressed: boolean): Promise<unknown> {
    if (failure?.code === 410 || httpStatus(error) === 410) {
      // ListWatch lists again: the version it watched from is gone from the server's history.
      if (await this.backoff.before('after a failure')) return error;
      return new ClusterError(
        `the API server ${this.client.server} answered 410 Gone (resourceVersion too old) to ${this.backoff.failed} watches of ${this.client.path} in a row, each after a fresh list; giving up`,
        { final: true },
      );
    }
    if (failure)
      return new ClusterError(`watching ${this.client.path} failed: ${failure.message ?? `code ${failure.code}`}`, {
        status: failure.code,
      });
    if (error) {
      if ((error as { type?: unknown }).type === 'request-timeout') {
        return new ClusterError(
          `the API server ${this.client.server} did not answer a watch of ${this.client.path} within ${formatDuration(this.client.requestTimeoutMs)} (--request-timeout)`,
        );
      }
      return error;
    }
    // Ended by the server with nothing to say: resume from the same version, but not in a busy loop.
    if (!progressed) await this.backoff.before('after a quiet watch');
    return null;
  }
}

/**
 * The kubeconfig as Watch reads it, with node-fetch's `timeout` (until the
 * response starts; the stream is bounded by timeoutSeconds) and each
 * request's agent handed out so that a watch still connecting can be abandoned.
 */
function withRequestTimeout(config: KubeConfig, timeoutMs: number, onAgent: (agent: Agent) => void): KubeConfig {
  const bounded = Object.create(config) as KubeConfig;
  bounded.applyToFetchOptions = async (options) => {
    const init = await config.applyToFetchOptions(options);
    if (init.agent && typeof init.agent === 'object') onAgent(init.agent as Agent);
    return Object.assign(init, { timeout: timeoutMs });
  };
  return bounded;
}
