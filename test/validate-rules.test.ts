/**
 * Every validate rule: a resource that breaks it and one that passes, on
 * in-memory manifests (validateManifests: no kustomize, no files).
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/kube/manifest.ts';
import { normalizer } from '../src/validate/checks/parity.ts';
import { RULES, validateManifests } from '../src/validate/index.ts';
import type { ValidationReport } from '../src/validate/types.ts';
import { compliantApp, DIGEST } from './fixtures/validate/manifests.ts';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function check(manifests: Manifest[], options: { requireDigest?: boolean; kubernetesVersion?: string } = {}): ValidationReport {
  return validateManifests({ scopes: [{ name: 'prod', manifests, ...options }] });
}

function ruleIds(report: ValidationReport): string[] {
  return [...new Set(report.findings.map((f) => f.ruleId))].sort();
}

/** The compliant app with one change; `find` picks the resource to change by kind. */
function broken(kind: string, change: (resource: Mutable) => void, extra: Manifest[] = []): Manifest[] {
  const manifests = structuredClone(compliantApp()) as Mutable[];
  change(manifests.find((m) => m.kind === kind)!);
  return [...(manifests as unknown as Manifest[]), ...extra];
}

const container = (deployment: Mutable): Mutable => deployment.spec.template.spec.containers[0];
const networkPolicy = (name: string, spec: Record<string, unknown>): Manifest =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'app' }, spec }) as unknown as Manifest;
const denyEgress = () => networkPolicy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const openToAllNamespaces = () =>
  networkPolicy('allow-all-namespaces-to-web', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: {} }] }],
  });
const pod = (deployment: Mutable): Mutable => deployment.spec.template.spec;
const ingress = (): Manifest =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      rules: [
        {
          host: 'web.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
        },
      ],
    },
  }) as unknown as Manifest;

describe('the compliant fixture', () => {
  it('passes every rule, even where digests are required', () => {
    expect(check(compliantApp(), { requireDigest: true }).findings).toEqual([]);
  });
});

const CASES: Array<[rule: string, what: string, manifests: () => Manifest[]]> = [
  ['schema-unknown-field', 'a misspelt field', () => broken('Deployment', (d) => (d.spec.replica = 2))],
  ['schema-invalid', 'a port that is not a number', () => broken('Service', (s) => (s.spec.ports[0].nodePort = 'eighty'))],
  [
    'schema-unknown-kind',
    'a kind without a schema',
    () => [...compliantApp(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'app' } } as Manifest],
  ],
  [
    'api-removed',
    'policy/v1beta1 PodDisruptionBudget on 1.31',
    () => broken('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1beta1')),
  ],
  ['pss-privileged', 'a privileged container', () => broken('Deployment', (d) => (container(d).securityContext.privileged = true))],
  ['pss-host-namespaces', 'hostNetwork', () => broken('Deployment', (d) => (pod(d).hostNetwork = true))],
  ['pss-host-ports', 'a hostPort', () => broken('Deployment', (d) => (container(d).ports[0].hostPort = 8080))],
  [
    'pss-host-path',
    'a hostPath volume',
    () => broken('Deployment', (d) => pod(d).volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } })),
  ],
  [
    'pss-volume-types',
    'an nfs volume',
    () => broken('Deployment', (d) => pod(d).volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } })),
  ],
  [
    'pss-capabilities',
    'capabilities not dropped',
    () => broken('Deployment', (d) => (container(d).securityContext.capabilities = { add: ['NET_ADMIN'] })),
  ],
  [
    'pss-privilege-escalation',
    'allowPrivilegeEscalation unset',
    () => broken('Deployment', (d) => delete container(d).securityContext.allowPrivilegeEscalation),
  ],
  ['pss-run-as-non-root', 'runAsUser 0', () => broken('Deployment', (d) => (container(d).securityContext.runAsUser = 0))],
  // Pod Security "restricted" checks spec.securityContext.runAsUser on its own, whatever the containers set.
  ['pss-run-as-non-root', 'runAsUser 0 on the pod', () => broken('Deployment', (d) => (pod(d).securityContext.runAsUser = 0))],
  ['pss-seccomp', 'no seccomp profile', () => broken('Deployment', (d) => delete pod(d).securityContext.seccompProfile)],
  ['pss-proc-mount', 'an unmasked /proc', () => broken('Deployment', (d) => (container(d).securityContext.procMount = 'Unmasked'))],
  [
    'pss-selinux',
    'a custom SELinux user',
    () => broken('Deployment', (d) => (pod(d).securityContext.seLinuxOptions = { user: 'system_u' })),
  ],
  [
    'pss-apparmor',
    'AppArmor unconfined',
    () => broken('Deployment', (d) => (container(d).securityContext.appArmorProfile = { type: 'Unconfined' })),
  ],
  [
    'pss-sysctls',
    'an unsafe sysctl',
    () => broken('Deployment', (d) => (pod(d).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }])),
  ],
  [
    'pss-windows-host-process',
    'a HostProcess container',
    () => broken('Deployment', (d) => (container(d).securityContext.windowsOptions = { hostProcess: true })),
  ],
  [
    'pss-namespace',
    'a Namespace that enforces "privileged"',
    () => broken('Namespace', (n) => (n.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged')),
  ],
  [
    'pss-namespace',
    'a Namespace without the enforce label',
    () => broken('Namespace', (n) => delete n.metadata.labels['pod-security.kubernetes.io/enforce']),
  ],
  [
    'pss-namespace',
    'a Namespace pinned to an older profile',
    () => broken('Namespace', (n) => (n.metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'v1.22')),
  ],
  [
    'image-tag',
    'the latest tag (even with a digest)',
    () => broken('Deployment', (d) => (container(d).image = `ghcr.io/example/web:latest@${DIGEST}`)),
  ],
  ['image-tag', 'an untagged image', () => broken('Deployment', (d) => (container(d).image = 'ghcr.io/example/web'))],
  [
    'image-tag',
    'an untagged image on a registry with a port (the port is no tag)',
    () => broken('Deployment', (d) => (container(d).image = 'registry.local:5000/web')),
  ],
  [
    'image-digest',
    'no digest where one is required',
    () => broken('Deployment', (d) => (container(d).image = 'ghcr.io/example/web:v1.2.3')),
  ],
  [
    'secret-data',
    'a Secret with data',
    () => [
      ...compliantApp(),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'app' },
        stringData: { password: 'hunter2' },
      } as unknown as Manifest,
    ],
  ],
  ['service-account-token', 'a pod that mounts its token', () => broken('Deployment', (d) => (pod(d).automountServiceAccountToken = true))],
  [
    'service-account-token',
    'a ServiceAccount that lets pods mount its token',
    () => broken('ServiceAccount', (sa) => delete sa.automountServiceAccountToken),
  ],
  ['resources', 'no limits', () => broken('Deployment', (d) => delete container(d).resources.limits)],
  ['probes', 'no readiness probe', () => broken('Deployment', (d) => delete container(d).readinessProbe)],
  ['pod-disruption-budget', 'a replicated Deployment without a PDB', () => compliantApp().filter((m) => m.kind !== 'PodDisruptionBudget')],
  // No spec.replicas (it defaults to 1): the HPA's maxReplicas is what makes it replicated.
  [
    'pod-disruption-budget',
    'an HPA-scaled Deployment without a PDB',
    () => broken('Deployment', (d) => delete d.spec.replicas).filter((m) => m.kind !== 'PodDisruptionBudget'),
  ],
  [
    'service-selector',
    'a Service selecting no pods',
    () => [
      ...compliantApp(),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'canary', namespace: 'app' },
        spec: { selector: { 'app.kubernetes.io/name': 'webb' }, ports: [{ port: 80 }] },
      } as unknown as Manifest,
    ],
  ],
  [
    'hpa-target',
    'an HPA scaling a missing Deployment',
    () => broken('HorizontalPodAutoscaler', (h) => (h.spec.scaleTargetRef.name = 'api')),
  ],
  [
    'service-monitor-target',
    'a ServiceMonitor on a missing port',
    () => broken('ServiceMonitor', (s) => s.spec.endpoints.push({ port: 'metrics' })),
  ],
  // Split in two, the same isolation (network-flows is content) but no single default-deny policy.
  [
    'network-policy-default-deny',
    'no default-deny NetworkPolicy',
    () => broken('NetworkPolicy', (p) => (p.spec.policyTypes = ['Ingress']), [denyEgress()]),
  ],
  // An egress rule, even to an address outside the cluster only, makes it a policy that allows something.
  [
    'network-policy-default-deny',
    'the default-deny policy with an egress rule',
    () => broken('NetworkPolicy', (p) => (p.spec.egress = [{ to: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }])),
  ],
  ['network-flows', 'a policy that opens web to every namespace', () => [...compliantApp(), openToAllNamespaces()]],
  ['no-ingress', 'an Ingress left beside the HTTPRoute', () => [...compliantApp(), ingress()]],
  [
    'duplicate-env',
    'an environment variable set twice',
    () => broken('Deployment', (d) => container(d).env.push({ name: 'LOG_LEVEL', value: 'debug' })),
  ],
  [
    'waiver-invalid',
    'a waiver without a reason',
    () => broken('Deployment', (d) => (d.metadata.annotations = { 'hivebox.dev/waive.probes': ' ' })),
  ],
];

describe('each rule catches a resource that breaks it', () => {
  for (const [rule, what, manifests] of CASES) {
    it(`${rule}: ${what}`, () => {
      expect(ruleIds(check(manifests(), { requireDigest: !what.startsWith('an untagged') }))).toEqual([rule]);
    });
  }

  it('covers every rule (parity, api-deprecated and the repository-wide rules have their own tests)', () => {
    const elsewhere = [
      ...['parity', 'api-deprecated'],
      ...['convergence-waves', 'convergence-retry', 'convergence-crds', 'deletion-confirm'], // test/convergence.test.ts
      ...['platform-resources', 'chart-render-repeatable'], // test/platform-rules.test.ts
      'platform-pod-security', // test/platform-pod-security.test.ts
      ...['sync-window-invalid', 'sync-window-outside', 'sync-window-no-effect'], // test/sync-windows.test.ts
      ...['argocd-rbac', 'notification-subscription'], // test/argocd-rules.test.ts
      ...['waiver-expired', 'waiver-unused'], // test/waivers.test.ts
      ...['gateway-route-attached', 'gateway-certificate'], // test/gateway.test.ts
    ];
    const tested = new Set([...CASES.map(([rule]) => rule), ...elsewhere]);
    expect(RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});

describe('each rule lets a compliant variant pass', () => {
  const passes: Array<[string, () => Manifest[], { requireDigest?: boolean; kubernetesVersion?: string }?]> = [
    [
      'api-deprecated: v1 Endpoints before 1.33',
      () => [...compliantApp(), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'app' } } as Manifest],
      { kubernetesVersion: '1.32' },
    ],
    [
      'pss-capabilities: adding only NET_BIND_SERVICE',
      () => broken('Deployment', (d) => (container(d).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] })),
    ],
    [
      'pss-run-as-non-root: runAsNonRoot on the container only',
      () =>
        broken('Deployment', (d) => {
          delete pod(d).securityContext.runAsNonRoot;
          container(d).securityContext.runAsNonRoot = true;
        }),
    ],
    [
      'pss-seccomp: a Localhost profile on the container',
      () =>
        broken('Deployment', (d) => {
          delete pod(d).securityContext.seccompProfile;
          container(d).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
        }),
    ],
    [
      'pss-sysctls: a safe sysctl',
      () => broken('Deployment', (d) => (pod(d).securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }])),
    ],
    [
      'image-tag / image-digest: a tag without digest where no digest is required',
      () => broken('Deployment', (d) => (container(d).image = 'registry.local:5000/web:v1')),
      { requireDigest: false },
    ],
    [
      'secret-data: a Secret without data (filled in by a controller)',
      () => [
        ...compliantApp(),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'app' }, type: 'Opaque' } as Manifest,
      ],
    ],
    [
      'service-account-token: the pod inherits false from its ServiceAccount',
      () => broken('Deployment', (d) => delete pod(d).automountServiceAccountToken),
    ],
    ['probes: a Job needs none', () => [...compliantApp(), job()]],
    [
      'pod-disruption-budget: a single replica needs none',
      () =>
        compliantApp()
          .filter((m) => m.kind !== 'PodDisruptionBudget' && m.kind !== 'HorizontalPodAutoscaler')
          .map((m) => (m.kind === 'Deployment' ? ({ ...m, spec: { ...(m.spec as object), replicas: 1 } } as Manifest) : m)),
    ],
    [
      'service-selector: a numeric targetPort that a container declares',
      () => broken('Service', (s) => (s.spec.ports[0].targetPort = 8080)),
    ],
    [
      'pss-namespace: enforce-version latest',
      () => broken('Namespace', (n) => (n.metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'latest')),
    ],
    [
      'service-monitor-target: selecting by targetPort',
      () => broken('ServiceMonitor', (s) => (s.spec.endpoints[0] = { targetPort: 'http' })),
    ],
  ];
  for (const [what, manifests, options] of passes) {
    it(what, () => {
      const report = check(manifests(), { requireDigest: true, ...options });
      expect(report.findings).toEqual([]);
    });
  }

  function job(): Manifest {
    const app = compliantApp();
    const deployment = app.find((m) => m.kind === 'Deployment') as Mutable;
    const spec = structuredClone(pod(deployment));
    delete spec.containers[0].readinessProbe;
    delete spec.containers[0].livenessProbe;
    spec.restartPolicy = 'OnFailure';
    return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'app' }, spec: { template: { spec } } } as Manifest;
  }
});

describe('odd input', () => {
  it('a document without metadata is a schema finding, not a crash', () => {
    const report = check([{ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } as unknown as Manifest]);
    expect(report.findings.map((f) => [f.ruleId, f.path])).toEqual([['schema-invalid', 'metadata.name']]);
  });
});

describe('API lifecycle', () => {
  it('api-deprecated: reports v1 Endpoints from 1.33 on, as a warning', () => {
    const report = check(
      [...compliantApp(), { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'app' } } as Manifest],
      { kubernetesVersion: '1.33' },
    );
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([['api-deprecated', 'warning']]);
  });
});

describe('waivers', () => {
  const waived = (annotations: Record<string, string>) =>
    broken('Deployment', (d) => {
      delete container(d).readinessProbe;
      d.metadata.annotations = annotations;
    });

  it('a waiver with a reason silences the rule on that resource and is listed with its reason', () => {
    const report = check(waived({ 'hivebox.dev/waive.probes': 'batch worker: readiness means nothing here' }));
    expect(report.findings).toEqual([]);
    expect(report.waivers).toEqual([
      expect.objectContaining({
        ruleId: 'probes',
        scope: 'prod',
        reason: 'batch worker: readiness means nothing here',
        waived: 1,
        resource: expect.objectContaining({ kind: 'Deployment', name: 'web' }),
      }),
    ]);
  });

  it('a waiver only waives its own rule', () => {
    const report = check(waived({ 'hivebox.dev/waive.resources': 'no' }));
    expect(ruleIds(report)).toEqual(['probes']);
  });

  it('a waiver without a reason does not apply, and is a finding itself', () => {
    const report = check(waived({ 'hivebox.dev/waive.probes': '' }));
    expect(ruleIds(report)).toEqual(['probes', 'waiver-invalid']);
    expect(report.waivers).toEqual([]);
  });

  it('a waiver of an unknown rule is a finding', () => {
    const report = check(broken('Deployment', (d) => (d.metadata.annotations = { 'hivebox.dev/waive.no-such-rule': 'because' })));
    expect(report.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['waiver-invalid', 'metadata.annotations["hivebox.dev/waive.no-such-rule"]'],
    ]);
  });
});

describe('parity', () => {
  const staging = () => compliantApp('app-staging');
  const prod = () => compliantApp('app-prod');
  const parity = (mirror: Manifest[], of: Manifest[]) =>
    validateManifests({
      scopes: [
        { name: 'staging', manifests: mirror },
        { name: 'prod', manifests: of },
      ],
      parity: [{ mirror: 'staging', of: 'prod' }],
    });

  it('the same resources in their own namespaces are no drift', () => {
    expect(parity(staging(), prod()).findings).toEqual([]);
  });

  it('allows replicas, resources, hosts, TLS issuer, images and quota to differ', () => {
    const mirror = staging() as Mutable[];
    const deployment = mirror.find((m) => m.kind === 'Deployment')!;
    deployment.spec.replicas = 1;
    container(deployment).resources.limits.cpu = '250m';
    container(deployment).image = 'ghcr.io/example/web:v1.3.0';
    const route = mirror.find((m) => m.kind === 'HTTPRoute')!;
    route.spec.hostnames = ['staging.example.com'];
    route.spec.parentRefs[0].sectionName = 'https-staging';
    mirror.find((m) => m.kind === 'HorizontalPodAutoscaler')!.spec.maxReplicas = 2;
    expect(parity(mirror as unknown as Manifest[], prod()).findings).toEqual([]);
  });

  it('reports other drift field by field, with both values side by side, on the staging resource', () => {
    const mirror = staging() as Mutable[];
    container(mirror.find((m) => m.kind === 'Deployment')!).env[0].value = 'debug';
    const report = parity(mirror as unknown as Manifest[], prod());
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'parity',
        scope: 'staging',
        resource: expect.objectContaining({ kind: 'Deployment', name: 'web', namespace: 'app-staging' }),
        path: 'spec.template.spec.containers[0].env[0].value',
        sides: { staging: 'debug', prod: 'info' },
      }),
    ]);
  });

  it('sets environment and namespace names aside only as whole tokens, never inside another name or domain', () => {
    // dev and prod: the label domain hivebox.dev is no environment, and dev-tools vs prod-tools is real drift.
    const named = (env: string) =>
      (compliantApp(`app-${env}`) as Mutable[]).map((m) => {
        m.metadata.labels = { ...m.metadata.labels, 'hivebox.dev/environment': env };
        if (m.kind === 'Deployment') container(m).env[0].value = `${env}-tools`;
        return m as unknown as Manifest;
      });
    const report = validateManifests({
      scopes: [
        { name: 'dev', manifests: named('dev') },
        { name: 'prod', manifests: named('prod') },
      ],
      parity: [{ mirror: 'dev', of: 'prod' }],
    });
    expect(report.findings.map((f) => [f.resource.kind, f.path, f.sides])).toEqual([
      ['Deployment', 'spec.template.spec.containers[0].env[0].value', { dev: 'dev-tools', prod: 'prod-tools' }],
    ]);
  });

  it('reads a name as a token: alone or as the first label of a dotted name', () => {
    const normalize = normalizer({ name: 'dev', byNamespace: new Map([['hivebox-dev', [{} as Manifest]]]) });
    const cases: Record<string, string> = {
      dev: '<env>',
      'HiveBox is slow in dev': 'HiveBox is slow in <env>',
      '{environment="dev"}': '{environment="<env>"}',
      'dev.hivebox.example.com': '<env>.hivebox.example.com',
      'hivebox.dev/environment': 'hivebox.dev/environment',
      'dev-tools': 'dev-tools',
      'hivebox-dev': '<namespace>',
      'hivebox-dev.json': '<namespace>.json',
      'hivebox-dev2': 'hivebox-dev2',
    };
    for (const [input, expected] of Object.entries(cases)) expect(normalize(input), input).toBe(expected);
    expect(normalizer({ name: 'hivebox', byNamespace: new Map() })('hivebox.dev/environment')).toBe('hivebox.dev/environment');
  });

  it('reports resources that exist on one side only', () => {
    const report = parity(
      staging().filter((m) => m.kind !== 'ServiceMonitor'),
      prod(),
    );
    expect(report.findings.filter((f) => f.ruleId === 'parity').map((f) => [f.resource.kind, f.sides])).toEqual([
      ['ServiceMonitor', { staging: '(absent)', prod: 'present' }],
    ]);
  });
});
