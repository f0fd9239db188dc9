/**
 * Reading Argo CD Applications through the Kubernetes API with
 * @kubernetes/client-node, and turning every way that can fail into one
 * message a person can act on.
 */
import { ApiException, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Application } from './application.ts';

const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';
const PLURAL = 'applications';

/**
 * Where client-node's KubeConfig.loadFromDefault looks after $KUBECONFIG (1.4.0, dist/config.js):
 * $HOME/.kube/config, then a pod's service account. With none of them it would fall back to
 * http://localhost:8080, and status would report a refused connection instead of the real problem.
 */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function homeKubeconfig(env: ConnectOptions['env']): string | undefined {
  const home = env.HOME || env.USERPROFILE;
  return home ? join(home, '.kube', 'config') : undefined;
}

function defaultKubeconfig(env: ConnectOptions['env']): string | undefined {
  const file = homeKubeconfig(env);
  return file && existsSync(file) ? file : undefined;
}

function noKubeconfig(env: ConnectOptions['env']): string {
  const home = homeKubeconfig(env);
  return `no kubeconfig found: looked at $KUBECONFIG (not set), ${home ?? '~/.kube/config ($HOME not set)'} (no such file) and a pod's service account (${SERVICE_ACCOUNT_TOKEN}: not in a pod); pass --kubeconfig <path> or set KUBECONFIG`;
}

/** The cluster could not answer the question: exit 2, as nothing was checked. */
export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface ConnectOptions {
  /** A kubeconfig file; otherwise $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ApplicationSnapshot {
  readonly items: ReadonlyMap<string, Application>;
  readonly resourceVersion: string | undefined;
}

export type WatchEvent = { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly application: Application };

export class ArgoCdApplications {
  private readonly api: CustomObjectsApi;
  private readonly server: string;

  private constructor(
    private readonly config: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = config.makeApiClient(CustomObjectsApi);
    this.server = config.getCurrentCluster()?.server ?? '(no server)';
  }

  static connect(options: ConnectOptions): ArgoCdApplications {
    const config = new KubeConfig();
    const file = options.kubeconfig ?? options.env.KUBECONFIG?.split(delimiter).find(Boolean) ?? defaultKubeconfig(options.env);
    try {
      if (file) config.loadFromFile(file);
      else if (existsSync(SERVICE_ACCOUNT_TOKEN)) config.loadFromCluster();
      else throw new ClusterError(noKubeconfig(options.env));
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      throw new ClusterError(`cannot read kubeconfig ${file ?? SERVICE_ACCOUNT_TOKEN}: ${(error as Error).message}`);
    }
    if (options.context !== undefined) {
      if (!config.getContextObject(options.context)) {
        const known = config.getContexts().map((c) => c.name);
        throw new ClusterError(`--context: kubeconfig ${file ?? '(default)'} has no context "${options.context}"; it has ${known.length ? known.join(', ') : 'none'}`);
      }
      config.setCurrentContext(options.context);
    }
    if (!config.getCurrentCluster()) {
      throw new ClusterError(`kubeconfig ${file ?? '(default)'} has no current context with a cluster; pass --context <name> or --kubeconfig <path>`);
    }
    return new ArgoCdApplications(config, options.namespace);
  }

  /** Lists the Applications in the namespace, with the resourceVersion a watch resumes from. */
  async list(): Promise<ApplicationSnapshot> {
    let list: { metadata?: { resourceVersion?: string }; items?: Application[] };
    try {
      list = (await this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: PLURAL })) as typeof list;
    } catch (error) {
      throw this.explain(error);
    }
    const items = new Map<string, Application>();
    for (const item of list.items ?? []) if (item.metadata?.name) items.set(item.metadata.name, item);
    return { items, resourceVersion: list.metadata?.resourceVersion };
  }

  /**
   * Watches the Applications from a resourceVersion. Resolves when the server
   * ends the watch (normal: watches time out) with `expired` when the version
   * is too old to resume from (410 Gone), so the caller lists again.
   */
  watch(resourceVersion: string | undefined, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<{ expired: boolean }> {
    return new Promise((resolve, reject) => {
      let expired = false;
      let failure: Error | undefined;
      const path = `/apis/${GROUP}/${VERSION}/namespaces/${this.namespace}/${PLURAL}`;
      const query = { allowWatchBookmarks: true, ...(resourceVersion ? { resourceVersion } : {}) };
      const done = (error: unknown) => {
        signal.removeEventListener('abort', abort);
        if (failure) reject(failure);
        else if (error && !signal.aborted && !isAbort(error)) reject(this.explain(error));
        else resolve({ expired });
      };
      let controller: AbortController | undefined;
      const abort = () => controller?.abort();
      signal.addEventListener('abort', abort);
      new Watch(this.config)
        .watch(
          path,
          query,
          (type: string, object: unknown) => {
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              onEvent({ type, application: object as Application });
            } else if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              if (status.code === 410) expired = true;
              else failure = new ClusterError(`watching ${PLURAL}.${GROUP} failed: ${status.message ?? `code ${status.code}`}`);
              controller?.abort();
            }
          },
          done,
        )
        .then((c) => {
          controller = c;
          if (signal.aborted) c.abort();
        }, reject);
    });
  }

  /** One message per way reading Applications fails: unreachable, credentials, permissions, no Argo CD. */
  private explain(error: unknown): Error {
    const resource = `${PLURAL}.${GROUP}/${VERSION} in namespace ${this.namespace}`;
    const code = error instanceof ApiException ? error.code : (error as { statusCode?: number }).statusCode;
    const detail = statusMessage(error);
    switch (code) {
      case 401:
        return new ClusterError(`the API server ${this.server} rejected the credentials (401 Unauthorized); refresh the kubeconfig's token or certificate${detail}`);
      case 403:
        return new ClusterError(`not allowed to read ${resource} (403 Forbidden); the identity needs get, list and watch on applications.argoproj.io${detail}`);
      case 404:
        return new ClusterError(`the API server ${this.server} has no ${PLURAL}.${GROUP}/${VERSION} (404): Argo CD's CRDs are not installed; bootstrap the cluster first (docs/runbooks/bootstrap-a-cluster.md)`);
      case undefined:
        break;
      default:
        return new ClusterError(`reading ${resource} failed: HTTP ${code}${detail}`);
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

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown }).name === 'AbortError' || (error as { type?: unknown }).type === 'aborted';
}
