/**
 * Everything one environment runs, composed from the constructs beside this
 * file. The same chart renders the base (defaults only) and every environment;
 * the overlays are the difference between the two.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config/environment.ts';
import { formatImageReference } from '../kube/image.ts';
import { StorageCredentials } from './credentials.ts';
import { HiveBoxApp } from './hivebox.ts';
import { Minio } from './minio.ts';
import { BudgetRules } from './budget.ts';
import { HiveBoxMonitoring } from './monitoring.ts';
import { EnvironmentNamespace } from './namespace.ts';
import { NetworkPolicies, type BucketPeer, type StorePeer } from './network-policies.ts';
import { ENVIRONMENT_LABEL } from './metadata.ts';
import { MONITORING_NAMESPACE } from '../catalog/components.ts';
import { GATEWAY_DATA_PLANE, SHARED_GATEWAY } from './cluster-peers.ts';
import { Valkey } from './valkey.ts';

export interface EnvironmentChartProps {
  readonly environment: Environment;
}

/** Where HiveBox finds Valkey, and its pods when it runs in the namespace. */
interface StoreAddress extends StorePeer {
  readonly host: string;
}

/** Where HiveBox finds its bucket, and MinIO's pods and its bucket Job's when MinIO runs in the namespace. */
interface BucketAddress extends BucketPeer {
  /** host:port of the S3 API. */
  readonly endpoint: string;
  readonly secure: boolean;
  readonly bucket: string;
}

/** What the in-cluster data stores share: the pods' environment label and whether their data is protected. */
interface StoreOptions {
  readonly podLabels: Readonly<Record<string, string>>;
  readonly protectData: boolean;
  readonly credentialsSecretName: string;
}

/** The one place that reads the env.yaml shape: every construct below gets only the props it needs. */
export class EnvironmentChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    const { environment } = props;
    super(scope, id, { namespace: environment.namespace, disableResourceNameHashes: true });

    // A manually synced environment (prod) holds the data that matters: nothing deletes it without a person
    // confirming. Its alerts page a person; every other environment's only warn.
    const protectData = environment.sync.mode === 'manual';
    const severity = protectData ? 'critical' : 'warning';
    new EnvironmentNamespace(this, 'Namespace', {
      name: environment.namespace,
      environment: environment.name,
      quota: environment.quota,
      protectData,
    });
    const credentials = new StorageCredentials(this, 'Credentials', { secretStore: environment.secretStore });

    // Every pod carries its environment, so logs and metrics can be told apart on a shared cluster.
    const stores: StoreOptions = {
      podLabels: { [ENVIRONMENT_LABEL]: environment.name },
      protectData,
      credentialsSecretName: credentials.secretName,
    };
    const valkey = this.valkey(environment.valkey, stores);
    const minio = this.minio(environment.minio, stores);
    const app = this.app(environment, { valkey, minio, stores });

    const watched = { environment: environment.name, namespace: environment.namespace, severity } as const;
    new HiveBoxMonitoring(this, 'Monitoring', watched);
    // No budget, no rule.
    if (environment.budget)
      new BudgetRules(this, 'Budget', { ...watched, monthly: environment.budget.monthly, warnAt: environment.budget.warnAt });

    new NetworkPolicies(this, 'NetworkPolicies', {
      app,
      valkey,
      minio,
      // The Gateway's Envoys and Prometheus, as the platform runs them (named once there).
      peers: { gateway: GATEWAY_DATA_PLANE, monitoringNamespace: MONITORING_NAMESPACE },
    });
  }

  private valkey(config: Environment['valkey'], stores: StoreOptions): StoreAddress {
    if (config.mode === 'external') return { host: config.host, port: config.port };
    const valkey = new Valkey(this, 'Valkey', {
      storage: config.storage,
      storageClassName: config.storageClassName,
      podLabels: stores.podLabels,
      protectData: stores.protectData,
    });
    return { host: valkey.host, port: valkey.port, pods: valkey };
  }

  private minio(config: Environment['minio'], stores: StoreOptions): BucketAddress {
    if (config.mode === 'external') {
      // The schema takes host:port only.
      return { endpoint: config.endpoint, port: Number(config.endpoint.split(':')[1]), secure: config.secure, bucket: config.bucket };
    }
    const minio = new Minio(this, 'Minio', {
      storage: config.storage,
      storageClassName: config.storageClassName,
      bucket: config.bucket,
      credentialsSecretName: stores.credentialsSecretName,
      podLabels: stores.podLabels,
      protectData: stores.protectData,
    });
    return { endpoint: minio.endpoint, port: minio.port, secure: false, bucket: config.bucket, pods: minio, bucketJob: minio.bucketJob };
  }

  private app(
    environment: Environment,
    { valkey, minio, stores }: { valkey: StoreAddress; minio: BucketAddress; stores: StoreOptions },
  ): HiveBoxApp {
    const { app, route } = environment;
    return new HiveBoxApp(this, 'HiveBox', {
      image: formatImageReference(environment.image),
      port: app.port,
      settings: {
        logLevel: app.logLevel,
        senseBoxIds: app.senseBoxIds,
        cacheTtlSeconds: app.cacheTtlSeconds,
        storageIntervalSeconds: app.storageIntervalSeconds,
      },
      valkeyAddress: { host: valkey.host, port: valkey.port },
      minio: { endpoint: minio.endpoint, secure: minio.secure, bucket: minio.bucket },
      credentialsSecretName: stores.credentialsSecretName,
      resources: environment.resources,
      scaling: environment.scaling,
      route: { host: route.host, listener: SHARED_GATEWAY.httpsListener(environment.name), requestTimeout: route.requestTimeout },
      podLabels: stores.podLabels,
    });
  }
}
