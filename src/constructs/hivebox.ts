/**
 * HiveBox itself: its settings, its pods, how traffic reaches them and how
 * they scale. Written with cdk8s-plus; the few fields cdk8s-plus 28 does not
 * model (topology spread, pod-level seccomp) are added through escape hatches,
 * and the HTTPRoute (route.ts) with the types `cdk8s import` made of the Gateway API CRDs.
 */
import { createHash } from 'node:crypto';
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { imageReference, type Environment } from '../config/environment.ts';
import { ServiceMonitor } from '../imports/monitoring.coreos.com.ts';
import { componentLabels, ENVIRONMENT_LABEL, selectorLabels, SyncWave, syncWave } from './metadata.ts';
import { HiveBoxRoute } from './route.ts';
import { APP_USER, restrictedPodSecurityContext } from './security.ts';

export const HIVEBOX = 'hivebox';
/** The Service's port, which the HTTPRoute sends traffic to. */
const SERVICE_PORT = 80;

export interface HiveBoxAppProps {
  readonly environment: Environment;
  /** host:port HiveBox reaches Valkey at. */
  readonly valkeyAddress: { readonly host: string; readonly port: number };
  /** host:port of the S3 API, and whether to use TLS. */
  readonly minio: { readonly endpoint: string; readonly secure: boolean; readonly bucket: string };
  /** The Secret (written by External Secrets) holding MINIO_ACCESS_KEY and MINIO_SECRET_KEY. */
  readonly credentialsSecretName: string;
  /** Seconds the startup probe allows for the first successful /version. @default 60 */
  readonly startupGraceSeconds?: number;
}

export class HiveBoxApp extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: HiveBoxAppProps) {
    super(scope, id);
    const { environment } = props;
    const port = environment.app.port;
    const labels = componentLabels(HIVEBOX, 'api');
    const metadata = (name: string) => ({ name, labels, annotations: syncWave(SyncWave.App) });

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(HIVEBOX),
      // HiveBox never talks to the Kubernetes API.
      automountToken: false,
    });

    const settings = appSettings(props);
    const config = new kplus.ConfigMap(this, 'Config', { metadata: metadata(HIVEBOX), data: settings });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: metadata(HIVEBOX),
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: {
        labels: { ...labels, [ENVIRONMENT_LABEL]: environment.name },
        annotations: {
          // Changing a setting changes this hash, which rolls the pods onto the new settings.
          'hivebox.dev/config-hash': createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16),
        },
      },
      securityContext: { user: APP_USER, group: APP_USER, ensureNonRoot: true, fsGroup: APP_USER },
      terminationGracePeriod: Duration.seconds(30),
      // Surge one new pod before stopping an old one: a rollout never dips below the current capacity.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      containers: [
        {
          name: HIVEBOX,
          image: imageReference(environment.image),
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          ports: [{ number: port, name: 'http', protocol: kplus.Protocol.TCP }],
          envFrom: [kplus.Env.fromConfigMap(config)],
          envVariables: {
            MINIO_ACCESS_KEY: kplus.EnvValue.fromSecretValue({
              secret: kplus.Secret.fromSecretName(this, 'AccessKey', props.credentialsSecretName),
              key: 'MINIO_ACCESS_KEY',
            }),
            MINIO_SECRET_KEY: kplus.EnvValue.fromSecretValue({
              secret: kplus.Secret.fromSecretName(this, 'SecretKey', props.credentialsSecretName),
              key: 'MINIO_SECRET_KEY',
            }),
          },
          // Ready means "can answer /temperature": the spec's /readyz turns 503 when most senseBoxes are gone and the cache is stale.
          readiness: kplus.Probe.fromHttpGet('/readyz', { port, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
          // Alive means "the process answers at all"; /version needs no upstream, so an openSenseMap outage never restarts pods.
          liveness: kplus.Probe.fromHttpGet('/version', { port, periodSeconds: Duration.seconds(20), failureThreshold: 3 }),
          startup: kplus.Probe.fromHttpGet('/version', {
            port,
            periodSeconds: Duration.seconds(2),
            failureThreshold: Math.ceil((props.startupGraceSeconds ?? 60) / 2),
          }),
          securityContext: {
            user: APP_USER,
            group: APP_USER,
            ensureNonRoot: true,
            privileged: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: [kplus.Capability.ALL] },
            seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
          },
          // A read-only root still needs somewhere for temporary files.
          volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }) }],
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: selectorLabels(HIVEBOX) }));
    const deployment = ApiObject.of(this.deployment);
    deployment.addJsonPatch(
      // cdk8s-plus labels pods with its construct path; selectors here use app.kubernetes.io labels only.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      JsonPatch.replace('/spec/template/spec/securityContext', restrictedPodSecurityContext(APP_USER)),
      // Spread replicas over nodes and zones, but never refuse to schedule because of it.
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        spread('kubernetes.io/hostname'),
        spread('topology.kubernetes.io/zone'),
      ]),
      JsonPatch.add('/spec/revisionHistoryLimit', 5),
      // Quantities exactly as env.yaml spells them, so reviewers see "512Mi", not a converted number.
      // (Patched values pass through cdk8s-plus's typed serializer, hence Quantity objects.)
      JsonPatch.replace('/spec/template/spec/containers/0/resources', {
        requests: quantities(environment.resources.requests),
        limits: quantities(environment.resources.limits),
      }),
    );

    this.service = new kplus.Service(this, 'Service', {
      metadata: metadata(HIVEBOX),
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: port, protocol: kplus.Protocol.TCP }],
    });
    // Selecting the Deployment itself would use cdk8s-plus's construct-path label, removed from the pods above.
    for (const [key, value] of Object.entries(selectorLabels(HIVEBOX))) this.service.selectLabel(key, value);

    const autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: metadata(HIVEBOX),
      target: this.deployment,
      minReplicas: environment.scaling.minReplicas,
      maxReplicas: environment.scaling.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(environment.scaling.targetCpuUtilization))],
    });
    void autoscaler;

    new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: metadata(HIVEBOX),
      spec: {
        // With one replica (dev) "maxUnavailable: 1" still lets nodes drain; with more, one pod at a time.
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selectorLabels(HIVEBOX) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    new HiveBoxRoute(this, 'Route', { environment, service: this.service, servicePort: SERVICE_PORT, metadata: metadata(HIVEBOX) });

    new ServiceMonitor(this, 'ServiceMonitor', {
      metadata: metadata(HIVEBOX),
      spec: {
        selector: { matchLabels: selectorLabels(HIVEBOX) },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    });
  }
}

/** The app's environment variables; names follow the public HiveBox implementations. */
function appSettings(props: HiveBoxAppProps): Record<string, string> {
  const { app } = props.environment;
  return {
    PORT: String(app.port),
    LOG_LEVEL: app.logLevel,
    SENSEBOX_IDS: app.senseBoxIds.join(','),
    CACHE_TTL: String(app.cacheTtlSeconds),
    STORAGE_INTERVAL: String(app.storageIntervalSeconds),
    VALKEY_HOST: props.valkeyAddress.host,
    VALKEY_PORT: String(props.valkeyAddress.port),
    MINIO_ENDPOINT: props.minio.endpoint,
    MINIO_BUCKET: props.minio.bucket,
    MINIO_SECURE: String(props.minio.secure),
  };
}

function spread(topologyKey: string) {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(HIVEBOX) },
  };
}

function quantities(list: { readonly cpu: string; readonly memory: string }) {
  return { cpu: kplus.k8s.Quantity.fromString(list.cpu), memory: kplus.k8s.Quantity.fromString(list.memory) };
}
