/**
 * HiveBoxApp on its own (cdk8s Testing.chart()), built from its narrow props: what it
 * promises whoever composes it, including the fields cdk8s-plus cannot write and
 * the construct adds by escape hatch.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HiveBoxApp, type HiveBoxAppProps } from '../src/constructs/hivebox.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROPS: HiveBoxAppProps = {
  image: 'registry.example.com:5000/hivebox:v1.2.3',
  port: 8123,
  settings: {
    logLevel: 'debug',
    senseBoxIds: ['5eba5fbad46fb8001b799786', '5c21ff8f919bf8001adf2488'],
    cacheTtlSeconds: 60,
    storageIntervalSeconds: 120,
  },
  valkeyAddress: { host: 'cache.example.com', port: 6380 },
  minio: { endpoint: 's3.example.com:443', secure: true, bucket: 'readings' },
  credentialsSecretName: 'storage-keys',
  resources: { requests: { cpu: '250m', memory: '0.5Gi' }, limits: { cpu: '1', memory: '1Gi' } },
  scaling: { minReplicas: 3, maxReplicas: 9, targetCpuUtilization: 60 },
  route: { host: 'qa.hivebox.example.com', listener: 'https-qa', requestTimeout: '20s' },
  podLabels: { 'hivebox.dev/environment': 'qa' },
};

function synth(props: HiveBoxAppProps): Any[] {
  const chart = Testing.chart();
  new HiveBoxApp(chart, 'HiveBox', props);
  return Testing.synth(chart);
}

const manifests = synth(PROPS);
const of = (list: Any[], kind: string): Any => list.find((m) => m.kind === kind)!;
const deployment = of(manifests, 'Deployment');
const pod = deployment.spec.template;
const [container] = pod.spec.containers;

describe('HiveBoxApp', () => {
  it('runs the image it is given, with its resources exactly as written (no conversion to Mi)', () => {
    expect(container.image).toBe(PROPS.image);
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '0.5Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  it('passes its settings and the stores it is given as environment variables', () => {
    expect(of(manifests, 'ConfigMap').data).toEqual({
      PORT: '8123',
      LOG_LEVEL: 'debug',
      SENSEBOX_IDS: '5eba5fbad46fb8001b799786,5c21ff8f919bf8001adf2488',
      CACHE_TTL: '60',
      STORAGE_INTERVAL: '120',
      VALKEY_HOST: 'cache.example.com',
      VALKEY_PORT: '6380',
      MINIO_ENDPOINT: 's3.example.com:443',
      MINIO_BUCKET: 'readings',
      MINIO_SECURE: 'true',
    });
    expect(container.env.map((e: Any) => e.valueFrom.secretKeyRef.name)).toEqual(['storage-keys', 'storage-keys']);
  });

  it('labels the pods with its pod labels but selects them by the stable app labels only, never by construct path', () => {
    expect(pod.metadata.labels['hivebox.dev/environment']).toBe('qa');
    expect(Object.keys(pod.metadata.labels).filter((key) => key.startsWith('cdk8s.io/'))).toEqual([]);
    const selector = { 'app.kubernetes.io/name': 'hivebox', 'app.kubernetes.io/instance': 'hivebox' };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(of(manifests, 'Service').spec.selector).toEqual(selector);
    expect(of(manifests, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selector });
    for (const constraint of pod.spec.topologySpreadConstraints) expect(constraint.labelSelector).toEqual({ matchLabels: selector });
  });

  it('adds what cdk8s-plus cannot write: pod-level seccomp, topology spread, a revision history limit', () => {
    expect(pod.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.topologySpreadConstraints.map((c: Any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
    expect(deployment.spec.revisionHistoryLimit).toBe(5);
  });

  it('scales between the bounds it is given, on CPU', () => {
    const hpa = of(manifests, 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 9]);
    expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } });
  });

  it('routes its host through the listener it is given, with its request timeout, to the Service', () => {
    const route = of(manifests, 'HTTPRoute');
    expect(route.spec.hostnames).toEqual(['qa.hivebox.example.com']);
    expect(route.spec.parentRefs[0].sectionName).toBe('https-qa');
    expect(route.spec.rules[0].timeouts).toEqual({ request: '20s' });
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({
      name: of(manifests, 'Service').metadata.name,
      port: of(manifests, 'Service').spec.ports[0].port,
    });
  });

  it('gives the startup probe 60 seconds unless told otherwise', () => {
    expect(container.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 30 });
    const slow = of(synth({ ...PROPS, startupGraceSeconds: 90 }), 'Deployment').spec.template.spec.containers[0];
    expect(slow.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 45 });
  });
});
