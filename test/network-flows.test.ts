/**
 * network-flows: the NetworkPolicies admit every flow the platform needs and
 * nothing else. On dev as it was rendered before the ACME fix, on every
 * environment as the constructs render it now, and on variations of it that
 * each break one piece of NetworkPolicy semantics (no kustomize: in memory).
 */
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { EnvFileSchema, type EnvFileInput } from '../src/config/schema.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { validateManifests } from '../src/validate/index.ts';
import { REPO_ROOT } from './support/repo.ts';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The network-flows findings, as "<resource>: <message>". */
function flows(manifests: readonly Manifest[]): string[] {
  const report = validateManifests({ scopes: [{ name: 'test', manifests }] });
  return report.findings.filter((f) => f.ruleId === 'network-flows').map((f) => `${f.resource.kind}/${f.resource.name}: ${f.message}`);
}

/** Only the flow part of each finding: "a → b TCP 1: needed" or "…: admitted". */
const summary = (findings: string[]) => findings.map((f) => f.replace(/^[^:]+: /, '').replace(/ \(.*$/, ''));

function environment(overrides: Partial<EnvFileInput> = {}): Manifest[] {
  const parsed = EnvFileSchema.parse({ route: { host: 'test.hivebox.example.com' }, ...overrides });
  return renderEnvironment(resolveEnvironment('test', 'envs/test/env.yaml', parsed));
}

/** The current render with one change to a copy of it. */
function changed(change: (manifests: Mutable[]) => void, overrides: Partial<EnvFileInput> = {}): Manifest[] {
  const manifests = structuredClone(environment(overrides)) as Mutable[];
  change(manifests);
  return manifests as unknown as Manifest[];
}

const policy = (manifests: Mutable[], name: string): Mutable => {
  const found = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === name);
  if (!found) throw new Error(`no NetworkPolicy ${name}`);
  return found;
};
const without = (name: string) => (manifests: Mutable[]) => manifests.splice(manifests.indexOf(policy(manifests, name)), 1);
const add = (name: string, spec: Mutable) => (manifests: Mutable[]) =>
  manifests.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'hivebox-test' }, spec });
const app = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });

describe('what the constructs render now', () => {
  for (const env of loadEnvironments(REPO_ROOT)) {
    it(`${env.name} admits exactly the flows it needs`, () => {
      expect(flows(renderEnvironment(env))).toEqual([]);
    });
  }

  it('an environment with external Valkey and MinIO too', () => {
    expect(
      flows(
        environment({
          valkey: { mode: 'external', host: 'cache.example.com', port: 6380 },
          minio: { mode: 'external', endpoint: 's3.example.com:9443' },
        }),
      ),
    ).toEqual([]);
  });
});

describe('each needed flow must be admitted', () => {
  it("HiveBox, from the Gateway's Envoys (the HTTPRoute backend) and from Prometheus (the ServiceMonitor)", () => {
    expect(flows(changed(without('allow-gateway-to-hivebox')))).toEqual([
      'HTTPRoute/hivebox: the Gateway → pod hivebox TCP 8000: needed (HTTPRoute hivebox routes to it) but no NetworkPolicy admits it (ingress to pod hivebox is limited by allow-prometheus-to-hivebox, default-deny)',
    ]);
    expect(flows(changed(without('allow-prometheus-to-hivebox')))).toEqual([
      'ServiceMonitor/hivebox: Prometheus → pod hivebox TCP 8000: needed (ServiceMonitor hivebox scrapes it) but no NetworkPolicy admits it (ingress to pod hivebox is limited by allow-gateway-to-hivebox, default-deny)',
    ]);
  });

  it('the backend the HTTPRoute names, on the Service port it names', () => {
    const elsewhere = changed((m) => (m.find((r) => r.kind === 'HTTPRoute')!.spec.rules[0].backendRefs[0].port = 8080));
    // No Service port 8080: the route needs nothing, and the Gateway's allowance is left over.
    expect(summary(flows(elsewhere))).toEqual(['the Gateway → pod hivebox TCP 8000: admitted']);
  });

  it('DNS, over UDP and TCP, for the pods that resolve names', () => {
    expect(summary(flows(changed(without('allow-dns'))))).toEqual([
      'pod hivebox → kube-dns UDP 53: needed',
      'pod hivebox → kube-dns TCP 53: needed',
      'pod minio-bucket → kube-dns UDP 53: needed',
      'pod minio-bucket → kube-dns TCP 53: needed',
    ]);
    // TCP only is not enough (large answers and retries over TCP).
    const udpOnly = changed((m) => policy(m, 'allow-dns').spec.egress[0].ports.pop());
    expect(summary(flows(udpOnly))).toEqual(['pod hivebox → kube-dns TCP 53: needed', 'pod minio-bucket → kube-dns TCP 53: needed']);
  });

  it('the data stores, on both ends, and the bucket Job → MinIO', () => {
    expect(summary(flows(changed(without('allow-valkey-from-hivebox'))))).toEqual(['pod hivebox → pod valkey TCP 6379: needed']);
    expect(summary(flows(changed(without('allow-minio-from-hivebox'))))).toEqual([
      'pod hivebox → pod minio TCP 9000: needed',
      'pod minio-bucket → pod minio TCP 9000: needed',
    ]);
  });

  it('external endpoints, read from the rendered settings', () => {
    const external = { valkey: { mode: 'external', host: 'cache.example.com', port: 6380 } } as const;
    const findings = flows(changed((m) => (policy(m, 'allow-hivebox-to-valkey').spec.egress[0].ports[0].port = 6379), external));
    expect(findings).toEqual([
      'Deployment/hivebox: pod hivebox → external Valkey cache.example.com:6380 TCP 6380: needed (Valkey at cache.example.com:6380 (VALKEY_HOST, VALKEY_PORT)) but no NetworkPolicy admits it (egress from pod hivebox is limited by allow-dns, allow-hivebox-to-minio, allow-hivebox-to-opensensemap, allow-hivebox-to-valkey, default-deny)',
    ]);
  });
});

describe('nothing else may be admitted', () => {
  it("only the Gateway's Envoys, not every pod of their namespace (cert-manager's ACME solver runs there)", () => {
    const wholeNamespace = changed((m) => delete policy(m, 'allow-gateway-to-hivebox').spec.ingress[0].from[0].podSelector);
    expect(summary(flows(wholeNamespace))).toEqual(["cert-manager's ACME solver beside the Gateway → pod hivebox TCP 8000: admitted"]);
  });

  it('a policy that opens HiveBox to every namespace', () => {
    const open = changed(
      add('allow-all-namespaces-to-hivebox', {
        podSelector: app('hivebox'),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: {} }] }],
      }),
    );
    // Every pod of every namespace, on HiveBox's port; but not the internet (a namespaceSelector selects pods only).
    expect(summary(flows(open))).toEqual([
      "cert-manager's ACME solver beside the Gateway → pod hivebox TCP 8000: admitted",
      'kube-dns → pod hivebox TCP 8000: admitted',
      'pod hivebox in another namespace → pod hivebox TCP 8000: admitted',
      'pod minio in another namespace → pod hivebox TCP 8000: admitted',
      'pod minio-bucket in another namespace → pod hivebox TCP 8000: admitted',
      'pod valkey in another namespace → pod hivebox TCP 8000: admitted',
    ]);
    expect(flows(open)[0]).toMatch(
      /^NetworkPolicy\/allow-all-namespaces-to-hivebox: .*admitted \(ingress by NetworkPolicy allow-all-namespaces-to-hivebox\) but nothing needs it$/,
    );
  });

  it('an empty from admits every source, the internet included', () => {
    const open = changed(
      add('allow-all-to-valkey', { podSelector: app('valkey'), policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 6379 }] }] }),
    );
    expect(summary(flows(open))).toContain('the internet → pod valkey TCP 6379: admitted');
    expect(summary(flows(open))).toContain('the Gateway → pod valkey TCP 6379: admitted');
  });

  it('a pod selected by no policy for a direction is not isolated for it', () => {
    const open = changed((m) => (policy(m, 'default-deny').spec.podSelector = app('hivebox')));
    // Valkey and MinIO keep an ingress policy each, but nothing limits their egress any more.
    expect(summary(flows(open))).toContain('pod valkey → the internet TCP 443: admitted');
    expect(summary(flows(open))).toContain('pod minio → Prometheus TCP 9090: admitted');
    expect(summary(flows(open))).not.toContain('pod hivebox → the internet TCP 80: admitted');
  });
});

describe('NetworkPolicy semantics', () => {
  it('a named port is resolved against the destination pod', () => {
    const named = (name: string) =>
      changed((m) => {
        policy(m, 'allow-valkey-from-hivebox').spec.ingress[0].ports[0].port = name;
        policy(m, 'allow-hivebox-to-valkey').spec.egress[0].ports[0].port = name;
      });
    expect(flows(named('valkey'))).toEqual([]); // Valkey's container port "valkey" is 6379
    expect(summary(flows(named('redis')))).toEqual(['pod hivebox → pod valkey TCP 6379: needed']);
    // ...the destination's: HiveBox's own port is named "http", which names nothing on Valkey.
    expect(summary(flows(named('http')))).toEqual(['pod hivebox → pod valkey TCP 6379: needed']);
  });

  it('a port range (endPort) admits the ports inside it only', () => {
    const range = (port: number, endPort: number) =>
      changed((m) => Object.assign(policy(m, 'allow-valkey-from-hivebox').spec.ingress[0].ports[0], { port, endPort }));
    expect(flows(range(6000, 6999))).toEqual([]);
    expect(summary(flows(range(6380, 6999)))).toEqual(['pod hivebox → pod valkey TCP 6379: needed']);
  });

  it('a port without protocol is TCP', () => {
    expect(flows(changed((m) => delete policy(m, 'allow-valkey-from-hivebox').spec.ingress[0].ports[0].protocol))).toEqual([]);
    const udp = changed((m) => (policy(m, 'allow-valkey-from-hivebox').spec.ingress[0].ports[0].protocol = 'UDP'));
    expect(summary(flows(udp))).toEqual(['pod hivebox → pod valkey TCP 6379: needed']);
  });

  it("an ipBlock's except takes addresses out of its cidr", () => {
    // An except that holds the public address HiveBox reaches openSenseMap at.
    const excepted = changed((m) => policy(m, 'allow-hivebox-to-opensensemap').spec.egress[0].to[0].ipBlock.except.push('203.0.113.0/24'));
    expect(summary(flows(excepted))).toEqual(['pod hivebox → the internet TCP 443: needed']);
    // And the other way round: an egress to "anywhere but there" does not admit there.
    const anywhereBut = (except: string[]) =>
      changed(
        add('allow-valkey-out', {
          podSelector: app('valkey'),
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except } }], ports: [{ port: 443 }] }],
        }),
      );
    expect(flows(anywhereBut(['203.0.113.0/24']))).toEqual([]);
    expect(summary(flows(anywhereBut([])))).toEqual(['pod valkey → the internet TCP 443: admitted']);
  });

  it('an ipBlock never selects pods, and a pod selector never selects addresses', () => {
    const ipOnly = changed(
      add('allow-anything-to-valkey', {
        podSelector: app('valkey'),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
      }),
    );
    expect(summary(flows(ipOnly))).toEqual(['the internet → pod valkey TCP 6379: admitted']);
  });

  it('a policy without policyTypes affects Ingress, and Egress too when it has egress rules', () => {
    const untyped = changed(add('valkey-out', { podSelector: app('valkey'), egress: [{ ports: [{ port: 443 }] }] }));
    expect(summary(flows(untyped))).toEqual(['pod valkey → the internet TCP 443: admitted']);
    // Its Ingress half, with no ingress rules, isolates and admits nothing more: Valkey still takes HiveBox only.
    const ingressOnly = changed(add('valkey-in', { podSelector: app('valkey'), ingress: [{}] }));
    expect(summary(flows(ingressOnly))).toContain('the Gateway → pod valkey TCP 6379: admitted');
    expect(summary(flows(ingressOnly)).filter((f) => f.startsWith('pod valkey →'))).toEqual([]);
    // Without egress rules it leaves egress alone: with default-deny on HiveBox only, Valkey's egress stays open.
    const egressOpen = changed((m) => {
      policy(m, 'default-deny').spec.podSelector = app('hivebox');
      add('valkey-in', { podSelector: app('valkey'), ingress: [{ from: [{ podSelector: app('hivebox') }] }] })(m);
    });
    expect(summary(flows(egressOpen))).toContain('pod valkey → the internet TCP 443: admitted');
  });

  it('rules of a direction the policy does not list are ignored', () => {
    expect(flows(changed(add('valkey-typed', { podSelector: app('valkey'), policyTypes: ['Egress'], ingress: [{}] })))).toEqual([]);
  });

  it('a namespaceSelector with a podSelector selects those pods in those namespaces only', () => {
    const both = changed(
      add('allow-hivebox-anywhere-to-valkey', {
        podSelector: app('valkey'),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: app('hivebox') }], ports: [{ port: 6379 }] }],
      }),
    );
    expect(summary(flows(both))).toEqual(['pod hivebox in another namespace → pod valkey TCP 6379: admitted']);
  });
});
