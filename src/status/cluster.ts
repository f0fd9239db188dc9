/**
 * Reading Argo CD Applications through the Kubernetes API with
 * @kubernetes/client-node, every request bounded by a timeout, and turning
 * every way that can fail into one message a person can act on.
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  type KubernetesListObject,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { Application } from './application.ts';
import { formatDuration } from './duration.ts';
import { KubeconfigError, loadKubeconfig } from './kubeconfig.ts';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'applications';
/** kubectl waits forever by default (--request-timeout 0); a gate in CI must not, so 30 s, as client-node 2.0's Watch. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The cluster could not answer the question: exit 2, as nothing was checked. */
export class ClusterError extends Error {
  /** The HTTP status the server answered, if it answered. */
  readonly status: number | undefined;
  /** Trying again cannot help (retries already used up). */
  readonly final: boolean;

  constructor(message: string, options: { readonly status?: number | undefined; readonly final?: boolean } = {}) {
    super(message);
    this.name = 'ClusterError';
    this.status = options.status;
    this.final = options.final ?? false;
  }
}

export interface ConnectOptions {
  /** A kubeconfig file read alone; otherwise the $KUBECONFIG files merged as kubectl merges them, or ~/.kube/config. */
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * How long one request may take before it is abandoned (a watch: until its response starts).
   * @default DEFAULT_REQUEST_TIMEOUT_MS
   */
  readonly requestTimeoutMs?: number | undefined;
}

export interface ApplicationSnapshot {
  readonly items: ReadonlyMap<string, Application>;
  readonly resourceVersion: string | undefined;
}

export type ApplicationList = KubernetesListObject<Application & { metadata: object }>;

export class ArgoCdApplications {
  private readonly api: CustomObjectsApi;
  readonly server: string;
  /** The collection's path, as a watch or an informer takes it. */
  readonly path: string;

  private constructor(
    readonly config: KubeConfig,
    readonly namespace: string,
    readonly requestTimeoutMs: number,
  ) {
    this.api = config.makeApiClient(CustomObjectsApi);
    this.server = config.getCurrentCluster()?.server ?? '(no server)';
    this.path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
  }

  static connect(options: ConnectOptions): ArgoCdApplications {
    let config: KubeConfig;
    let file: string;
    try {
      ({ config, source: file } = loadKubeconfig(options.kubeconfig, options.env));
    } catch (error) {
      throw new ClusterError(error instanceof KubeconfigError ? error.message : `cannot read kubeconfig: ${(error as Error).message}`);
    }
    if (options.context !== undefined) {
      if (!config.getContextObject(options.context)) {
        const known = config.getContexts().map((c) => c.name);
        throw new ClusterError(
          `--context: kubeconfig ${file} has no context "${options.context}"; it has ${known.length ? known.join(', ') : 'none'}`,
        );
      }
      config.setCurrentContext(options.context);
    }
    if (!config.getCurrentCluster()) {
      throw new ClusterError(`kubeconfig ${file} has no current context with a cluster; pass --context <name> or --kubeconfig <path>`);
    }
    return new ArgoCdApplications(config, options.namespace, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  }

  /** Lists the Applications in the namespace, with the resourceVersion a watch resumes from. */
  async list(signal?: AbortSignal): Promise<ApplicationSnapshot> {
    const list = await this.listObjects(signal);
    const items = new Map<string, Application>();
    for (const item of list.items ?? []) if (item.metadata?.name) items.set(item.metadata.name, item);
    return { items, resourceVersion: list.metadata?.resourceVersion };
  }

  /**
   * One list request, abandoned when `signal` aborts, after the request timeout,
   * or when the server closes the connection before the end of its answer.
   */
  async listObjects(signal?: AbortSignal): Promise<ApplicationList> {
    const request = new AbortController();
    const what = `GET ${this.path}`;
    const timer = setTimeout(
      () =>
        request.abort(
          new ClusterError(
            `the API server ${this.server} did not answer ${what} within ${formatDuration(this.requestTimeoutMs)} (--request-timeout)`,
          ),
        ),
      this.requestTimeoutMs,
    );
    const stop = () => request.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    // The generated client sets the request's agent before the middleware runs: one agent per request.
    // Like client-node's own setHeaderMiddleware (dist/middleware.js): the object API takes Observable middleware.
    const middleware: ObservableMiddleware = {
      pre: (context) => {
        context.setSignal(request.signal);
        const agent = context.getAgent();
        if (agent)
          abortOnTruncation(
            agent,
            request,
            () =>
              new ClusterError(
                `the API server ${this.server} closed the connection before the end of its answer to ${what}; it or a proxy in between dropped it`,
              ),
          );
        return new Observable(Promise.resolve(context));
      },
      post: (response) => new Observable(Promise.resolve(response)),
    };
    try {
      const options = { middleware: [middleware], middlewareMergeStrategy: 'append' as const };
      return (await this.api.listNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: this.namespace, plural: PLURAL },
        options,
      )) as ApplicationList;
    } catch (error) {
      // node-fetch answers every abort with the same AbortError: the reason says which it was.
      if (request.signal.aborted && request.signal.reason instanceof Error) throw request.signal.reason;
      throw this.explain(error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  }

  /** One message per way reading Applications fails: unreachable, credentials, permissions, no Argo CD. */
  explain(error: unknown): ClusterError {
    if (error instanceof ClusterError) return error;
    const resource = `${PLURAL}.${GROUP}/${VERSION} in namespace ${this.namespace}`;
    const code = httpStatus(error);
    const detail = statusMessage(error);
    const answered = (message: string) => new ClusterError(message, { status: code });
    switch (code) {
      case 401:
        return answered(
          `the API server ${this.server} rejected the credentials (401 Unauthorized); refresh the kubeconfig's token or certificate${detail}`,
        );
      case 403:
        return answered(
          `not allowed to read ${resource} (403 Forbidden); the identity needs get, list and watch on applications.argoproj.io${detail}`,
        );
      case 404:
        return answered(
          `the API server ${this.server} has no ${PLURAL}.${GROUP}/${VERSION} (404): Argo CD's CRDs are not installed; bootstrap the cluster first (docs/runbooks/bootstrap-a-cluster.md)`,
        );
      case undefined:
        break;
      default:
        return answered(`reading ${resource} failed: HTTP ${code}${detail}`);
    }
    const cause = networkCause(error);
    if (cause) return new ClusterError(`cannot reach the API server ${this.server}: ${cause}`);
    return new ClusterError(`reading ${resource} from ${this.server} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function statusMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return '';
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? `: ${message}` : '';
}

/** A connection failure (refused, DNS, TLS, timeout) rather than an HTTP answer. */
function networkCause(error: unknown): string | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^(E[A-Z_]+|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_TLS)/.test(code)) {
      return `${code}${typeof message === 'string' ? ` (${message})` : ''}`;
    }
    if ((current as { type?: unknown }).type === 'system' && typeof message === 'string') return message;
  }
  return undefined;
}

/** The HTTP status of a failed request: an ApiException from a list, a statusCode from a watch. */
export function httpStatus(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : (error as { statusCode?: number } | undefined)?.statusCode;
}

/**
 * node-fetch 2.7 (client-node 1.4's HTTP client) notices a connection closed
 * in the middle of a chunked body, but not of one with a Content-Length: its
 * body then never ends and the promise never settles (lib/index.mjs,
 * fixResponseChunkedTransferBadEnding handles chunked only). Node's
 * IncomingMessage.complete says whether the whole message arrived.
 */
function abortOnTruncation(agent: Agent, request: AbortController, reason: () => Error): void {
  const addRequest = (agent as unknown as { addRequest: (req: ClientRequest, ...rest: unknown[]) => void }).addRequest;
  Object.assign(agent, {
    addRequest(this: Agent, req: ClientRequest, ...rest: unknown[]) {
      req.once('response', (res: IncomingMessage) => res.once('close', () => !res.complete && request.abort(reason())));
      return addRequest.call(this, req, ...rest);
    },
  });
}
