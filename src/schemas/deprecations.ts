/**
 * API versions Kubernetes deprecated, removed or had not yet served, by minor
 * version: the Kubernetes "Deprecated API Migration Guide"
 * (kubernetes.io/docs/reference/using-api/deprecation-guide/) plus the GA
 * versions of the replacements this repository may use. Small on purpose: the
 * kinds a GitOps repository carries, not every API the cluster serves.
 */
export interface ApiLifecycle {
  readonly apiVersion: string;
  /** Kinds this row covers; empty = every kind of that apiVersion. */
  readonly kinds: readonly string[];
  readonly deprecatedIn?: number;
  readonly removedIn?: number;
  /** The minor version that first serves it (GA); older targets reject it. */
  readonly introducedIn?: number;
  /** What to use instead. */
  readonly replacement?: string;
}

const row = (
  apiVersion: string,
  kinds: readonly string[],
  deprecatedIn: number | undefined,
  removedIn: number | undefined,
  replacement: string,
): ApiLifecycle => ({
  apiVersion,
  kinds,
  ...(deprecatedIn === undefined ? {} : { deprecatedIn }),
  ...(removedIn === undefined ? {} : { removedIn }),
  replacement,
});

const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];

export const API_LIFECYCLE: readonly ApiLifecycle[] = [
  row('extensions/v1beta1', WORKLOADS, 9, 16, 'apps/v1'),
  row('apps/v1beta1', WORKLOADS, 9, 16, 'apps/v1'),
  row('apps/v1beta2', WORKLOADS, 9, 16, 'apps/v1'),
  row('extensions/v1beta1', ['NetworkPolicy'], 9, 16, 'networking.k8s.io/v1'),
  row('extensions/v1beta1', ['Ingress'], 14, 22, 'networking.k8s.io/v1'),
  row('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], 19, 22, 'networking.k8s.io/v1'),
  row(
    'admissionregistration.k8s.io/v1beta1',
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    16,
    22,
    'admissionregistration.k8s.io/v1',
  ),
  row('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 16, 22, 'apiextensions.k8s.io/v1'),
  row('apiregistration.k8s.io/v1beta1', ['APIService'], 19, 22, 'apiregistration.k8s.io/v1'),
  row('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 19, 22, 'certificates.k8s.io/v1'),
  row('coordination.k8s.io/v1beta1', ['Lease'], 19, 22, 'coordination.k8s.io/v1'),
  row(
    'rbac.authorization.k8s.io/v1beta1',
    ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    17,
    22,
    'rbac.authorization.k8s.io/v1',
  ),
  row('scheduling.k8s.io/v1beta1', ['PriorityClass'], 14, 22, 'scheduling.k8s.io/v1'),
  row('storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], 19, 22, 'storage.k8s.io/v1'),
  row('batch/v1beta1', ['CronJob'], 21, 25, 'batch/v1'),
  row('discovery.k8s.io/v1beta1', ['EndpointSlice'], 21, 25, 'discovery.k8s.io/v1'),
  row('events.k8s.io/v1beta1', ['Event'], 19, 25, 'events.k8s.io/v1'),
  row('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 22, 25, 'autoscaling/v2'),
  row('policy/v1beta1', ['PodDisruptionBudget'], 21, 25, 'policy/v1'),
  row('policy/v1beta1', ['PodSecurityPolicy'], 21, 25, 'Pod Security Admission (namespace labels pod-security.kubernetes.io/*)'),
  row('node.k8s.io/v1beta1', ['RuntimeClass'], 20, 25, 'node.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], 23, 26, 'flowcontrol.apiserver.k8s.io/v1'),
  row('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 23, 26, 'autoscaling/v2'),
  row('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 24, 27, 'storage.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], 26, 29, 'flowcontrol.apiserver.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], 29, 32, 'flowcontrol.apiserver.k8s.io/v1'),
  row('v1', ['Endpoints'], 33, undefined, 'discovery.k8s.io/v1 EndpointSlice'),
  // Served from (GA in) these versions: a target older than that cannot apply them.
  { apiVersion: 'networking.k8s.io/v1', kinds: ['Ingress', 'IngressClass'], introducedIn: 19 },
  { apiVersion: 'policy/v1', kinds: ['PodDisruptionBudget'], introducedIn: 21 },
  { apiVersion: 'batch/v1', kinds: ['CronJob'], introducedIn: 21 },
  { apiVersion: 'discovery.k8s.io/v1', kinds: ['EndpointSlice'], introducedIn: 21 },
  { apiVersion: 'autoscaling/v2', kinds: ['HorizontalPodAutoscaler'], introducedIn: 23 },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kinds: ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
    introducedIn: 30,
  },
];

/** "1.31" → 31. */
export function kubernetesMinor(version: string): number {
  const match = /^1\.(\d+)(\.\d+)?$/.exec(version.trim());
  if (!match) throw new Error(`"${version}" is no Kubernetes version such as 1.31`);
  return Number(match[1]);
}

export function lifecycleOf(apiVersion: string, kind: string): ApiLifecycle | undefined {
  return API_LIFECYCLE.find((entry) => entry.apiVersion === apiVersion && (entry.kinds.length === 0 || entry.kinds.includes(kind)));
}
