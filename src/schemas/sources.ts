/**
 * Which kinds the schema registry knows and where each schema comes from, and which CRDs
 * `cdk8s import` types (src/imports/). Read by the maintainer's tools (src/schemas/generate.ts,
 * scripts/import-crds.ts); the runtime reads only the generated JSON under data/.
 */

import {
  ARGO_CD,
  CERT_MANAGER,
  componentByName,
  EXTERNAL_SECRETS,
  GATEWAY_API_VERSION,
  GATEWAY_CRDS,
  KYVERNO,
} from '../catalog/components.ts';

export interface RootKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The @kubernetes/client-node model class (its declaration file is dist/gen/models/<typeName>.d.ts). */
  readonly typeName: string;
}

const core = (apiVersion: string, kind: string, typeName: string): RootKind => ({ apiVersion, kind, typeName });

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

/**
 * Every CRD validate knows, and every one the constructs write, read from its project's own release, by
 * tag: the CRD files upstream publishes. src/schemas/generate.ts converts each served version's
 * openAPIV3Schema (crd-schema.ts) into data/<id>.json; scripts/import-crds.ts runs `cdk8s import` on the
 * kinds in `imports` (their storage version) into src/imports/<group>.ts. Both read each file from
 * raw.githubusercontent.com, or from a local mirror of the repository (HIVEBOX_GITHUB_MIRROR=<dir> holding
 * <owner>+<name>/repo, a bare clone) at the same tag.
 */
export interface CrdFileSource {
  readonly id: string;
  readonly description: string;
  readonly repository: string;
  readonly tag: string;
  readonly files: readonly string[];
  /** API group served from this document (src/schemas/index.ts) and the name of its import (src/imports/<group>.ts). */
  readonly group: string;
  /**
   * The kinds the constructs write, typed by `cdk8s import`.
   * @default none: schemas only
   */
  readonly imports?: readonly string[];
}

/** A CRD file set read at a tag other than the pin says: the nearest release the mirror this was generated from held. */
const nearest = (pinned: string, read: string) => `${read} (pinned ${pinned}; ${read} is the nearest release read, regenerate at the pin)`;

export const CRD_FILE_SOURCES: readonly CrdFileSource[] = [
  {
    id: 'gateway-api',
    description: `kubernetes-sigs/gateway-api ${GATEWAY_API_VERSION}, standard channel (config/crd/standard)`,
    repository: 'kubernetes-sigs/gateway-api',
    tag: GATEWAY_API_VERSION,
    files: ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants', 'grpcroutes'].map(
      (plural) => `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`,
    ),
    group: 'gateway.networking.k8s.io',
    imports: ['GatewayClass', 'Gateway', 'HTTPRoute'],
  },
  {
    id: 'envoy-gateway',
    description: `envoyproxy/gateway ${componentByName(GATEWAY_CRDS).version} (charts/gateway-crds-helm, EnvoyProxy)`,
    repository: 'envoyproxy/gateway',
    tag: componentByName(GATEWAY_CRDS).version,
    files: ['charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_envoyproxies.yaml'],
    group: 'gateway.envoyproxy.io',
  },
  {
    // The CRDs argo-helm's argo-cd chart 10.1.1 installs are those of its appVersion, v3.4.4 (the same files
    // at v3.4.7, the image charts/argo-cd/values.yaml runs).
    id: 'argo-cd',
    description: `argoproj/argo-cd v3.4.4, the CRDs of chart argo-cd ${componentByName(ARGO_CD).version} (manifests/crds)`,
    repository: 'argoproj/argo-cd',
    tag: 'v3.4.4',
    files: ['application', 'appproject', 'applicationset'].map((name) => `manifests/crds/${name}-crd.yaml`),
    group: 'argoproj.io',
    imports: ['Application', 'AppProject'],
  },
  {
    id: 'cert-manager',
    description: `cert-manager/cert-manager ${nearest(componentByName(CERT_MANAGER).version, 'v1.21.1')} (deploy/crds)`,
    repository: 'cert-manager/cert-manager',
    tag: 'v1.21.1',
    files: ['certificates', 'clusterissuers', 'issuers'].map((plural) => `deploy/crds/cert-manager.io_${plural}.yaml`),
    group: 'cert-manager.io',
    imports: ['ClusterIssuer'],
  },
  {
    // prometheus-operator-crds 32.0.0 carries prometheus-operator v0.94.0 (src/catalog/components.ts).
    id: 'prometheus-operator',
    description: `prometheus-operator/prometheus-operator ${nearest('v0.94.0', 'v0.93.0')} (example/prometheus-operator-crd)`,
    repository: 'prometheus-operator/prometheus-operator',
    tag: 'v0.93.0',
    files: ['servicemonitors', 'podmonitors', 'prometheusrules'].map(
      (plural) => `example/prometheus-operator-crd/monitoring.coreos.com_${plural}.yaml`,
    ),
    group: 'monitoring.coreos.com',
    imports: ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'],
  },
  {
    // The chart's version is the operator's (installCRDs packages config/crds/bases).
    id: 'external-secrets',
    description: `external-secrets/external-secrets ${nearest(`v${componentByName(EXTERNAL_SECRETS).version}`, 'v2.9.0')} (config/crds/bases)`,
    repository: 'external-secrets/external-secrets',
    tag: 'v2.9.0',
    files: ['externalsecrets', 'secretstores', 'clustersecretstores', 'clusterexternalsecrets'].map(
      (plural) => `config/crds/bases/external-secrets.io_${plural}.yaml`,
    ),
    group: 'external-secrets.io',
    imports: ['ExternalSecret', 'ClusterSecretStore'],
  },
  {
    // Chart kyverno 3.9.x carries Kyverno v1.19.x; its crds subchart templates config/crds/kyverno.
    id: 'kyverno',
    description: `kyverno/kyverno ${nearest(`chart ${componentByName(KYVERNO).version}`, 'v1.19.0')} (config/crds/kyverno)`,
    repository: 'kyverno/kyverno',
    tag: 'v1.19.0',
    files: ['clusterpolicies', 'policies'].map((plural) => `config/crds/kyverno/kyverno.io_${plural}.yaml`),
    group: 'kyverno.io',
    imports: ['ClusterPolicy'],
  },
];
