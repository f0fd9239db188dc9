/**
 * An in-process stand-in for the Kubernetes API server, answering the Argo CD
 * Application endpoints with the shapes a real one uses: ApplicationList with
 * metadata.resourceVersion, single objects, newline-delimited watch events and
 * `Status` objects for errors. Plain HTTP on 127.0.0.1 and a random port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export const TOKEN = 'test-token';
const COLLECTION = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/applications(?:\/([^/]+))?$/;

type Application = { metadata: { name: string; namespace?: string; resourceVersion?: string }; [key: string]: unknown };
type Failure = { code: 401 | 403 | 404 | 500; reason: string; message: string };

export interface FakeKubeApi {
  readonly url: string;
  /** A kubeconfig file whose current context points here with a bearer token. */
  readonly kubeconfig: string;
  /** Every request, as "METHOD path?query". */
  readonly requests: string[];
  /** Creates or replaces an Application and tells open watches (ADDED or MODIFIED). */
  apply(app: Application): void;
  /** Answers every Argo CD request with this Status error from now on. */
  fail(failure: Failure): void;
  /** Resolves once a watch connection is open. */
  nextWatch(): Promise<void>;
  /** Ends open watches the way a server's watch timeout does. */
  endWatches(): void;
  /** Sends open watches the 410 Gone a server sends when their resourceVersion is too old to resume. */
  expireWatches(): void;
  /** Runs once, right after the next list answer has been sent (a change racing the watch). */
  afterNextList(action: () => void): void;
  /** Stops answering: the port closes, the kubeconfig stays (to test an unreachable server). */
  stop(): Promise<void>;
  /** Stops answering and removes the kubeconfig's folder. */
  close(): Promise<void>;
}

export const FAILURES = {
  unauthorized: { code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
  forbidden: {
    code: 403,
    reason: 'Forbidden',
    message: 'applications.argoproj.io is forbidden: User "system:serviceaccount:ci:status" cannot list resource "applications" in API group "argoproj.io" in the namespace "argocd"',
  },
  noCrd: { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' },
} as const satisfies Record<string, Failure>;

export async function startKubeApi(applications: readonly Application[] = []): Promise<FakeKubeApi> {
  const apps = new Map<string, Application>();
  let version = 100;
  let failure: Failure | undefined;
  const watches = new Set<ServerResponse>();
  // Every change as a watch event, so a watch from resourceVersion N first replays what came after N.
  const events: Array<{ version: number; line: string }> = [];
  let afterList: (() => void) | undefined;
  const watchWaiters: Array<() => void> = [];
  const requests: string[] = [];

  const store = (app: Application): Application => {
    const stored = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...app, metadata: { namespace: 'argocd', ...app.metadata, resourceVersion: String(++version) } };
    apps.set(`${stored.metadata.namespace}/${stored.metadata.name}`, stored);
    return stored;
  };
  for (const app of applications) store(app);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(res, FAILURES.unauthorized);
    const match = COLLECTION.exec(url.pathname);
    if (!match) return status(res, { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    if (failure) return status(res, failure);
    const [, namespace, name] = match;
    const inNamespace = [...apps.values()].filter((app) => app.metadata.namespace === namespace);
    if (name) {
      const app = apps.get(`${namespace}/${name}`);
      if (!app) return status(res, { code: 404, reason: 'NotFound', message: `applications.argoproj.io "${name}" not found` });
      return json(res, 200, app);
    }
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const from = Number(url.searchParams.get('resourceVersion') ?? version);
      for (const event of events) if (event.version > from) res.write(event.line);
      watches.add(res);
      res.on('close', () => watches.delete(res));
      for (const resolve of watchWaiters.splice(0)) resolve();
      return;
    }
    json(res, 200, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationList',
      metadata: { resourceVersion: String(version) },
      items: inNamespace,
    });
    const action = afterList;
    afterList = undefined;
    action?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'hivebox-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      // Plain HTTP is only accepted with TLS verification off; a real cluster is HTTPS.
      `  - name: fake\n    cluster:\n      server: ${url}\n      insecure-skip-tls-verify: true`,
      'users:',
      `  - name: ci\n    user:\n      token: ${TOKEN}`,
      `  - name: stranger\n    user:\n      token: wrong-token`,
      'contexts:',
      '  - name: fake\n    context:\n      cluster: fake\n      user: ci',
      '  - name: stranger\n    context:\n      cluster: fake\n      user: stranger',
      'current-context: fake',
      '',
    ].join('\n'),
  );

  const stop = async (): Promise<void> => {
    if (!server.listening) return;
    for (const res of watches) res.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url,
    kubeconfig,
    requests,
    apply(app) {
      const existed = apps.has(`${app.metadata.namespace ?? 'argocd'}/${app.metadata.name}`);
      const stored = store(app);
      const line = `${JSON.stringify({ type: existed ? 'MODIFIED' : 'ADDED', object: stored })}\n`;
      events.push({ version, line });
      for (const res of watches) res.write(line);
    },
    fail(next) {
      failure = next;
    },
    nextWatch() {
      return new Promise((resolve) => watchWaiters.push(resolve));
    },
    endWatches() {
      for (const res of watches) res.end();
    },
    expireWatches() {
      const gone = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
      for (const res of watches) res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
    },
    afterNextList(action) {
      afterList = action;
    },
    stop,
    async close() {
      try {
        await stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, failure: Failure): void {
  json(res, failure.code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: failure.message,
    reason: failure.reason,
    details: { group: 'argoproj.io', kind: 'applications' },
    code: failure.code,
  });
}

/** An Application as Argo CD reports it, with the status fields `status` reads. */
export function application(env: string, sync: string, health: string, options: { revision?: string; images?: string[] } = {}): Application {
  return {
    metadata: { name: `hivebox-${env}`, namespace: 'argocd' },
    spec: {
      project: 'hivebox',
      source: { repoURL: 'https://github.com/hivebox-platform/hivebox-gitops.git', targetRevision: 'main', path: `envs/${env}` },
      destination: { name: 'in-cluster', namespace: `hivebox-${env}` },
    },
    status: {
      sync: { status: sync, revision: options.revision ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      health: { status: health },
      summary: { images: options.images ?? ['ghcr.io/hivebox-platform/hivebox:v0.6.0', 'docker.io/valkey/valkey:8.0'] },
    },
  };
}
