/**
 * Everything one environment runs, composed from the constructs beside this
 * file. The same chart renders the base (defaults only) and every environment;
 * the overlays are the difference between the two.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageReference, type Environment } from '../config/environment.ts';
import { StorageCredentials } from './credentials.ts';
import { HiveBoxApp } from './hivebox.ts';
import { Minio, MINIO_API_PORT } from './minio.ts';
import { BudgetRules } from './budget.ts';
import { HiveBoxMonitoring } from './monitoring.ts';
import { EnvironmentNamespace } from './namespace.ts';
import { NetworkPolicies } from './network-policies.ts';
import { ENVIRONMENT_LABEL } from './metadata.ts';
import { MONITORING_NAMESPACE } from '../catalog/components.ts';
import { GATEWAY_DATA_PLANE, SHARED_GATEWAY } from './cluster-peers.ts';
import { Valkey } from './valkey.ts';

export interface EnvironmentChartProps {
  readonly environment: Environment;
}

export class EnvironmentChart extends Chart {
  constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    const { environment } = props;
    super(scope, id, { namespace: environment.namespace, disableResourceNameHashes: true });

    // A manually synced environment (prod) holds the data that matters: nothing deletes it without a person
    // confirming. Its alerts page a person; every other environment's only warn.
    const protectData = environment.sync.mode === 'manual';
    const severity = protectData ? 'critical' : 'warning';
    new EnvironmentNamespace(this, 'Namespace', { name: environment.namespace, environment: environment.name, quota: environment.quota, protectData });
    const credentials = new StorageCredentials(this, 'Credentials', { secretStore: environment.secretStore });

    // Every pod carries its environment, so logs and metrics can be told apart on a shared cluster.
    const podLabels = { [ENVIRONMENT_LABEL]: environment.name };
    const valkeyConfig = environment.valkey;
    const valkey =
      valkeyConfig.mode === 'in-cluster'
        ? new Valkey(this, 'Valkey', { storage: valkeyConfig.storage, storageClassName: valkeyConfig.storageClassName, podLabels, protectData })
        : { host: valkeyConfig.host, port: valkeyConfig.port };

    const minioConfig = environment.minio;
    const minio =
      minioConfig.mode === 'in-cluster'
        ? {
            endpoint: new Minio(this, 'Minio', {
              storage: minioConfig.storage,
              storageClassName: minioConfig.storageClassName,
              bucket: minioConfig.bucket,
              credentialsSecretName: credentials.secretName,
              podLabels,
              protectData,
            }).endpoint,
            secure: false,
            bucket: minioConfig.bucket,
          }
        : { endpoint: minioConfig.endpoint, secure: minioConfig.secure, bucket: minioConfig.bucket };

    const { app } = environment;
    new HiveBoxApp(this, 'HiveBox', {
      image: imageReference(environment.image),
      port: app.port,
      settings: { logLevel: app.logLevel, senseBoxIds: app.senseBoxIds, cacheTtlSeconds: app.cacheTtlSeconds, storageIntervalSeconds: app.storageIntervalSeconds },
      valkeyAddress: { host: valkey.host, port: valkey.port },
      minio,
      credentialsSecretName: credentials.secretName,
      resources: environment.resources,
      scaling: environment.scaling,
      route: { host: environment.route.host, listener: SHARED_GATEWAY.httpsListener(environment.name), requestTimeout: environment.route.requestTimeout },
      podLabels,
    });

    const watched = { environment: environment.name, namespace: environment.namespace, severity } as const;
    new HiveBoxMonitoring(this, 'Monitoring', watched);
    // No budget, no rule.
    if (environment.budget) new BudgetRules(this, 'Budget', { ...watched, monthly: environment.budget.monthly, warnAt: environment.budget.warnAt });

    new NetworkPolicies(this, 'NetworkPolicies', {
      appPort: environment.app.port,
      valkey: { inCluster: valkeyConfig.mode === 'in-cluster', port: valkey.port },
      minio: { inCluster: minioConfig.mode === 'in-cluster', port: minioPort(minio.endpoint) },
      // The Gateway's Envoys and Prometheus, as the platform runs them (named once there).
      peers: { gateway: GATEWAY_DATA_PLANE, monitoringNamespace: MONITORING_NAMESPACE },
    });
  }
}

function minioPort(endpoint: string): number {
  return Number(endpoint.split(':')[1] ?? MINIO_API_PORT);
}
