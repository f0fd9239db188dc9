/**
 * HiveBox itself: its settings, its pods, how traffic reaches them and how
 * they scale. Written with cdk8s-plus; the few fields cdk8s-plus 28 does not
 * model (topology spread, pod-level seccomp, revision history, quantities as
 * written) are added through escape hatches, each naming the limitation, and
 * the HTTPRoute (route.ts) with the types `cdk8s import` made of the Gateway API CRDs.
 */
import { createHash } from 'node:crypto';
import { ApiObject, Duration, JsonPatch, Size, type ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../imports/monitoring.coreos.com.ts';
import { componentLabels, selectorLabels, SyncWave, syncWave } from './metadata.ts';
import { HiveBoxRoute, type HiveBoxRouteOptions } from './route.ts';
import { APP_USER } from './security.ts';

export const HIVEBOX = 'hivebox';
/** The Service's port, which the HTTPRoute sends traffic to. */
const SERVICE_PORT = 80;

/** What HiveBox does, as the public HiveBox implementations read it from their environment. */
export interface HiveBoxSettings {
  readonly logLevel: string;
  /** The senseBoxes whose readings HiveBox averages. */
  readonly senseBoxIds: readonly string[];
  /** How long a reading is served from Valkey before openSenseMap is asked again. */
  readonly cacheTtlSeconds: number;
  /** How often readings are written to the bucket. */
  readonly storageIntervalSeconds: number;
}

/** A container's CPU and memory, as Kubernetes quantities ("250m", "512Mi"). */
export interface ResourceQuantities {
  readonly cpu: string;
  readonly memory: string;
}

/** How many pods run: the HorizontalPodAutoscaler's bounds and target. */
export interface HiveBoxScaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average CPU use, in percent of the request, the autoscaler keeps the pods at. */
  readonly targetCpuUtilization: number;
}

export interface HiveBoxAppProps {
  /** The image the pods run: repository:tag, repository@digest, or both. */
  readonly image: string;
  /** The port HiveBox listens on: the probes', the Service's target and the ServiceMonitor's. */
  readonly port: number;
  readonly settings: HiveBoxSettings;
  /** host:port HiveBox reaches Valkey at. */
  readonly valkeyAddress: { readonly host: string; readonly port: number };
  /** host:port of the S3 API, and whether to use TLS. */
  readonly minio: { readonly endpoint: string; readonly secure: boolean; readonly bucket: string };
  /** The Secret (written by External Secrets) holding MINIO_ACCESS_KEY and MINIO_SECRET_KEY. */
  readonly credentialsSecretName: string;
  /** Requests and limits of the HiveBox container, rendered exactly as written. */
  readonly resources: { readonly requests: ResourceQuantities; readonly limits: ResourceQuantities };
  readonly scaling: HiveBoxScaling;
  /** Where traffic reaches HiveBox: the host and listener of the cluster's Gateway. */
  readonly route: HiveBoxRouteOptions;
  /** Labels for the pods only (not selectors), e.g. the environment for log collection. @default none */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Seconds the startup probe allows for the first successful /version. @default 60 */
  readonly startupGraceSeconds?: number;
}

export class HiveBoxApp extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  /** The port the pods listen on. */
  readonly port: number;
  /** The labels HiveBox's pods are selected by (its Deployment, Service, disruption budget, topology spread and NetworkPolicies). */
  readonly selector: Readonly<Record<string, string>> = selectorLabels(HIVEBOX);

  /** Every object's name, labels and sync wave. */
  private readonly metadata: ApiObjectMetadata = {
    name: HIVEBOX,
    labels: componentLabels(HIVEBOX, 'api'),
    annotations: syncWave(SyncWave.App),
  };

  constructor(scope: Construct, id: string, props: HiveBoxAppProps) {
    super(scope, id);
    this.port = props.port;
    const serviceAccount = this.createServiceAccount();
    const settings = appSettings(props);
    const config = new kplus.ConfigMap(this, 'Config', { metadata: this.metadata, data: settings });
    this.deployment = this.createDeployment(props, { serviceAccount, config, settingsHash: hash(settings) });
    this.patchWhatCdk8sPlusCannotExpress(props);
    this.service = this.createService();
    this.createAutoscaler(props.scaling);
    this.createDisruptionBudget();
    new HiveBoxRoute(this, 'Route', { ...props.route, service: this.service, servicePort: SERVICE_PORT, metadata: this.metadata });
    this.createServiceMonitor();
  }

  private createServiceAccount(): kplus.ServiceAccount {
    return new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: this.metadata,
      // HiveBox never talks to the Kubernetes API.
      automountToken: false,
    });
  }

  private createDeployment(props: HiveBoxAppProps, { serviceAccount, config, settingsHash }: DeploymentInputs): kplus.Deployment {
    const deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: this.metadata,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: {
        labels: { ...this.metadata.labels, ...props.podLabels },
        annotations: {
          // Changing a setting changes this hash, which rolls the pods onto the new settings.
          'hivebox.dev/config-hash': settingsHash,
        },
      },
      securityContext: {
        user: APP_USER,
        group: APP_USER,
        ensureNonRoot: true,
        fsGroup: APP_USER,
        // Only relabel volumes whose root does not match yet: restarts stay fast on big volumes.
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      terminationGracePeriod: Duration.seconds(30),
      // Surge one new pod before stopping an old one: a rollout never dips below the current capacity.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      containers: [this.container(props, config)],
    });
    deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    return deployment;
  }

  private container(props: HiveBoxAppProps, config: kplus.ConfigMap): kplus.ContainerProps {
    const { port } = props;
    const secretKey = (id: string, key: string) =>
      kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, id, props.credentialsSecretName), key });
    return {
      name: HIVEBOX,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ number: port, name: 'http', protocol: kplus.Protocol.TCP }],
      envFrom: [kplus.Env.fromConfigMap(config)],
      envVariables: {
        MINIO_ACCESS_KEY: secretKey('AccessKey', 'MINIO_ACCESS_KEY'),
        MINIO_SECRET_KEY: secretKey('SecretKey', 'MINIO_SECRET_KEY'),
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
    };
  }

  /**
   * The fields cdk8s-plus-28 2.5.6 cannot write, each with the place in its source
   * (node_modules/cdk8s-plus-28/lib) that shows why.
   */
  private patchWhatCdk8sPlusCannotExpress(props: HiveBoxAppProps): void {
    ApiObject.of(this.deployment).addJsonPatch(
      // Selectors here use app.kubernetes.io labels only, but Workload's podMetadata getter labels every pod
      // with its construct path whether or not `select` is false (workload.js:31-39), and
      // ApiObjectMetadataDefinition has no way to remove a label.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      // PodSecurityContext renders no seccompProfile (pod.js:379-388, PodSecurityContext._toKube); Pod
      // Security "restricted" wants it on the pod as on the container.
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      // Spread replicas over nodes and zones, but never refuse to schedule because of it. cdk8s-plus renders
      // no topologySpreadConstraints (pod.js:184-201, AbstractPod._toPodSpec); its WorkloadScheduling.spread
      // (workload.js:115-116) is pod anti-affinity on the construct-path label removed above.
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        spread('kubernetes.io/hostname', this.selector),
        spread('topology.kubernetes.io/zone', this.selector),
      ]),
      // Deployment._toKube writes no revisionHistoryLimit (deployment.js:114-126).
      JsonPatch.add('/spec/revisionHistoryLimit', 5),
      // Quantities exactly as env.yaml spells them, so reviewers see "1Gi", not a converted number: cdk8s-plus
      // writes every memory quantity as Size.toMebibytes() + 'Mi' (container.js:612-613, 621-622), and its
      // Cpu is made from numbers only (Cpu.millis, Cpu.units), so "0.5" and "500m" could not both be kept.
      // (Patched values pass through cdk8s-plus's typed serializer, hence Quantity objects.)
      JsonPatch.replace('/spec/template/spec/containers/0/resources', {
        requests: quantities(props.resources.requests),
        limits: quantities(props.resources.limits),
      }),
    );
  }

  private createService(): kplus.Service {
    const service = new kplus.Service(this, 'Service', {
      metadata: this.metadata,
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: this.port, protocol: kplus.Protocol.TCP }],
    });
    // Selecting the Deployment itself would use cdk8s-plus's construct-path label, removed from the pods above.
    for (const [key, value] of Object.entries(this.selector)) service.selectLabel(key, value);
    return service;
  }

  private createAutoscaler(scaling: HiveBoxScaling): void {
    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: this.metadata,
      target: this.deployment,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(scaling.targetCpuUtilization))],
    });
  }

  private createDisruptionBudget(): void {
    new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata,
      spec: {
        // With one replica (dev) "maxUnavailable: 1" still lets nodes drain; with more, one pod at a time.
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  private createServiceMonitor(): void {
    const metadata = this.metadata;
    new ServiceMonitor(this, 'ServiceMonitor', {
      metadata,
      spec: {
        selector: { matchLabels: selectorLabels(HIVEBOX) },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    });
  }
}

/** What the Deployment is built from besides the props. */
interface DeploymentInputs {
  readonly serviceAccount: kplus.ServiceAccount;
  /** The ConfigMap of settings the container reads its environment from. */
  readonly config: kplus.ConfigMap;
  /** A hash of the settings, which changes (and so rolls the pods) whenever a setting does. */
  readonly settingsHash: string;
}

function hash(settings: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/** The app's environment variables; names follow the public HiveBox implementations. */
function appSettings(props: HiveBoxAppProps): Record<string, string> {
  const { settings } = props;
  return {
    PORT: String(props.port),
    LOG_LEVEL: settings.logLevel,
    SENSEBOX_IDS: settings.senseBoxIds.join(','),
    CACHE_TTL: String(settings.cacheTtlSeconds),
    STORAGE_INTERVAL: String(settings.storageIntervalSeconds),
    VALKEY_HOST: props.valkeyAddress.host,
    VALKEY_PORT: String(props.valkeyAddress.port),
    MINIO_ENDPOINT: props.minio.endpoint,
    MINIO_BUCKET: props.minio.bucket,
    MINIO_SECURE: String(props.minio.secure),
  };
}

function spread(topologyKey: string, selector: Readonly<Record<string, string>>) {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  };
}

function quantities(list: ResourceQuantities) {
  return { cpu: kplus.k8s.Quantity.fromString(list.cpu), memory: kplus.k8s.Quantity.fromString(list.memory) };
}
