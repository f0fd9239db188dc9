/**
 * Which kinds the schema registry knows and where each schema comes from.
 * Read by the generator (src/schemas/generate.ts); the runtime reads only the
 * generated JSON under data/.
 */

import { componentByName, GATEWAY_API_VERSION, GATEWAY_CRDS } from '../catalog/components.ts';

export interface RootKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The exported type in the declaration file. */
  readonly typeName: string;
  /** The declaration file, relative to the package root (CRD sources only). */
  readonly file: string;
}

const core = (apiVersion: string, kind: string, typeName: string): RootKind => ({ apiVersion, kind, typeName, file: '' });

/** Kubernetes' own kinds a GitOps repository may carry (not the ones only a cluster creates, such as Event). */
export const CORE_KINDS: readonly RootKind[] = [
  core('v1', 'ConfigMap', 'V1ConfigMap'),
  core('v1', 'Secret', 'V1Secret'),
  core('v1', 'Service', 'V1Service'),
  core('v1', 'ServiceAccount', 'V1ServiceAccount'),
  core('v1', 'Namespace', 'V1Namespace'),
  core('v1', 'Pod', 'V1Pod'),
  core('v1', 'PodTemplate', 'V1PodTemplate'),
  core('v1', 'PersistentVolumeClaim', 'V1PersistentVolumeClaim'),
  core('v1', 'PersistentVolume', 'V1PersistentVolume'),
  core('v1', 'LimitRange', 'V1LimitRange'),
  core('v1', 'ResourceQuota', 'V1ResourceQuota'),
  core('v1', 'Endpoints', 'V1Endpoints'),
  core('v1', 'ReplicationController', 'V1ReplicationController'),
  core('apps/v1', 'Deployment', 'V1Deployment'),
  core('apps/v1', 'StatefulSet', 'V1StatefulSet'),
  core('apps/v1', 'DaemonSet', 'V1DaemonSet'),
  core('apps/v1', 'ReplicaSet', 'V1ReplicaSet'),
  core('batch/v1', 'Job', 'V1Job'),
  core('batch/v1', 'CronJob', 'V1CronJob'),
  core('autoscaling/v1', 'HorizontalPodAutoscaler', 'V1HorizontalPodAutoscaler'),
  core('autoscaling/v2', 'HorizontalPodAutoscaler', 'V2HorizontalPodAutoscaler'),
  core('policy/v1', 'PodDisruptionBudget', 'V1PodDisruptionBudget'),
  core('networking.k8s.io/v1', 'NetworkPolicy', 'V1NetworkPolicy'),
  core('networking.k8s.io/v1', 'Ingress', 'V1Ingress'),
  core('networking.k8s.io/v1', 'IngressClass', 'V1IngressClass'),
  core('rbac.authorization.k8s.io/v1', 'Role', 'V1Role'),
  core('rbac.authorization.k8s.io/v1', 'RoleBinding', 'V1RoleBinding'),
  core('rbac.authorization.k8s.io/v1', 'ClusterRole', 'V1ClusterRole'),
  core('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'V1ClusterRoleBinding'),
  core('storage.k8s.io/v1', 'StorageClass', 'V1StorageClass'),
  core('scheduling.k8s.io/v1', 'PriorityClass', 'V1PriorityClass'),
  core('coordination.k8s.io/v1', 'Lease', 'V1Lease'),
  core('discovery.k8s.io/v1', 'EndpointSlice', 'V1EndpointSlice'),
  core('node.k8s.io/v1', 'RuntimeClass', 'V1RuntimeClass'),
  core('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'V1CustomResourceDefinition'),
  core('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'V1ValidatingWebhookConfiguration'),
  core('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'V1MutatingWebhookConfiguration'),
  core('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'V1ValidatingAdmissionPolicy'),
  core('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', 'V1ValidatingAdmissionPolicyBinding'),
];

export interface CrdSource {
  /** The data file's name (data/<id>.json) and its $id for cross-references. */
  readonly id: string;
  readonly description: string;
  /** The npm package@version to read; none = a declaration file in this folder. */
  readonly package?: string;
  readonly kinds: readonly RootKind[];
}

const crd = (apiVersion: string, kind: string, file: string, typeName = `I${kind}`): RootKind => ({ apiVersion, kind, typeName, file });

/**
 * The newest majors: they track the current upstream CRDs (cert-manager's
 * http01.ingress.ingressClassName, External Secrets' external-secrets.io/v1 are
 * missing from the Node-20 majors). Only their declaration files are read, as
 * data, at generation time; their code (which needs Node 22) is never installed
 * or run. Types they import from other packages are not fetched and stay
 * free-form (e.g. a pod template inside an ACME solver).
 */
export const CRD_SOURCES: readonly CrdSource[] = [
  {
    id: 'argo-cd',
    description: '@kubernetes-models/argo-cd@4.0.0 (Argo CD 3.x CRDs)',
    package: '@kubernetes-models/argo-cd@4.0.0',
    kinds: [
      crd('argoproj.io/v1alpha1', 'Application', 'argoproj.io/v1alpha1/Application.d.ts'),
      crd('argoproj.io/v1alpha1', 'AppProject', 'argoproj.io/v1alpha1/AppProject.d.ts'),
      crd('argoproj.io/v1alpha1', 'ApplicationSet', 'argoproj.io/v1alpha1/ApplicationSet.d.ts'),
    ],
  },
  {
    id: 'cert-manager',
    description: '@kubernetes-models/cert-manager@6.0.0 (cert-manager CRDs)',
    package: '@kubernetes-models/cert-manager@6.0.0',
    kinds: [
      crd('cert-manager.io/v1', 'Certificate', 'cert-manager.io/v1/Certificate.d.ts'),
      crd('cert-manager.io/v1', 'ClusterIssuer', 'cert-manager.io/v1/ClusterIssuer.d.ts'),
      crd('cert-manager.io/v1', 'Issuer', 'cert-manager.io/v1/Issuer.d.ts'),
    ],
  },
  {
    id: 'prometheus-operator',
    description: '@kubernetes-models/prometheus-operator@6.0.0 (prometheus-operator CRDs)',
    package: '@kubernetes-models/prometheus-operator@6.0.0',
    kinds: [
      crd('monitoring.coreos.com/v1', 'ServiceMonitor', 'monitoring.coreos.com/v1/ServiceMonitor.d.ts'),
      crd('monitoring.coreos.com/v1', 'PodMonitor', 'monitoring.coreos.com/v1/PodMonitor.d.ts'),
      crd('monitoring.coreos.com/v1', 'PrometheusRule', 'monitoring.coreos.com/v1/PrometheusRule.d.ts'),
    ],
  },
  {
    id: 'external-secrets',
    description: '@kubernetes-models/external-secrets@2.0.0 (External Secrets Operator CRDs, external-secrets.io/v1)',
    package: '@kubernetes-models/external-secrets@2.0.0',
    kinds: [
      crd('external-secrets.io/v1', 'ExternalSecret', 'external-secrets.io/v1/ExternalSecret.d.ts'),
      crd('external-secrets.io/v1', 'SecretStore', 'external-secrets.io/v1/SecretStore.d.ts'),
      crd('external-secrets.io/v1', 'ClusterSecretStore', 'external-secrets.io/v1/ClusterSecretStore.d.ts'),
      crd('external-secrets.io/v1', 'ClusterExternalSecret', 'external-secrets.io/v1/ClusterExternalSecret.d.ts'),
    ],
  },
  {
    id: 'kyverno',
    description: 'src/schemas/kyverno-types.ts (Kyverno kyverno.io/v1 CRDs, transcribed by hand)',
    kinds: [
      crd('kyverno.io/v1', 'ClusterPolicy', 'kyverno-types.ts', 'ClusterPolicy'),
      crd('kyverno.io/v1', 'Policy', 'kyverno-types.ts', 'Policy'),
    ],
  },
];

/**
 * CRDs read from their own release, by tag, rather than from an npm models package: the Gateway API's
 * standard channel at the release gateway-crds installs, and Envoy Gateway's EnvoyProxy at the controller's
 * version. src/schemas/generate.ts reads each file from raw.githubusercontent.com, or from a local mirror of
 * the repository (HIVEBOX_GITHUB_MIRROR=<dir> holding <owner>+<name>/repo, a bare clone) at the same tag.
 */
export interface CrdFileSource {
  readonly id: string;
  readonly description: string;
  readonly repository: string;
  readonly tag: string;
  readonly files: readonly string[];
  /** API group served from this document (src/schemas/index.ts). */
  readonly group: string;
}

export const CRD_FILE_SOURCES: readonly CrdFileSource[] = [
  {
    id: 'gateway-api',
    description: `kubernetes-sigs/gateway-api ${GATEWAY_API_VERSION}, standard channel (config/crd/standard)`,
    repository: 'kubernetes-sigs/gateway-api',
    tag: GATEWAY_API_VERSION,
    files: ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants', 'grpcroutes'].map((plural) => `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`),
    group: 'gateway.networking.k8s.io',
  },
  {
    id: 'envoy-gateway',
    description: `envoyproxy/gateway ${componentByName(GATEWAY_CRDS).version} (charts/gateway-crds-helm, EnvoyProxy)`,
    repository: 'envoyproxy/gateway',
    tag: componentByName(GATEWAY_CRDS).version,
    files: ['charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_envoyproxies.yaml'],
    group: 'gateway.envoyproxy.io',
  },
];
