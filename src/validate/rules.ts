/**
 * Every rule `validate` applies: its id (the one a waiver names), what it
 * requires and the one-line fix the report prints under a finding.
 */
import { ALLOW_LIST_DESCRIPTION } from './checks/parity.ts';
import type { RuleInfo } from './types.ts';

const rule = (id: string, category: RuleInfo['category'], title: string, fix: string, severity: RuleInfo['severity'] = 'error'): RuleInfo => ({
  id,
  category,
  severity,
  title,
  fix,
});

export const RULES: readonly RuleInfo[] = [
  // Schemas
  rule('schema-unknown-field', 'schema', 'Every field exists in the schema of the kind and API version', 'Remove the field or fix its spelling; check the API version the field belongs to.'),
  rule('schema-invalid', 'schema', 'Required fields are present and values have the schema type', 'Set the field to a value of the expected type.'),
  rule('schema-unknown-kind', 'schema', 'The kind is a Kubernetes API or a CRD with a known schema', 'Use a Kubernetes or supported CRD kind and API version, or add its schema to src/schemas.'),
  rule('api-removed', 'schema', 'The API version is served by the target Kubernetes version', 'Move to the replacement API version named in the message.'),
  rule('api-deprecated', 'schema', 'The API version is not deprecated in the target Kubernetes version', 'Move to the replacement API version before it is removed.', 'warning'),
  // Security: Pod Security Standards "restricted" (which includes "baseline")
  rule('pss-privileged', 'security', 'No privileged containers', 'Remove securityContext.privileged or set it to false.'),
  rule('pss-host-namespaces', 'security', 'No host network, PID or IPC namespace', 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).'),
  rule('pss-host-ports', 'security', 'No host ports', 'Remove hostPort from the container ports; expose the pod through a Service.'),
  rule('pss-host-path', 'security', 'No hostPath volumes', 'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.'),
  rule('pss-volume-types', 'security', 'Only restricted volume types (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)', 'Use one of the allowed volume types.'),
  rule('pss-capabilities', 'security', 'Containers drop ALL capabilities and add none but NET_BIND_SERVICE', 'Set securityContext.capabilities.drop: [ALL] and remove other added capabilities.'),
  rule('pss-privilege-escalation', 'security', 'allowPrivilegeEscalation is false', 'Set securityContext.allowPrivilegeEscalation: false on every container.'),
  rule('pss-run-as-non-root', 'security', 'Containers run as non-root (runAsNonRoot true, runAsUser not 0)', 'Set runAsNonRoot: true (pod or container securityContext) and a non-zero runAsUser.'),
  rule('pss-seccomp', 'security', 'seccomp profile RuntimeDefault or Localhost', 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or every container).'),
  rule('pss-proc-mount', 'security', 'Default /proc mount', 'Remove securityContext.procMount or set it to Default.'),
  rule('pss-selinux', 'security', 'No custom SELinux user/role; type only container_t, container_init_t, container_kvm_t or container_engine_t', 'Remove the SELinux user and role and use an allowed type.'),
  rule('pss-apparmor', 'security', 'AppArmor profile is not Unconfined', 'Use the RuntimeDefault or a Localhost AppArmor profile.'),
  rule('pss-sysctls', 'security', 'Only safe sysctls', 'Remove unsafe sysctls from the pod securityContext.'),
  rule('pss-windows-host-process', 'security', 'No Windows HostProcess containers', 'Remove windowsOptions.hostProcess.'),
  rule(
    'pss-namespace',
    'security',
    'An environment\'s Namespace enforces Pod Security "restricted" at the latest version (pod-security.kubernetes.io/enforce), so the cluster refuses any pod these rules would',
    'Keep the labels the constructs set: pod-security.kubernetes.io/enforce: restricted, and enforce-version latest or none (a Component in envs/<env>/custom/ must not change them).',
  ),
  rule('image-tag', 'security', 'Images are pinned: no :latest, no untagged image', 'Pin the image to a version tag (and a digest) in env.yaml image.tag / image.digest.'),
  rule('image-digest', 'security', 'Images are pinned by digest where the environment requires it (validation.requireDigest)', 'Pin the image as repo:tag@sha256:...: the HiveBox image through image.digest in env.yaml (hivebox-gitops promote sets it), other images where their construct names them.'),
  rule('secret-data', 'security', 'No Secret with data in Git', 'Delete the Secret and deliver it through an ExternalSecret.'),
  rule(
    'network-flows',
    'security',
    'NetworkPolicies admit exactly the flows the platform needs: the Gateway\'s Envoys → app, Prometheus → scrape targets, app → data stores, DNS and openSenseMap; nothing else',
    'Open a missing flow with a policy named after it (src/constructs/network-policies.ts), or narrow the policy that admits one nothing needs.',
  ),
  rule('service-account-token', 'security', 'Service account tokens are not mounted unless needed', 'Set automountServiceAccountToken: false on the ServiceAccount and pod, or waive the rule with the reason the token is needed.'),
  // Reliability
  rule('resources', 'reliability', 'Every container has CPU and memory requests and limits', 'Set resources.requests and resources.limits (cpu and memory) on the container.'),
  rule('probes', 'reliability', 'Long-running containers have readiness and liveness probes', 'Add readinessProbe and livenessProbe to the container.'),
  rule('pod-disruption-budget', 'reliability', 'Replicated workloads have a PodDisruptionBudget selecting their pods', 'Add a PodDisruptionBudget whose selector matches the pod labels.'),
  rule('service-selector', 'reliability', 'Every Service selects pods of a workload, on ports those pods declare', 'Make spec.selector match the pod template labels and targetPort a declared container port.'),
  rule('hpa-target', 'reliability', 'HorizontalPodAutoscaler targets exist', 'Point spec.scaleTargetRef at an existing Deployment or StatefulSet in the same namespace.'),
  rule('service-monitor-target', 'reliability', 'ServiceMonitors select a Service and one of its named ports', 'Make spec.selector match a Service and endpoints[].port name one of its ports.'),
  rule('network-policy-default-deny', 'reliability', 'Every namespace with pods has a default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)', 'Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules.'),
  rule('no-ingress', 'reliability', 'No Ingress remains: traffic goes through the Gateway API', 'Replace the Ingress with an HTTPRoute on the cluster\'s Gateway (env.yaml route:); docs/runbooks/migrate-from-ingress-nginx.md.'),
  rule('gateway-route-attached', 'reliability', "Every HTTPRoute attaches to a listener of its cluster's Gateway that admits its namespace, kind and hostname", 'Point parentRefs at the Gateway and listener made for the environment (src/platform/gateway.ts), and give the route that listener\'s hostname.'),
  rule('gateway-certificate', 'reliability', 'Every HTTPS listener gets a certificate, and its issuer can answer ACME HTTP-01 through the Gateway', 'Give the listener a hostname and a Secret in the Gateway\'s namespace, annotate the Gateway with an existing ClusterIssuer, and point its gatewayHTTPRoute solver at the HTTP listener.'),
  rule('duplicate-env', 'reliability', 'No environment variable is set twice in a container', 'Remove the duplicate entry; the last one silently wins.'),
  // Convergence: what Argo CD does with argocd/<cluster> on a fresh cluster
  rule('convergence-waves', 'reliability', "Sync waves between Applications wait for health (Argo CD assesses it), and every root's sync ends", "Set the argoproj.io/Application health check in charts/argo-cd (configs.cm), put Applications a person syncs and the root itself in the root's last wave, and drop PruneLast from the root."),
  rule('convergence-retry', 'reliability', 'Automated Applications retry without limit', 'Set spec.syncPolicy.retry.limit: -1 (with a backoff): Argo CD never retries a failed commit once the limit is spent.'),
  rule('convergence-crds', 'reliability', 'Every custom resource has its CRD from an earlier, health-assessed wave, or its Application skips the dry run for missing types; a kind a controller watches has its CRD from an earlier wave or sync step', 'Sync the Application after the one installing the CRD (its component lists the custom kinds it needs and watches), or, for a kind it only creates, add SkipDryRunOnMissingResource=true to its sync options.'),
  rule('deletion-confirm', 'reliability', 'A manually synced environment loses no data without a confirmation: its Application, Namespace and StatefulSets need Prune=confirm,Delete=confirm, its volumes outlive the StatefulSets', 'Annotate with argocd.argoproj.io/sync-options: Prune=confirm,Delete=confirm and set persistentVolumeClaimRetentionPolicy.whenDeleted: Retain (the constructs do this for sync.mode: manual).'),
  // The platform charts' values (charts/<component>/values*.yaml), per cluster
  rule(
    'platform-resources',
    'reliability',
    'Every workload of a platform chart requests CPU and memory, on every cluster',
    'Set requests.cpu and requests.memory (and limits.memory) under the values key the message names, in charts/<component>/values.yaml or values-<cluster>.yaml.',
  ),
  rule(
    'chart-render-repeatable',
    'reliability',
    'A platform chart renders the same manifests every time (no generated password, certificate or cluster-dependent output)',
    'Set the values key the message names (a Secret from the platform store instead of a generated one), in charts/<component>/values.yaml.',
  ),
  // Sync windows: Argo CD's decisions replayed over two reference weeks (src/validate/checks/sync-windows.ts)
  rule('sync-window-invalid', 'sync-window', 'Every sync window has a schedule, duration, time zone and kind Argo CD reads as written', 'Write the schedule as five robfig/cron fields, the duration as a Go duration (3h, 90m), the time zone as an IANA name and the kind as allow or deny.'),
  rule('sync-window-outside', 'sync-window', 'An Application synced by hand can be synced only while one of its allow windows is open', 'Set manualSync: false on its windows (sync.windows in env.yaml); an emergency outside them is a reviewed change that adds a temporary allow window.'),
  rule('sync-window-no-effect', 'sync-window', 'Every sync window changes some sync decision of an Application it matches', 'Remove the window, or fix what it should match (applications, clusters, namespaces, andOperator) or decide (kind, schedule, manualSync).', 'warning'),
  // Argo CD: what each cluster's Argo CD is configured to do (charts/argo-cd/values*.yaml)
  rule('argocd-rbac', 'security', "Each cluster's Argo CD RBAC: policy.default read-only or empty, nobody holds every action on everything, only role:release syncs Applications that a person syncs", 'Fix configs.rbac in charts/argo-cd/values-<cluster>.yaml (policy.csv, policy.default) or set configs.cm admin.enabled: "false"; give sync on manually synced Applications to role:release only.'),
  rule('notification-subscription', 'reliability', "Every notification subscription resolves in its cluster's Argo CD: a defined trigger, templates with a block for the service where it needs one, a configured service", 'Define the trigger, template (with the service block) or service under notifications in charts/argo-cd/values*.yaml, or fix the subscription in env.yaml `notifications`.'),
  // Parity
  rule('parity', 'parity', 'Staging mirrors prod: same resources, differing only in the allow-list', `Make the environments match, or move the difference into what environments may differ in: ${ALLOW_LIST_DESCRIPTION}.`),
  // Waivers
  rule('waiver-invalid', 'waiver', 'A waiver names a known rule and gives a reason', 'Write the annotation as hivebox.dev/waive.<rule-id>: "<why this resource is an exception>".'),
  rule('waiver-expired', 'waiver', 'Every env.yaml waiver is before its expiry date', 'Fix what the waiver excused and delete the waiver, or, reviewed again, move its expires: to a later date.'),
  rule('waiver-unused', 'waiver', 'Every env.yaml waiver matches a finding (reported as a warning, never failing a run)', 'Delete the waiver, or fix its rule or resource (Kind/name).', 'warning'),
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo {
  const info = BY_ID.get(id);
  if (!info) throw new Error(`unknown rule ${id}`);
  return info;
}

export function isRule(id: string): boolean {
  return BY_ID.has(id);
}
