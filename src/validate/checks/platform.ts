/**
 * The platform charts, judged by the Helm values this repository gives them
 * (charts/<component>/values.yaml merged with values-<cluster>.yaml): Helm
 * silently ignores a key a chart does not read, so each table below names
 * keys verified in the pinned chart's own values.yaml and templates. A finding
 * is reported on the component's Application for that cluster, at the value
 * files it is given.
 */
import { platformAppName } from '../../argocd/naming.ts';
import {
  ALLOY,
  ARGO_CD,
  CERT_MANAGER,
  EXTERNAL_DNS,
  OPENCOST,
  EXTERNAL_SECRETS,
  ENVOY_GATEWAY,
  GATEWAY_CRDS,
  KUBE_PROMETHEUS_STACK,
  KYVERNO,
  LOKI,
  PROMETHEUS_OPERATOR_CRDS,
} from '../../catalog/components.ts';
import type { ChartValues, Values } from '../../platform/values.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { ARGOCD_SCOPE, type Report, type RepositoryCheck, type RepositoryRules, type RepositoryView, rule } from '../check.ts';

/** One pod (or pod-creating resource) a chart runs, by the values key of its container resources. */
export interface ChartWorkload {
  readonly workload: string;
  /** The values key holding its `requests` and `limits` (a ResourceRequirements). */
  readonly path: string;
  /** Keys the chart defaults to true that, set to false, turn the workload off. */
  readonly disabledBy?: readonly string[];
  /** A key the chart defaults to false that, set to true, turns the workload on. */
  readonly enabledBy?: string;
}

/**
 * Every workload each chart runs, with the values key of its resources: cert-manager v1.21.1 (v1.21.2 is
 * not in the chart sources at hand; deploy/charts is unchanged on release-1.21), external-secrets 2.9.0
 * (the nearest to 2.14.0 available), kyverno 3.9.0 (nearest to 3.9.1), kube-prometheus-stack 88.5.3
 * (nearest to 91.5.0) with grafana 12.11.1, kube-state-metrics 8.4.0 and prometheus-node-exporter 4.56.1,
 * envoy-gateway v1.9.0, external-dns 1.21.1, loki 6.53.0, alloy 1.11.0, argo-cd 10.1.1 and opencost 2.5.17. Helm test pods are left out:
 * Argo CD never runs them.
 */
export const PLATFORM_WORKLOADS: Readonly<Record<string, readonly ChartWorkload[]>> = {
  [PROMETHEUS_OPERATOR_CRDS]: [], // CRDs only
  [ARGO_CD]: [
    { workload: 'application controller', path: 'controller.resources' }, // templates/argocd-application-controller/statefulset.yaml:392
    { workload: 'repo server', path: 'repoServer.resources' }, // templates/argocd-repo-server/deployment.yaml:419
    // same file:441 (falls back to repoServer.resources when empty)
    { workload: 'repo server copyutil init container', path: 'repoServer.copyutil.resources' },
    { workload: 'server', path: 'server.resources' }, // templates/argocd-server/deployment.yaml:457
    { workload: 'server extensions init container', path: 'server.extensions.resources', enabledBy: 'server.extensions.enabled' }, // same file:480 (off by default)
    { workload: 'ApplicationSet controller', path: 'applicationSet.resources' }, // templates/argocd-applicationset/deployment.yaml:291
    { workload: 'notifications controller', path: 'notifications.resources', disabledBy: ['notifications.enabled'] }, // templates/argocd-notifications/deployment.yaml:163
    { workload: 'Redis', path: 'redis.resources', disabledBy: ['redis.enabled'] }, // templates/redis/deployment.yaml:118
    { workload: 'Redis exporter', path: 'redis.exporter.resources', enabledBy: 'redis.exporter.enabled' }, // same file:173 (off by default)
    // templates/redis-secret-init/job.yaml:49 (a PreSync hook under Argo CD)
    { workload: 'Redis secret init Job', path: 'redisSecretInit.resources', disabledBy: ['redisSecretInit.enabled'] },
    { workload: 'Dex', path: 'dex.resources', disabledBy: ['dex.enabled'] }, // templates/dex/deployment.yaml:167
    { workload: 'Dex init container', path: 'dex.initImage.resources', disabledBy: ['dex.enabled'] }, // same file:204
    { workload: 'commit server', path: 'commitServer.resources', enabledBy: 'commitServer.enabled' }, // templates/argocd-commit-server/deployment.yaml:148 (off by default)
  ],
  [CERT_MANAGER]: [
    { workload: 'controller', path: 'resources' }, // templates/deployment.yaml:199
    { workload: 'webhook', path: 'webhook.resources' }, // templates/webhook-deployment.yaml:181
    { workload: 'cainjector', path: 'cainjector.resources', disabledBy: ['cainjector.enabled'] }, // templates/cainjector-deployment.yaml:128
    { workload: 'startupapicheck Job', path: 'startupapicheck.resources', disabledBy: ['startupapicheck.enabled'] }, // templates/startupapicheck-job.yaml:81
  ],
  [EXTERNAL_SECRETS]: [
    { workload: 'controller', path: 'resources', disabledBy: ['createOperator'] }, // templates/deployment.yaml:187
    { workload: 'webhook', path: 'webhook.resources', disabledBy: ['webhook.create'] }, // templates/webhook-deployment.yaml:148
    { workload: 'cert controller', path: 'certController.resources', disabledBy: ['certController.create'] }, // templates/cert-controller-deployment.yaml:153
  ],
  [KYVERNO]: [
    { workload: 'admission controller', path: 'admissionController.container.resources' }, // templates/admission-controller/deployment.yaml:232
    { workload: 'admission controller init container', path: 'admissionController.initContainer.resources' }, // same file:112
    { workload: 'background controller', path: 'backgroundController.resources', disabledBy: ['backgroundController.enabled'] }, // templates/background-controller/deployment.yaml:180
    { workload: 'cleanup controller', path: 'cleanupController.resources', disabledBy: ['cleanupController.enabled'] }, // templates/cleanup-controller/deployment.yaml:186
    { workload: 'reports controller', path: 'reportsController.resources', disabledBy: ['reportsController.enabled'] }, // templates/reports-controller/deployment.yaml:194
    // templates/hooks/pre-delete-remove-webhooks.yaml:47 and pre-delete-scale-to-zero.yaml:48 (Argo CD PreDelete hooks)
    { workload: 'webhook clean-up Jobs', path: 'webhooksCleanup.resources', disabledBy: ['webhooksCleanup.enabled'] },
    // templates/hooks/post-upgrade-migrate-resources.yaml:124 (a PostSync hook); crds.migration.resources is the CRD list
    { workload: 'CRD migration Job', path: 'crds.migration.podResources', disabledBy: ['crds.migration.enabled'] },
  ],
  [KUBE_PROMETHEUS_STACK]: [
    { workload: 'Prometheus', path: 'prometheus.prometheusSpec.resources', disabledBy: ['prometheus.enabled'] }, // templates/prometheus/prometheus.yaml:157
    { workload: 'Alertmanager', path: 'alertmanager.alertmanagerSpec.resources', disabledBy: ['alertmanager.enabled'] }, // templates/alertmanager/alertmanager.yaml:94
    // The config-reloader sidecars and init containers of Prometheus and Alertmanager: operator flags,
    // templates/prometheus-operator/deployment.yaml:101-104.
    {
      workload: 'config reloader',
      path: 'prometheusOperator.prometheusConfigReloader.resources',
      disabledBy: ['prometheusOperator.enabled'],
    },
    { workload: 'Prometheus Operator', path: 'prometheusOperator.resources', disabledBy: ['prometheusOperator.enabled'] }, // templates/prometheus-operator/deployment.yaml:178
    // templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml:55 and job-patchWebhook.yaml:64
    {
      workload: 'admission webhook certificate Jobs',
      path: 'prometheusOperator.admissionWebhooks.patch.resources',
      disabledBy: [
        'prometheusOperator.enabled',
        'prometheusOperator.admissionWebhooks.enabled',
        'prometheusOperator.admissionWebhooks.patch.enabled',
      ],
    },
    // templates/prometheus-operator/admission-webhooks/deployment/deployment.yaml:108 (off by default)
    {
      workload: 'admission webhook',
      path: 'prometheusOperator.admissionWebhooks.deployment.resources',
      enabledBy: 'prometheusOperator.admissionWebhooks.deployment.enabled',
    },
    { workload: 'Thanos Ruler', path: 'thanosRuler.thanosRulerSpec.resources', enabledBy: 'thanosRuler.enabled' }, // templates/thanos-ruler/ruler.yaml:103 (off by default)
    { workload: 'Grafana', path: 'grafana.resources', disabledBy: ['grafana.enabled'] }, // grafana templates/_pod.tpl:1541
    { workload: 'Grafana sidecars', path: 'grafana.sidecar.resources', disabledBy: ['grafana.enabled'] }, // grafana templates/_pod.tpl:200-1231, one key for every sidecar
    { workload: 'kube-state-metrics', path: 'kube-state-metrics.resources', disabledBy: ['kubeStateMetrics.enabled'] }, // kube-state-metrics templates/deployment.yaml:251
    { workload: 'node exporter', path: 'prometheus-node-exporter.resources', disabledBy: ['nodeExporter.enabled'] }, // prometheus-node-exporter templates/daemonset.yaml:177
  ],
  [GATEWAY_CRDS]: [], // CRDs and the safe-upgrades ValidatingAdmissionPolicy only
  // envoy-gateway v1.9.0 (gateway-helm at tag v1.9.0). Its Envoys are not the chart's: their size is in the EnvoyProxy (src/platform/gateway.ts).
  [ENVOY_GATEWAY]: [
    { workload: 'controller', path: 'deployment.envoyGateway.resources' }, // templates/envoy-gateway-deployment.yaml:93
    { workload: 'certgen Job', path: 'certgen.job.resources' }, // templates/certgen.yaml:61 (a PreSync hook under Argo CD)
  ],
  [EXTERNAL_DNS]: [
    { workload: 'controller', path: 'resources' }, // templates/deployment.yaml:186
  ],
  [LOKI]: [
    { workload: 'single binary', path: 'singleBinary.resources' }, // templates/single-binary/statefulset.yaml:157
    { workload: 'rules sidecar', path: 'sidecar.resources', disabledBy: ['sidecar.rules.enabled'] }, // same file:216
    { workload: 'gateway', path: 'gateway.resources', disabledBy: ['gateway.enabled'] }, // templates/gateway/deployment-gateway-nginx.yaml:108
    { workload: 'canary', path: 'lokiCanary.resources', disabledBy: ['lokiCanary.enabled'] }, // templates/loki-canary/daemonset.yaml:120
  ],
  [OPENCOST]: [
    { workload: 'exporter', path: 'opencost.exporter.resources' }, // templates/deployment.yaml:115
    { workload: 'UI', path: 'opencost.ui.resources', disabledBy: ['opencost.ui.enabled'] }, // templates/deployment.yaml:409 (off here: opencost.ui.enabled false)
  ],
  [ALLOY]: [
    { workload: 'Alloy', path: 'alloy.resources' }, // templates/containers/_agent.yaml:78
    { workload: 'config reloader', path: 'configReloader.resources', disabledBy: ['configReloader.enabled'] }, // templates/containers/_watch.yaml:18
  ],
};

export function valueAt(values: Values, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Values)[key];
  }
  return node;
}

const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

function runs(workload: ChartWorkload, values: Values): boolean {
  if (workload.enabledBy !== undefined && valueAt(values, workload.enabledBy) !== true) return false;
  return !(workload.disabledBy ?? []).some((key) => valueAt(values, key) === false);
}

/** The component's Application for the cluster, in argocd/; undefined when argocd/ has none (nothing to report on). */
function applicationOf(repository: RepositoryView, chart: ChartValues): Manifest | undefined {
  const name = platformAppName(chart.component, chart.cluster);
  return repository.scopes.get(ARGOCD_SCOPE)?.manifests.find((m) => m.kind === 'Application' && m.metadata.name === name);
}

const VALUE_FILES_PATH = 'spec.sources[0].helm.valueFiles';

function reportOn(
  repository: RepositoryView,
  chart: ChartValues,
  reportIn: (scope: string) => Report,
): ((ruleId: string, message: string) => void) | undefined {
  const application = applicationOf(repository, chart);
  if (!application) return undefined;
  const report = reportIn(ARGOCD_SCOPE);
  return (ruleId, message) => report(ruleId, application, VALUE_FILES_PATH, message);
}

const filesOf = (chart: ChartValues): string => chart.files.join(' + ');

export const platformResourcesCheck: RepositoryCheck = (repository, reportIn) => {
  for (const chart of repository.chartValues) {
    const workloads = PLATFORM_WORKLOADS[chart.component] ?? [];
    const report = reportOn(repository, chart, reportIn);
    if (!report) continue;
    for (const workload of workloads) {
      if (!runs(workload, chart.values)) continue;
      const missing = ['cpu', 'memory'].filter((resource) => !isSet(valueAt(chart.values, `${workload.path}.requests.${resource}`)));
      if (missing.length === 0) continue;
      report(
        'platform-resources',
        `${chart.component} on ${chart.cluster}: the ${workload.workload} requests no ${missing.join(' and no ')}: set ${missing.map((r) => `${workload.path}.requests.${r}`).join(' and ')} in ${filesOf(chart)}`,
      );
    }
  }
};

export const platformResourcesRules: RepositoryRules = {
  rules: [
    rule(
      'platform-resources',
      'reliability',
      'Every workload of a platform chart requests CPU and memory, on every cluster',
      'Set requests.cpu and requests.memory (and limits.memory) under the values key the message names, in charts/<component>/values.yaml or values-<cluster>.yaml.',
    ),
  ],
  checkRepository: platformResourcesCheck,
};

/** A values key a chart needs (set, or set one way) to render the same manifests every time. */
export interface RepeatableRender {
  readonly component: string;
  readonly key: string;
  /** What the key must hold (the message says it). */
  readonly requirement: string;
  /** What the chart renders otherwise. */
  readonly otherwise: string;
  readonly holds: (values: Values) => boolean;
}

/**
 * Where a pinned chart would render something new on every render, and the values key that stops it
 * (same chart versions as PLATFORM_WORKLOADS). Under Argo CD `lookup` finds nothing, so a chart that
 * "reuses the existing Secret" renders a fresh random one on every refresh: an endless diff, and a pod
 * restart wherever a checksum annotation follows it. Checked and repeatable as configured, so not listed:
 * envoy-gateway (its certgen PreSync Job makes the certificates at sync time; no random, lookup or now in
 * gateway-helm v1.9.0 templates), the admission webhook certificates of kube-prometheus-stack (kube-webhook-certgen
 * Jobs make them at sync time; the charts render no caBundle), external-secrets' and cert-manager's
 * webhook certificates (made at run time by cert-controller and the webhook; cainjector injects the
 * CA), alloy and external-dns (no random or lookup functions), kyverno's `lookup` of a Kyverno 2
 * Deployment (templates/validate.yaml:36, it only fails the render) and loki's StatefulSet recreation
 * Job (templates/single-binary/statefulset-recreate-job.yaml:5, off by default; it needs `lookup`).
 */
export const REPEATABLE_RENDERS: readonly RepeatableRender[] = [
  // grafana 12.11.1 templates/_helpers.tpl:131-137: "grafana.password" is randAlphaNum 40 whenever lookup finds
  // no Secret; templates/_config.tpl:178 writes it into templates/secret.yaml, whose checksum/secret annotation
  // restarts Grafana.
  {
    component: KUBE_PROMETHEUS_STACK,
    key: 'grafana.admin.existingSecret',
    requirement: 'must name the Secret with the admin login',
    otherwise: 'the chart renders a new random admin password every time, and each one restarts Grafana',
    holds: (v) => valueAt(v, 'grafana.enabled') === false || isSet(valueAt(v, 'grafana.admin.existingSecret')),
  },
  // grafana templates/_helpers.tpl:118-125 and templates/image-renderer-secret.yaml:1,17-21: a random token.
  {
    component: KUBE_PROMETHEUS_STACK,
    key: 'grafana.imageRenderer.existingSecret',
    requirement: 'must name a Secret when grafana.imageRenderer.enabled is true',
    otherwise: 'the chart renders a new random image renderer token every time',
    holds: (v) => valueAt(v, 'grafana.imageRenderer.enabled') !== true || isSet(valueAt(v, 'grafana.imageRenderer.existingSecret')),
  },
  // kyverno 3.9.0 templates/admission-controller/secret.yaml:1-4: genCA and genSignedCert.
  {
    component: KYVERNO,
    key: 'admissionController.createSelfSignedCert',
    requirement: 'must stay false (Kyverno makes its own certificates at run time)',
    otherwise: 'the chart renders a new CA and certificate every time',
    holds: (v) => valueAt(v, 'admissionController.createSelfSignedCert') !== true,
  },
  // kyverno 3.9.0 templates/cleanup-controller/secret.yaml:2-5: genCA and genSignedCert.
  {
    component: KYVERNO,
    key: 'cleanupController.createSelfSignedCert',
    requirement: 'must stay false (Kyverno makes its own certificates at run time)',
    otherwise: 'the chart renders a new CA and certificate every time',
    holds: (v) => valueAt(v, 'cleanupController.createSelfSignedCert') !== true,
  },
  // loki 6.53.0 values.yaml:1214-1228: gateway.basicAuth.htpasswd calls Sprig's htpasswd, a bcrypt hash with a
  // random salt, rendered by templates/gateway/secret-gateway.yaml:2,11-12 unless basicAuth.existingSecret is set.
  {
    component: LOKI,
    key: 'gateway.basicAuth.existingSecret',
    requirement: 'must name a Secret when gateway.basicAuth.enabled is true',
    otherwise: 'the chart renders a new bcrypt salt into .htpasswd every time',
    holds: (v) => valueAt(v, 'gateway.basicAuth.enabled') !== true || isSet(valueAt(v, 'gateway.basicAuth.existingSecret')),
  },
  // external-secrets 2.9.0 templates/_helpers.tpl:276-294: skipIfMissing (the default) renders the ServiceMonitors
  // only when the cluster serves monitoring.coreos.com/v1 at render time (.Capabilities.APIVersions).
  {
    component: EXTERNAL_SECRETS,
    key: 'serviceMonitor.renderMode',
    requirement: 'must be alwaysRender when serviceMonitor.enabled is true',
    otherwise: 'the ServiceMonitors render only once the cluster serves their CRD, so one commit renders two ways',
    holds: (v) => valueAt(v, 'serviceMonitor.enabled') !== true || valueAt(v, 'serviceMonitor.renderMode') === 'alwaysRender',
  },
];

export const chartRenderRepeatableCheck: RepositoryCheck = (repository, reportIn) => {
  for (const chart of repository.chartValues) {
    const broken = REPEATABLE_RENDERS.filter((r) => r.component === chart.component && !r.holds(chart.values));
    const report = broken.length > 0 ? reportOn(repository, chart, reportIn) : undefined;
    for (const render of broken) {
      report?.(
        'chart-render-repeatable',
        `${chart.component} on ${chart.cluster}: ${render.key} ${render.requirement} (${filesOf(chart)}); otherwise ${render.otherwise}`,
      );
    }
  }
};

export const chartRenderRepeatableRules: RepositoryRules = {
  rules: [
    rule(
      'chart-render-repeatable',
      'reliability',
      'A platform chart renders the same manifests every time (no generated password, certificate or cluster-dependent output)',
      'Set the values key the message names (a Secret from the platform store instead of a generated one), in charts/<component>/values.yaml.',
    ),
  ],
  checkRepository: chartRenderRepeatableCheck,
};
