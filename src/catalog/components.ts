/**
 * The in-cluster platform HiveBox relies on: one entry per Helm chart, pinned
 * to an exact version. Values live beside it in charts/<name>/values.yaml
 * (every cluster) and charts/<name>/values-<cluster>.yaml (that cluster only).
 *
 * Versions were checked against each chart's published releases; the values
 * files use only keys the chart's own values.yaml / README documents.
 */
import type { GroupKind } from '../kube/manifest.ts';
import type { PodSecurity } from './pod-security.ts';

/** Where every cluster's Argo CD, its Applications and AppProjects live (here, apart from the cdk8s constructs, for validate). */
export const ARGOCD_NAMESPACE = 'argocd';

export interface PlatformComponent {
  /** Also the folder under charts/ and the Application name prefix. */
  readonly name: string;
  /** What it does for HiveBox (the README's platform table). */
  readonly purpose: string;
  readonly namespace: string;
  /** The Helm repository (https) the chart comes from. */
  readonly repoURL: string;
  readonly chart: string;
  /** Exact chart version: no ranges, so a cluster never upgrades by surprise. */
  readonly version: string;
  /** Cluster-scoped kinds the chart (and the manifests we add to it) create. */
  readonly clusterKinds: readonly GroupKind[];
  /** Extra Argo CD sync options the chart needs, with the reason beside each. */
  readonly syncOptions?: readonly string[];
  /** API groups whose CRDs the chart installs (what later waves may rely on). */
  readonly crdGroups: readonly string[];
  /**
   * Custom-resource kinds the chart itself renders with this repository's values
   * (a ServiceMonitor, say): their CRDs must exist before the chart syncs.
   */
  readonly customKinds: readonly GroupKind[];
  /**
   * Custom-resource kinds the running controller watches and fails without (cert-manager with the
   * Gateway API on crash-loops until its CRDs exist): their CRDs must exist before the chart syncs too.
   * @default none
   */
  readonly watchedKinds?: readonly GroupKind[];
  /**
   * A project of its own, allowed exactly what the chart creates, for a component no other
   * chart may touch (Argo CD: whatever writes into its namespace controls every cluster it deploys).
   * @default the shared platform project
   */
  readonly project?: { readonly name: string; readonly namespacedKinds: readonly GroupKind[] };
  /**
   * The strictest Pod Security Standard every pod of the component meets (its chart's, rendered with this
   * repository's values, and those its controller creates), with the evidence beside it: its namespace
   * enforces it (pod-security.ts), and anything below restricted says why.
   */
  readonly podSecurity: PodSecurity;
}

const SERVICE_MONITOR: GroupKind = { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' };
/** The Gateway API group (standard channel, GATEWAY_API_VERSION). */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const GATEWAY: GroupKind = { group: GATEWAY_API_GROUP, kind: 'Gateway' };
const HTTP_ROUTE: GroupKind = { group: GATEWAY_API_GROUP, kind: 'HTTPRoute' };
const PROMETHEUS_RULE: GroupKind = { group: 'monitoring.coreos.com', kind: 'PrometheusRule' };

const CRD: GroupKind = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };
const CLUSTER_ROLE: GroupKind = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
const CLUSTER_ROLE_BINDING: GroupKind = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' };
const VALIDATING_WEBHOOK: GroupKind = { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' };
const MUTATING_WEBHOOK: GroupKind = { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' };
const NAMESPACE: GroupKind = { group: '', kind: 'Namespace' };
const VALIDATING_ADMISSION_POLICY: GroupKind = { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' };
const VALIDATING_ADMISSION_POLICY_BINDING: GroupKind = { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' };
const RBAC = [CLUSTER_ROLE, CLUSTER_ROLE_BINDING];

export const PROMETHEUS_OPERATOR_CRDS = 'prometheus-operator-crds';
export const ARGO_CD = 'argo-cd';
export const CERT_MANAGER = 'cert-manager';
export const EXTERNAL_DNS = 'external-dns';
export const GATEWAY_CRDS = 'gateway-crds';
export const ENVOY_GATEWAY = 'envoy-gateway';
export const KUBE_PROMETHEUS_STACK = 'kube-prometheus-stack';
export const LOKI = 'loki';
export const ALLOY = 'alloy';
export const KYVERNO = 'kyverno';
export const EXTERNAL_SECRETS = 'external-secrets';
export const OPENCOST = 'opencost';

/** The namespace of Envoy Gateway, its Envoys and the cluster's shared Gateway (NetworkPolicies refer to it). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway';
/** The namespace Prometheus, Alertmanager and Grafana run in (NetworkPolicies refer to it). */
export const MONITORING_NAMESPACE = 'monitoring';
export const LOGGING_NAMESPACE = 'logging';

// Server-side apply: these charts ship CRDs too large for the last-applied annotation of client-side apply.
const SERVER_SIDE_APPLY = 'ServerSideApply=true';

/*
 * crdGroups and customKinds were read from each chart's sources rendered with this repository's values
 * (helm template --include-crds): the pinned version where the sources had it, else the nearest one
 * (cert-manager v1.21.1, external-secrets 2.9.0, kyverno 3.9.0, kube-prometheus-stack 88.5.3).
 */
/*
 * podSecurity was read from each chart at the pinned version where the sources had it, else the nearest (as above;
 * alloy 1.11.0, loki 6.53.0, argo-cd 10.1.1, opencost 2.5.17, external-dns 1.21.1, envoy-gateway v1.9.0), rendered
 * with `helm template` (helm 4.1.4) and charts/<component>/values*.yaml of both clusters, every pod checked with the
 * restricted profile's rules of src/validate/checks/security.ts (kubernetes.io/docs/concepts/security/pod-security-standards;
 * k8s.io/pod-security-admission policy/check_*.go). Helm test pods are left out: Argo CD never runs them.
 */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = [
  {
    // The monitoring.coreos.com CRDs alone, before every chart that renders a ServiceMonitor or
    // PrometheusRule. 32.0.0 carries prometheus-operator v0.94.0, the operator in kube-prometheus-stack
    // 91.5.0 (91.0.0 moved to v0.94.0, 91.5.1 to v0.94.1): move the two together.
    name: PROMETHEUS_OPERATOR_CRDS,
    purpose: 'The Prometheus Operator CRDs (ServiceMonitor, PrometheusRule…), installed before every chart that uses them',
    namespace: MONITORING_NAMESPACE,
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'prometheus-operator-crds',
    version: '32.0.0',
    clusterKinds: [CRD],
    syncOptions: [SERVER_SIDE_APPLY],
    crdGroups: ['monitoring.coreos.com'],
    customKinds: [],
    // CRDs only: no pod.
    podSecurity: { level: 'restricted' },
  },
  {
    name: ARGO_CD,
    purpose: 'Argo CD itself, managed from this repository: SSO, RBAC (only the release role syncs prod), notifications',
    namespace: ARGOCD_NAMESPACE,
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-cd',
    // Argo CD v3.4 (chart appVersion v3.4.4, image raised to v3.4.7 in charts/argo-cd/values.yaml): the newest
    // chart published; no chart ships 3.5 yet. Rendered with charts/argo-cd/values*.yaml it creates exactly
    // the three argoproj.io CRDs and the controller's, server's and notification controller's ClusterRoles.
    version: '10.1.1',
    clusterKinds: [CRD, ...RBAC],
    syncOptions: [SERVER_SIDE_APPLY],
    crdGroups: ['argoproj.io'],
    customKinds: [],
    project: {
      name: 'argocd',
      // `helm template` of chart 10.1.1 with charts/argo-cd/values*.yaml (both clusters render the same kinds),
      // plus the ExternalSecrets of argocd/<cluster>/platform/argo-cd/.
      namespacedKinds: [
        { group: '', kind: 'ConfigMap' },
        { group: '', kind: 'Secret' },
        { group: '', kind: 'Service' },
        { group: '', kind: 'ServiceAccount' },
        { group: 'apps', kind: 'Deployment' },
        { group: 'apps', kind: 'StatefulSet' },
        { group: 'batch', kind: 'Job' },
        { group: 'external-secrets.io', kind: 'ExternalSecret' },
        { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
        { group: 'rbac.authorization.k8s.io', kind: 'Role' },
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
      ],
    },
    // Controller, repo server, server, ApplicationSet and notifications controllers, Redis and its secret-init
    // hook Job: the chart's containerSecurityContext defaults (runAsNonRoot, allowPrivilegeEscalation false, drop
    // ALL, seccomp RuntimeDefault) and global.securityContext of charts/argo-cd/values.yaml for the pods. Its
    // namespace is made at bootstrap (bootstrap/namespace/), not by its Application.
    podSecurity: { level: 'restricted' },
  },
  {
    name: CERT_MANAGER,
    purpose:
      "TLS certificates from Let's Encrypt for every Gateway listener (ClusterIssuers letsencrypt-staging and letsencrypt-production, HTTP-01 through the Gateway)",
    namespace: 'cert-manager',
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.21.2',
    clusterKinds: [CRD, ...RBAC, VALIDATING_WEBHOOK, MUTATING_WEBHOOK, { group: 'cert-manager.io', kind: 'ClusterIssuer' }],
    // crds.enabled; no ServiceMonitor or PodMonitor (prometheus.servicemonitor / podmonitor stay off).
    crdGroups: ['cert-manager.io', 'acme.cert-manager.io'],
    customKinds: [],
    // config.gatewayAPI.enabled: the controller exits while the Gateway API CRDs are missing (v1.21.1
    // pkg/controller/context.go: "the Gateway API CRDs do not seem to be present… crashloopbackoff").
    watchedKinds: [GATEWAY, HTTP_ROUTE],
    // Controller, webhook, cainjector and the startupapicheck Job: the chart's securityContext (runAsNonRoot,
    // seccomp RuntimeDefault) and containerSecurityContext (allowPrivilegeEscalation false, drop ALL) defaults.
    // The ACME HTTP-01 solver pods it creates run beside the Gateway, in envoy-gateway (see there).
    podSecurity: { level: 'restricted' },
  },
  {
    name: EXTERNAL_SECRETS,
    purpose: 'External Secrets Operator: a ClusterSecretStore per environment; HiveBox credentials never enter Git',
    namespace: 'external-secrets',
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.14.0',
    clusterKinds: [CRD, ...RBAC, VALIDATING_WEBHOOK, NAMESPACE, { group: 'external-secrets.io', kind: 'ClusterSecretStore' }],
    syncOptions: [SERVER_SIDE_APPLY],
    // installCRDs (config/crds/bases, packaged into the chart); serviceMonitor.renderMode alwaysRender
    // renders the controller's and the webhook's ServiceMonitors whether or not the CRD exists yet.
    crdGroups: ['external-secrets.io', 'generators.external-secrets.io'],
    customKinds: [SERVICE_MONITOR],
    // Controller, webhook and cert controller: the chart's container securityContext defaults (runAsNonRoot,
    // runAsUser 1000, seccomp RuntimeDefault, allowPrivilegeEscalation false, drop ALL) on each.
    podSecurity: { level: 'restricted' },
  },
  {
    name: KYVERNO,
    purpose: 'Policy as code: Pod Security "restricted", no :latest, resources required, cosign keyless signature of the HiveBox image',
    namespace: 'kyverno',
    repoURL: 'https://kyverno.github.io/kyverno',
    chart: 'kyverno',
    version: '3.9.1',
    clusterKinds: [CRD, ...RBAC, VALIDATING_WEBHOOK, MUTATING_WEBHOOK, { group: 'kyverno.io', kind: 'ClusterPolicy' }],
    syncOptions: [SERVER_SIDE_APPLY],
    // The crds subchart (kyverno.io, reports.kyverno.io, wgpolicyk8s.io) and the kyverno-api dependency
    // (policies.kyverno.io), both under crds.install; openreports.installCrds is off.
    crdGroups: ['kyverno.io', 'policies.kyverno.io', 'reports.kyverno.io', 'wgpolicyk8s.io'],
    customKinds: [SERVICE_MONITOR],
    // Admission (and its init container), background, cleanup and reports controllers, and the hook Jobs
    // (migrate-resources, rm-webhooks, scale-to-zero): the chart's container securityContext defaults of each
    // (runAsNonRoot, runAsUser 65534, seccomp RuntimeDefault, allowPrivilegeEscalation false, drop ALL).
    podSecurity: { level: 'restricted' },
  },
  {
    name: KUBE_PROMETHEUS_STACK,
    purpose: 'Prometheus Operator, Prometheus, Alertmanager and Grafana: HiveBox metrics, dashboard and alerts',
    namespace: MONITORING_NAMESPACE,
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '91.5.0',
    clusterKinds: [CRD, ...RBAC, VALIDATING_WEBHOOK, MUTATING_WEBHOOK],
    syncOptions: [SERVER_SIDE_APPLY],
    // crds.enabled: false (prometheus-operator-crds installs them).
    crdGroups: [],
    customKinds: [
      SERVICE_MONITOR,
      PROMETHEUS_RULE,
      { group: 'monitoring.coreos.com', kind: 'Prometheus' },
      { group: 'monitoring.coreos.com', kind: 'Alertmanager' },
    ],
    // prometheus-node-exporter (nodeExporter.enabled, true by default; 4.56.1 values.yaml and templates/daemonset.yaml)
    // runs with hostNetwork and hostPID and mounts the node's /proc, /sys and / as hostPath volumes: the baseline
    // profile forbids each (pod-security-admission policy/check_hostNamespaces.go, check_hostPathVolumes.go).
    // Everything else meets restricted: Grafana 12.11.1, kube-state-metrics 8.4.0, the operator and its admission
    // Jobs (rendered), and Prometheus and Alertmanager (their securityContext: runAsNonRoot, seccomp RuntimeDefault;
    // the operator's containers drop ALL, no escalation). The node exporter alone in a namespace of its own
    // (prometheus-node-exporter.namespaceOverride) would let monitoring enforce restricted.
    podSecurity: {
      level: 'privileged',
      reason:
        'prometheus-node-exporter reads the node itself: hostNetwork, hostPID and hostPath mounts of /proc, /sys and /, which only privileged admits',
    },
  },
  {
    // The Gateway API CRDs, standard channel, v1.6.1 exactly (gateway.networking.k8s.io/bundle-version on every
    // CRD), and Envoy Gateway's own (EnvoyProxy…), both from Envoy Gateway's CRD chart at the controller's
    // version: templates/standard-gatewayapi-crds.yaml is the upstream standard install, its safe-upgrades
    // ValidatingAdmissionPolicy included. Alone, before every chart that renders or watches these kinds.
    name: GATEWAY_CRDS,
    purpose: "The Gateway API CRDs (standard channel, v1.6.1) and Envoy Gateway's, installed before everything that uses them",
    namespace: ENVOY_GATEWAY_NAMESPACE,
    repoURL: 'docker.io/envoyproxy',
    chart: 'gateway-crds-helm',
    version: 'v1.9.0',
    clusterKinds: [CRD, VALIDATING_ADMISSION_POLICY, VALIDATING_ADMISSION_POLICY_BINDING],
    syncOptions: [SERVER_SIDE_APPLY],
    crdGroups: [GATEWAY_API_GROUP, 'gateway.envoyproxy.io'],
    customKinds: [],
    // CRDs and admission policies only: no pod.
    podSecurity: { level: 'restricted' },
  },
  {
    // Envoy Gateway v1.9.0: the controller; it runs one Envoy Deployment per Gateway in its own namespace.
    // The chart's CRD subchart is off (crds.enabled: false): gateway-crds owns them. Rendered from the
    // chart sources at tag v1.9.0 (charts/gateway-helm/templates): ClusterRoles/Bindings, the topology
    // injector's MutatingWebhookConfiguration, and namespaced kinds only; no custom resources.
    name: ENVOY_GATEWAY,
    purpose: 'The Gateway API implementation: one shared Gateway per cluster, HTTP→HTTPS redirect, an HTTPS listener per environment host',
    namespace: ENVOY_GATEWAY_NAMESPACE,
    repoURL: 'docker.io/envoyproxy',
    chart: 'gateway-helm',
    version: 'v1.9.0',
    clusterKinds: [...RBAC, MUTATING_WEBHOOK, { group: GATEWAY_API_GROUP, kind: 'GatewayClass' }],
    crdGroups: [],
    customKinds: [],
    // The controller lists Gateway API resources at start (its provider fails without the CRDs).
    watchedKinds: [GATEWAY, HTTP_ROUTE],
    // The controller and the certgen Job: the chart's securityContext defaults (runAsNonRoot, allowPrivilegeEscalation
    // false, drop ALL, seccomp RuntimeDefault). The Envoy Deployments it creates for the Gateway: both containers get
    // resource.DefaultSecurityContext() (the same, and runAsUser 65532; v1.9.0 internal/infrastructure/kubernetes/
    // proxy/resource.go), and the EnvoyProxy of src/platform/gateway.ts sets none. cert-manager's ACME HTTP-01
    // solver pods, which run here too, set runAsNonRoot, seccomp RuntimeDefault, allowPrivilegeEscalation false and
    // drop ALL (cert-manager v1.21.1 pkg/issuer/acme/http/pod.go).
    podSecurity: { level: 'restricted' },
  },
  {
    name: EXTERNAL_DNS,
    purpose: 'DNS records for every HTTPRoute hostname (gateway-httproute source), owned per cluster (TXT registry)',
    namespace: 'external-dns',
    repoURL: 'https://kubernetes-sigs.github.io/external-dns',
    chart: 'external-dns',
    version: '1.21.1',
    clusterKinds: RBAC,
    // The chart's crds/ folder holds the DNSEndpoint CRD, which Argo CD applies (it passes --include-crds).
    crdGroups: ['externaldns.k8s.io'],
    customKinds: [SERVICE_MONITOR],
    // The gateway-httproute source waits for its Gateway and HTTPRoute informers to sync, and exits when they cannot.
    watchedKinds: [GATEWAY, HTTP_ROUTE],
    // The chart's podSecurityContext (runAsNonRoot, seccomp RuntimeDefault) and securityContext (runAsUser 65532,
    // allowPrivilegeEscalation false, drop ALL) defaults.
    podSecurity: { level: 'restricted' },
  },
  {
    name: LOKI,
    purpose: 'Log storage (single binary), a Grafana data source',
    namespace: LOGGING_NAMESPACE,
    repoURL: 'https://grafana.github.io/helm-charts',
    chart: 'loki',
    version: '6.53.0',
    clusterKinds: RBAC,
    // No ServiceMonitor, PrometheusRule, GrafanaAgent or PodLogs: monitoring.serviceMonitor, .rules and
    // .selfMonitoring are off by default (and the first two render only when the cluster serves their CRD).
    crdGroups: [],
    customKinds: [],
    // The single binary (with its rules sidecar) and the nginx gateway: the chart's loki.podSecurityContext and
    // gateway.podSecurityContext (runAsNonRoot) and their container contexts (allowPrivilegeEscalation false, drop
    // ALL); the chart sets no seccomp profile, so charts/loki/values.yaml adds RuntimeDefault to both pod contexts.
    // Canary, caches, MinIO and tests are off.
    podSecurity: { level: 'restricted' },
  },
  {
    name: ALLOY,
    purpose: "Grafana Alloy: collects every pod's logs, labelled with environment and app, into Loki",
    namespace: LOGGING_NAMESPACE,
    repoURL: 'https://grafana.github.io/helm-charts',
    chart: 'alloy',
    version: '1.11.0',
    clusterKinds: [CRD, ...RBAC],
    // crds.create (default true): the PodLogs CRD, which nothing here uses; serviceMonitor.enabled is off.
    crdGroups: ['monitoring.grafana.com'],
    customKinds: [],
    // The DaemonSet reads logs through the Kubernetes API (loki.source.kubernetes), not the node's files:
    // alloy.mounts.varlog and .dockercontainers stay false, so no hostPath. The image runs as root unless told
    // otherwise (Alloy v1.18.0 docs/sources/access_permissions/kubernetes.md): charts/alloy/values.yaml runs it
    // as its alloy user (473) and the config reloader as nobody, with seccomp RuntimeDefault, no privilege
    // escalation and no capabilities (global.podSecurityContext, alloy.securityContext, configReloader.securityContext).
    podSecurity: { level: 'restricted' },
  },
  {
    name: OPENCOST,
    purpose: 'OpenCost: the cost of every namespace from the in-cluster Prometheus, for the budget alerts of env.yaml `budget`',
    namespace: 'opencost',
    repoURL: 'https://opencost.github.io/opencost-helm-chart',
    chart: 'opencost',
    // OpenCost v1.120.1. `helm template` (helm 4.1.4) of the chart's sources at tag opencost-2.5.17 with
    // charts/opencost/values*.yaml renders, on both clusters: ClusterRole, ClusterRoleBinding, Deployment,
    // Service, ServiceAccount and ServiceMonitor; no CRDs (the UI and MCP server are off).
    version: '2.5.17',
    clusterKinds: RBAC,
    crdGroups: [],
    customKinds: [SERVICE_MONITOR],
    // The exporter: the chart's podSecurityContext and containerSecurityContext defaults (runAsNonRoot, seccomp
    // RuntimeDefault, allowPrivilegeEscalation false, drop ALL).
    podSecurity: { level: 'restricted' },
  },
];

export function componentByName(name: string): PlatformComponent {
  const component = PLATFORM_COMPONENTS.find((c) => c.name === name);
  if (!component) throw new Error(`unknown platform component ${name}`);
  return component;
}

/** The Gateway API release whose standard-channel CRDs gateway-crds installs, and whose kinds validate checks. */
export const GATEWAY_API_VERSION = 'v1.6.1';
