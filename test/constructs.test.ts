/**
 * What the constructs promise every environment: Pod Security "restricted",
 * wiring that connects (selectors, ports, probes), scaling owned by the HPA,
 * and credentials only by reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { baseEnvironment, resolveEnvironment, type Environment } from '../src/config/environment.ts';
import { EnvFileSchema, type EnvFileInput } from '../src/config/schema.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import type { Manifest } from '../src/kube/manifest.ts';

function environment(overrides: Partial<EnvFileInput> = {}): Environment {
  const parsed = EnvFileSchema.parse({ route: { host: 'test.hivebox.example.com' }, ...overrides });
  return resolveEnvironment('test', 'envs/test/env.yaml', parsed);
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const find = (manifests: Manifest[], kind: string, name: string): Any => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found as Any;
};
const podSpec = (workload: Any): Any => workload.spec.template.spec;
const WORKLOADS = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'];

describe('every workload meets Pod Security "restricted"', () => {
  const manifests = renderEnvironment(environment());
  const workloads = manifests.filter((m) => WORKLOADS.includes(m.kind)) as Any[];

  it('renders the workloads HiveBox needs', () => {
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual([
      'Deployment/hivebox',
      'Job/minio-bucket',
      'StatefulSet/minio',
      'StatefulSet/valkey',
    ]);
  });

  for (const workload of workloads) {
    it(`${workload.kind}/${workload.metadata.name}`, () => {
      const spec = podSpec(workload);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      expect(spec.hostIPC ?? false).toBe(false);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const volume of spec.volumes ?? []) expect(volume.hostPath).toBeUndefined();
      for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = container.securityContext;
        expect(sc.allowPrivilegeEscalation, container.name).toBe(false);
        expect(sc.privileged ?? false).toBe(false);
        expect(sc.capabilities.drop).toEqual(['ALL']);
        expect(sc.capabilities.add ?? []).toEqual([]);
        expect(sc.readOnlyRootFilesystem).toBe(true);
        expect(sc.runAsNonRoot).toBe(true);
        for (const port of container.ports ?? []) expect(port.hostPort).toBeUndefined();
        expect(container.resources.requests.cpu).toBeDefined();
        expect(container.resources.requests.memory).toBeDefined();
        expect(container.resources.limits.cpu).toBeDefined();
        expect(container.resources.limits.memory).toBeDefined();
        expect(container.image).not.toMatch(/:latest$/);
      }
    });
  }

  it('labels the namespace to enforce "restricted"', () => {
    const namespace = find(manifests, 'Namespace', 'hivebox-test');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(namespace.metadata.namespace).toBeUndefined();
  });

  it('writes no Secret with data: credentials come from an ExternalSecret', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const externalSecret = find(manifests, 'ExternalSecret', 'hivebox-minio');
    expect(externalSecret.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'hivebox-test' });
    expect(externalSecret.spec.target.name).toBe('hivebox-minio');
  });
});

describe('HiveBox wiring', () => {
  const env = environment({ app: { port: 8123 }, scaling: { minReplicas: 2, maxReplicas: 7 } });
  const manifests = renderEnvironment(env);
  const deployment = find(manifests, 'Deployment', 'hivebox');
  const container = podSpec(deployment).containers[0];
  const podLabels = deployment.spec.template.metadata.labels;

  it('leaves replicas to the HorizontalPodAutoscaler, which targets the Deployment', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'hivebox');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hivebox' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 7]);
  });

  it('probes readiness on /readyz, liveness and startup on /version, all on the configured port', () => {
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 8123 });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/version', port: 8123 });
    expect(container.startupProbe.httpGet).toMatchObject({ path: '/version', port: 8123 });
    expect(container.ports).toEqual([{ containerPort: 8123, name: 'http', protocol: 'TCP' }]);
  });

  it('routes Service → pods → named port, and the ServiceMonitor scrapes that port', () => {
    const service = find(manifests, 'Service', 'hivebox');
    for (const [key, value] of Object.entries(service.spec.selector)) expect(podLabels[key]).toBe(value);
    expect(service.spec.ports[0]).toMatchObject({ name: 'http', targetPort: 8123 });
    const monitor = find(manifests, 'ServiceMonitor', 'hivebox');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels[key]).toBe(value);
  });

  it('guards voluntary disruptions with a PodDisruptionBudget over the same pods', () => {
    const pdb = find(manifests, 'PodDisruptionBudget', 'hivebox');
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels)) expect(podLabels[key]).toBe(value);
  });

  it("routes the host through its own HTTPS listener of the cluster's Gateway to the Service, with the request timeout", () => {
    expect(manifests.filter((m) => m.kind === 'Ingress')).toEqual([]);
    const route = find(manifests, 'HTTPRoute', 'hivebox');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'envoy-gateway', name: 'hivebox', sectionName: 'https-test' },
      ],
      hostnames: ['test.hivebox.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'hivebox', port: 80 }],
          timeouts: { request: '15s' },
        },
      ],
    });
    const service = find(manifests, 'Service', 'hivebox');
    expect(service.spec.ports.map((p: Any) => p.port)).toContain(route.spec.rules[0].backendRefs[0].port);
    expect(
      find(renderEnvironment(environment({ route: { host: 'slow.hivebox.example.com', requestTimeout: '1m30s' } })), 'HTTPRoute', 'hivebox')
        .spec.rules[0].timeouts,
    ).toEqual({ request: '1m30s' });
  });

  it('passes the app its settings, pointing at the in-cluster Valkey and MinIO', () => {
    const config = find(manifests, 'ConfigMap', 'hivebox');
    expect(config.data).toMatchObject({
      PORT: '8123',
      VALKEY_HOST: 'valkey',
      VALKEY_PORT: '6379',
      MINIO_ENDPOINT: 'minio:9000',
      MINIO_BUCKET: 'hivebox',
      MINIO_SECURE: 'false',
      CACHE_TTL: '300',
      STORAGE_INTERVAL: '300',
      LOG_LEVEL: 'info',
      SENSEBOX_IDS: '5eba5fbad46fb8001b799786,5c21ff8f919bf8001adf2488,5ade1acf223bd80019a1011c',
    });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'hivebox' } }]);
    const secretKeys = container.env.map((e: Any) => e.valueFrom.secretKeyRef);
    expect(secretKeys).toEqual([
      { key: 'MINIO_ACCESS_KEY', name: 'hivebox-minio' },
      { key: 'MINIO_SECRET_KEY', name: 'hivebox-minio' },
    ]);
  });

  it('rolls the pods when a setting changes', () => {
    const other = renderEnvironment(environment({ app: { port: 8123, logLevel: 'debug' }, scaling: { minReplicas: 2, maxReplicas: 7 } }));
    const hash = (m: Manifest[]) => find(m, 'Deployment', 'hivebox').spec.template.metadata.annotations['hivebox.dev/config-hash'];
    expect(hash(other)).not.toBe(hash(manifests));
  });

  it('orders the sync: namespace, guard rails and credentials, data stores, bucket, then HiveBox', () => {
    const wave = (kind: string, name: string) => Number(find(manifests, kind, name).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('Namespace', 'hivebox-test')).toBeLessThan(wave('ExternalSecret', 'hivebox-minio'));
    expect(wave('ExternalSecret', 'hivebox-minio')).toBe(wave('ResourceQuota', 'hivebox'));
    expect(wave('ExternalSecret', 'hivebox-minio')).toBeLessThan(wave('StatefulSet', 'valkey'));
    expect(wave('StatefulSet', 'minio')).toBeLessThan(wave('Job', 'minio-bucket'));
    expect(wave('Job', 'minio-bucket')).toBeLessThan(wave('Deployment', 'hivebox'));
  });
});

describe('network policies', () => {
  const manifests = renderEnvironment(environment());
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy') as Any[];
  const named = (name: string) => policies.find((p) => p.metadata.name === name)!;

  it('denies all ingress and egress by default', () => {
    expect(named('default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('opens exactly the flows HiveBox needs', () => {
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'allow-bucket-job-to-minio',
      'allow-dns',
      'allow-gateway-to-hivebox',
      'allow-hivebox-to-minio',
      'allow-hivebox-to-opensensemap',
      'allow-hivebox-to-valkey',
      'allow-minio-from-hivebox',
      'allow-prometheus-to-hivebox',
      'allow-valkey-from-hivebox',
      'default-deny',
    ]);
    expect(named('allow-hivebox-to-opensensemap').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(named('allow-hivebox-to-opensensemap').spec.egress[0].to[0].ipBlock.except).toContain('10.0.0.0/8');
    expect(named('allow-valkey-from-hivebox').spec.ingress[0]).toEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'hivebox', 'app.kubernetes.io/instance': 'hivebox' } } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    });
    expect(named('allow-gateway-to-hivebox').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8000 }]);
  });

  it('gives the cluster DNS only to the pods that look names up: HiveBox and the bucket Job', () => {
    expect(named('allow-dns').spec.podSelector).toEqual({
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['hivebox', 'minio-bucket'] }],
    });
  });

  it("admits to HiveBox only the Envoys of the cluster's Gateway, by namespace and by their owning-gateway labels", () => {
    expect(named('allow-gateway-to-hivebox').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'hivebox', 'app.kubernetes.io/instance': 'hivebox' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway' } },
              podSelector: {
                matchLabels: {
                  'app.kubernetes.io/name': 'envoy',
                  'app.kubernetes.io/component': 'proxy',
                  'app.kubernetes.io/managed-by': 'envoy-gateway',
                  'gateway.envoyproxy.io/owning-gateway-name': 'hivebox',
                  'gateway.envoyproxy.io/owning-gateway-namespace': 'envoy-gateway',
                },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8000 }],
        },
      ],
    });
  });

  it('drops the in-cluster stores and their policies when an environment uses external ones', () => {
    const external = renderEnvironment(
      environment({
        valkey: { mode: 'external', host: 'cache.example.com', port: 6380 },
        minio: { mode: 'external', endpoint: 's3.example.com:443' },
      }),
    );
    expect(external.filter((m) => ['StatefulSet', 'Job'].includes(m.kind))).toEqual([]);
    const egress = find(external, 'NetworkPolicy', 'allow-hivebox-to-valkey').spec.egress[0];
    expect(egress.ports).toEqual([{ protocol: 'TCP', port: 6380 }]);
    expect(find(external, 'NetworkPolicy', 'allow-dns').spec.podSelector.matchExpressions[0].values).toEqual(['hivebox']);
    const config = find(external, 'ConfigMap', 'hivebox');
    expect(config.data).toMatchObject({ VALKEY_HOST: 'cache.example.com', MINIO_ENDPOINT: 's3.example.com:443', MINIO_SECURE: 'true' });
  });
});

describe('the base', () => {
  it('is no environment: its host is in the reserved .invalid domain', () => {
    const base = renderEnvironment(baseEnvironment());
    expect(find(base, 'HTTPRoute', 'hivebox').spec.hostnames).toEqual(['hivebox.example.invalid']);
    expect(find(base, 'Namespace', 'hivebox')).toBeDefined();
  });
});

describe('log and metric labels', () => {
  it('labels every pod with its environment, so a shared cluster can tell dev from staging', () => {
    const manifests = renderEnvironment(environment()) as Any[];
    for (const workload of manifests.filter((m) => WORKLOADS.includes(m.kind))) {
      expect(workload.spec.template.metadata.labels['hivebox.dev/environment'], `${workload.kind}/${workload.metadata.name}`).toBe('test');
    }
  });
});

describe('narrow props', () => {
  it('only EnvironmentChart reads the env.yaml shape: no other construct imports src/config', () => {
    const dir = join(import.meta.dirname, '..', 'src', 'constructs');
    const readers = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .filter((file) =>
        ts
          .preProcessFile(readFileSync(join(dir, file), 'utf8'), true, true)
          .importedFiles.some((imported) => imported.fileName.startsWith('../config/')),
      );
    expect(readers).toEqual(['environment-chart.ts']);
  });
});
