/**
 * An in-process stand-in for the Kubernetes API server, answering the Argo CD
 * Application endpoints with the shapes a real one uses: ApplicationList with
 * metadata.resourceVersion, single objects, newline-delimited watch events and
 * `Status` objects for errors. HTTPS on 127.0.0.1 and a random port, with a
 * certificate made for the run that the kubeconfig trusts (so TLS is verified
 * as with a real cluster). It can also misbehave: hang, drop watches, answer
 * 410 Gone forever, cut a body short.
 */
import { execFileSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export const TOKEN = 'test-token';
const COLLECTION = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/applications(?:\/([^/]+))?$/;

type Application = { metadata: { name: string; namespace?: string; resourceVersion?: string }; [key: string]: unknown };
type Failure = { code: 401 | 403 | 404 | 500; reason: string; message: string };
/**
 * - `hang`: accepts every request and never answers;
 * - `hang-watches`: answers lists, accepts watches and never answers them;
 * - `gone`: answers every watch with a 410 Gone event (as for a resourceVersion too old), then ends it;
 * - `truncate-lists`: sends a list's headers (with its Content-Length) and half its body, then closes the connection.
 */
export type Misbehaviour = 'hang' | 'hang-watches' | 'gone' | 'truncate-lists';

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
  /** Resolves once a watch connection is open (with `hang-watches`: once a watch was asked for). */
  nextWatch(): Promise<void>;
  /** Ends open watches the way a server's watch timeout does. */
  endWatches(): void;
  /** Sends open watches the 410 Gone a server sends when their resourceVersion is too old to resume. */
  expireWatches(): void;
  /** Runs once, right after the next list answer has been sent (a change racing the watch). */
  afterNextList(action: () => void): void;
  /** Misbehaves this way from now on (undefined: behaves again). */
  misbehave(how: Misbehaviour | undefined): void;
  /** Drops open watches without ending them (the connection is reset, as when a proxy or the network fails). */
  dropWatches(): void;
  /** How many client connections are open now. */
  connections(): Promise<number>;
  /** Closes the port (the kubeconfig stays, pointing at nothing). */
  stopListening(): Promise<void>;
  /** Closes the port and removes the kubeconfig. */
  close(): Promise<void>;
}

export const FAILURES = {
  unauthorized: { code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
  forbidden: {
    code: 403,
    reason: 'Forbidden',
    message:
      'applications.argoproj.io is forbidden: User "system:serviceaccount:ci:status" cannot list resource "applications" in API group "argoproj.io" in the namespace "argocd"',
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
  let misbehaviour: Misbehaviour | undefined;
  const watchWaiters: Array<() => void> = [];
  const requests: string[] = [];

  const store = (app: Application): Application => {
    const stored = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      ...app,
      metadata: { namespace: 'argocd', ...app.metadata, resourceVersion: String(++version) },
    };
    apps.set(`${stored.metadata.namespace}/${stored.metadata.name}`, stored);
    return stored;
  };
  for (const app of applications) store(app);

  const tls = certificate();
  const server = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(res, FAILURES.unauthorized);
    const match = COLLECTION.exec(url.pathname);
    if (!match) return status(res, { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    if (failure) return status(res, failure);
    const watching = url.searchParams.get('watch') === 'true';
    if (misbehaviour === 'hang-watches' && watching) for (const resolve of watchWaiters.splice(0)) resolve();
    if (misbehaviour === 'hang' || (misbehaviour === 'hang-watches' && watching)) return;
    const [, namespace, name] = match;
    const inNamespace = [...apps.values()].filter((app) => app.metadata.namespace === namespace);
    if (name) {
      const app = apps.get(`${namespace}/${name}`);
      if (!app) return status(res, { code: 404, reason: 'NotFound', message: `applications.argoproj.io "${name}" not found` });
      return json(res, 200, app);
    }
    if (watching && misbehaviour === 'gone') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      return res.end(`${JSON.stringify({ type: 'ERROR', object: GONE })}\n`);
    }
    if (watching) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const from = Number(url.searchParams.get('resourceVersion') ?? version);
      for (const event of events) if (event.version > from) res.write(event.line);
      watches.add(res);
      res.on('close', () => watches.delete(res));
      for (const resolve of watchWaiters.splice(0)) resolve();
      return;
    }
    const list = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationList',
      metadata: { resourceVersion: String(version) },
      items: inNamespace,
    };
    if (misbehaviour === 'truncate-lists') {
      const body = Buffer.from(JSON.stringify(list));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    json(res, 200, list);
    const action = afterList;
    afterList = undefined;
    action?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'hivebox-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `  - name: fake\n    cluster:\n      server: ${url}\n      certificate-authority-data: ${Buffer.from(tls.cert).toString('base64')}`,
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

  async function stopListening(): Promise<void> {
    for (const res of watches) res.end();
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

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
      for (const res of watches) res.end(`${JSON.stringify({ type: 'ERROR', object: GONE })}\n`);
    },
    misbehave(how) {
      misbehaviour = how;
    },
    dropWatches() {
      for (const res of watches) res.destroy();
    },
    afterNextList(action) {
      afterList = action;
    },
    connections() {
      return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    },
    stopListening,
    async close() {
      await stopListening();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Status a watch ends with when its resourceVersion is older than the server keeps (410 Gone, reason Expired). */
const GONE = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'too old resource version: 101 (150)',
  reason: 'Expired',
  code: 410,
};

let made: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1, made once per test process with openssl. */
function certificate(): { key: string; cert: string } {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'hivebox-kube-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    made = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
export function application(
  env: string,
  sync: string,
  health: string,
  options: { revision?: string; images?: string[] } = {},
): Application {
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
