/**
 * The environment's namespace and its guard rails: Pod Security "restricted"
 * enforced by the API server, a ResourceQuota so one environment cannot starve
 * the shared cluster, and a LimitRange that gives defaults to anything that
 * forgets its own.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { deletionGuard, ENVIRONMENT_LABEL, PART_OF, SyncWave, syncWave } from './metadata.ts';

/** What the environment's pods may claim of the shared cluster, all together. */
export interface NamespaceQuota {
  /** CPU requests and limits, each (a Kubernetes quantity such as "2" or "1500m"). */
  readonly cpu: string;
  /** Memory requests and limits, each (a Kubernetes quantity such as "2Gi"). */
  readonly memory: string;
  /** Storage requested by all volume claims together. */
  readonly storage: string;
  readonly pods: number;
}

export interface EnvironmentNamespaceProps {
  /** The Namespace's name. */
  readonly name: string;
  /** The environment it holds, as its label says. */
  readonly environment: string;
  readonly quota: NamespaceQuota;
  /** The Pod Security Standard enforced, audited and warned about. @default 'restricted' */
  readonly podSecurityLevel?: 'restricted' | 'baseline';
  /** Argo CD prunes or deletes the Namespace (and everything in it) only after a person confirms. @default false */
  readonly protectData?: boolean;
}

export class EnvironmentNamespace extends Construct {
  constructor(scope: Construct, id: string, props: EnvironmentNamespaceProps) {
    super(scope, id);
    const { quota } = props;
    const level = props.podSecurityLevel ?? 'restricted';

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: props.name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          [ENVIRONMENT_LABEL]: props.environment,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/warn': level,
        },
        annotations: { ...syncWave(SyncWave.Namespace), ...deletionGuard(props.protectData ?? false) },
      },
    });

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'hivebox', annotations: syncWave(SyncWave.Guardrails) },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(quota.cpu),
          'limits.cpu': k8s.Quantity.fromString(quota.cpu),
          'requests.memory': k8s.Quantity.fromString(quota.memory),
          'limits.memory': k8s.Quantity.fromString(quota.memory),
          'requests.storage': k8s.Quantity.fromString(quota.storage),
          pods: k8s.Quantity.fromNumber(quota.pods),
          // Nothing in HiveBox needs a node port or a cloud load balancer; the cluster's shared Gateway fronts it.
          'services.nodeports': k8s.Quantity.fromNumber(0),
          'services.loadbalancers': k8s.Quantity.fromNumber(0),
        },
      },
    });

    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'hivebox', annotations: syncWave(SyncWave.Guardrails) },
      spec: {
        limits: [
          {
            type: 'Container',
            defaultRequest: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
            default: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('256Mi') },
            // No single container may claim more than the whole environment's quota.
            max: { cpu: k8s.Quantity.fromString(quota.cpu), memory: k8s.Quantity.fromString(quota.memory) },
          },
        ],
      },
    });
  }
}
