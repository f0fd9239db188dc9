/**
 * A single-replica data store on a persistent volume (Valkey, MinIO): a
 * StatefulSet with its volume claim template and a Service in front. Written
 * against the Kubernetes API directly because cdk8s-plus 28 does not model
 * volume claim templates.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { componentLabels, deletionGuard, selectorLabels, SyncWave, syncWave } from './metadata.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

export interface StatefulStoreProps {
  /** Name of the StatefulSet, its Service and its pods' app label. */
  readonly name: string;
  readonly role: string;
  readonly image: string;
  readonly user: number;
  readonly args: readonly string[];
  readonly ports: readonly { readonly name: string; readonly port: number }[];
  readonly dataPath: string;
  readonly storage: string;
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default none */
  readonly env?: readonly k8s.EnvVar[];
  readonly readinessProbe: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  /** Labels for the pods only (not selectors), e.g. the environment for log collection. @default none */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Extra writable paths besides the data volume (the root filesystem is read-only). @default none */
  readonly scratchPaths?: readonly string[];
  /**
   * Keep the data: the volume claims outlive the StatefulSet, and Argo CD deletes
   * the StatefulSet only after a person confirms. @default false
   */
  readonly protectData?: boolean;
}

export class StatefulStore extends Construct {
  readonly serviceName: string;
  /** The labels the store's pods are selected by. */
  readonly selector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: StatefulStoreProps) {
    super(scope, id);
    const labels = componentLabels(props.name, props.role);
    const metadata = { name: props.name, labels, annotations: syncWave(SyncWave.DataStores) };
    const protectData = props.protectData ?? false;
    this.serviceName = props.name;
    this.selector = selectorLabels(props.name);
    const scratch = (props.scratchPaths ?? []).map((path, index) => ({ name: `scratch-${index}`, path }));

    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        selector: selectorLabels(props.name),
        ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
      },
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { ...metadata, annotations: { ...metadata.annotations, ...deletionGuard(protectData) } },
      spec: {
        serviceName: props.name,
        replicas: 1,
        selector: { matchLabels: selectorLabels(props.name) },
        // Keep the claim when the StatefulSet is scaled down; with the StatefulSet, delete it unless the data is protected.
        persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: protectData ? 'Retain' : 'Delete' },
        template: {
          metadata: { labels: { ...labels, ...props.podLabels } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(props.user),
            containers: [
              {
                name: props.name,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [...props.args],
                ports: props.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
                env: props.env ? [...props.env] : undefined,
                readinessProbe: props.readinessProbe,
                livenessProbe: props.livenessProbe,
                resources: {
                  requests: quantities(props.resources.requests),
                  limits: quantities(props.resources.limits),
                },
                securityContext: restrictedContainerSecurityContext(props.user),
                volumeMounts: [{ name: 'data', mountPath: props.dataPath }, ...scratch.map((s) => ({ name: s.name, mountPath: s.path }))],
              },
            ],
            volumes: scratch.length ? scratch.map((s) => ({ name: s.name, emptyDir: {} })) : undefined,
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: selectorLabels(props.name) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(props.storage) } },
            },
          },
        ],
      },
    });
  }
}

function quantities(values: Record<string, string>): Record<string, k8s.Quantity> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, k8s.Quantity.fromString(value)]));
}
