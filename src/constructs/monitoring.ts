/**
 * What HiveBox ships for its own observability: a Grafana dashboard (a
 * ConfigMap the Grafana sidecar of kube-prometheus-stack picks up in any
 * namespace) and a PrometheusRule with its alerts. Both live in the
 * environment's namespace and follow it through promotion.
 *
 * Metric names: `up` comes from the ServiceMonitor scrape, the deployment
 * metrics from kube-state-metrics, and the HTTP metrics are the ones the
 * Prometheus instrumentation of HiveBox's web framework exports
 * (http_requests_total{status}, http_request_duration_seconds).
 *
 * What users see is measured at the Gateway too, from the Envoys' own metrics
 * (the PodMonitor of src/platform/gateway.ts): Envoy's cluster statistics for
 * the cluster Envoy Gateway builds from the environment's HTTPRoute, named
 * httproute/<namespace>/<route>/rule/<index> (envoyproxy/gateway v1.9.0,
 * internal/gatewayapi/helpers.go irRoutePrefix and irRouteDestinationName):
 * envoy_cluster_upstream_rq_xx{envoy_response_code_class} and the
 * envoy_cluster_upstream_rq_time histogram (milliseconds). A request the Gateway
 * answers itself (a timeout, no healthy pod) counts there and never in the app.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRule } from '../imports/monitoring.coreos.com.ts';
import { prometheusRules, type PromQLRule } from './prometheus-rules.ts';
import { componentLabels, ENVIRONMENT_LABEL, SyncWave, syncWave } from './metadata.ts';

/** The label and value the Grafana dashboard sidecar watches (charts/kube-prometheus-stack/values.yaml). */
export const DASHBOARD_LABEL = 'grafana_dashboard';
export const DASHBOARD_LABEL_VALUE = '1';

export const HTTP_REQUESTS = 'http_requests_total';
export const HTTP_DURATION_BUCKET = 'http_request_duration_seconds_bucket';
export const GATEWAY_RESPONSES = 'envoy_cluster_upstream_rq_xx';
export const GATEWAY_DURATION_BUCKET = 'envoy_cluster_upstream_rq_time_bucket';

/** The Envoy clusters of the environment's HTTPRoute (one per rule), as a PromQL label matcher. */
export function gatewayTarget(namespace: string, route: string): string {
  return `envoy_cluster_name=~"httproute/${namespace}/${route}/rule/[0-9]+"`;
}

/** How loudly an alert is routed: `critical` pages a person, `warning` only notifies. */
export type AlertSeverity = 'critical' | 'warning';

export interface HiveBoxMonitoringProps {
  /** The environment's name: its label, the dashboard's title and uid, and the alerts' routing label. */
  readonly environment: string;
  /** The namespace HiveBox runs in, which every query selects. */
  readonly namespace: string;
  /** The severity of the alerts that mean users are affected. @default 'warning' */
  readonly severity?: AlertSeverity;
  /** The Service (and Deployment) name the alerts watch. @default 'hivebox' */
  readonly service?: string;
  /** Share of 5xx responses over 10 minutes that pages. @default 0.05 */
  readonly errorRatio?: number;
  /** 95th percentile latency, in seconds, that pages. @default 1 */
  readonly latencySeconds?: number;
}

export class HiveBoxMonitoring extends Construct {
  readonly dashboard: ApiObject;
  readonly rules: ApiObject;

  constructor(scope: Construct, id: string, props: HiveBoxMonitoringProps) {
    super(scope, id);
    const { environment, namespace } = props;
    const service = props.service ?? 'hivebox';
    const watched: Watched = { environment, namespace, service };
    const labels = { ...componentLabels(service, 'monitoring'), [ENVIRONMENT_LABEL]: environment };
    const annotations = syncWave(SyncWave.App);

    this.dashboard = new ApiObject(this, 'Dashboard', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${service}-dashboard`, labels: { ...labels, [DASHBOARD_LABEL]: DASHBOARD_LABEL_VALUE }, annotations },
      data: { [`${service}-${environment}.json`]: JSON.stringify(dashboard(watched), null, 2) },
    });

    this.rules = new PrometheusRule(this, 'Rules', {
      metadata: { name: service, labels, annotations },
      spec: {
        groups: [
          {
            name: `${service}.rules`,
            rules: prometheusRules(alerts(watched, props.severity ?? 'warning', props.errorRatio ?? 0.05, props.latencySeconds ?? 1)),
          },
        ],
      },
    });
  }
}

/** The HiveBox the dashboard and the alerts watch: its environment, namespace and Service. */
interface Watched {
  readonly environment: string;
  readonly namespace: string;
  readonly service: string;
}

/** The alert rules, one per way HiveBox fails its users. */
function alerts(
  { environment, namespace: ns, service }: Watched,
  severity: AlertSeverity,
  errorRatio: number,
  latencySeconds: number,
): PromQLRule[] {
  const target = `namespace="${ns}", service="${service}"`;
  const gateway = gatewayTarget(ns, service);
  const labels = { severity, environment };
  const rule = (alert: string, expr: string, forDuration: string, summary: string, description: string) => ({
    alert,
    expr,
    for: forDuration,
    labels,
    annotations: { summary, description },
  });
  return [
    rule(
      'HiveBoxDown',
      `sum(up{${target}}) == 0 or absent(up{${target}})`,
      '2m',
      `HiveBox is down in ${environment}`,
      `Prometheus has scraped no HiveBox pod in ${ns} for 2 minutes.`,
    ),
    rule(
      'HiveBoxNotReady',
      `kube_deployment_status_replicas_unavailable{namespace="${ns}", deployment="${service}"} > 0`,
      '10m',
      `HiveBox pods fail /readyz in ${environment}`,
      `Some HiveBox pods in ${ns} have failed their /readyz readiness probe for 10 minutes (most senseBoxes unreachable and the cache stale).`,
    ),
    rule(
      'HiveBoxHighErrorRate',
      `sum(rate(${HTTP_REQUESTS}{${target}, status=~"5.."}[5m])) / sum(rate(${HTTP_REQUESTS}{${target}}[5m])) > ${errorRatio}`,
      '10m',
      `HiveBox answers with errors in ${environment}`,
      `More than ${errorRatio * 100}% of HiveBox responses in ${ns} were 5xx over the last 10 minutes.`,
    ),
    rule(
      'HiveBoxGatewayErrors',
      `sum(rate(${GATEWAY_RESPONSES}{${gateway}, envoy_response_code_class="5"}[5m])) / sum(rate(${GATEWAY_RESPONSES}{${gateway}}[5m])) > ${errorRatio}`,
      '10m',
      `Users of ${environment} get errors at the Gateway`,
      `More than ${errorRatio * 100}% of the responses the Gateway gave for HiveBox in ${ns} were 5xx over the last 10 minutes (the app's own, timeouts and unreachable pods alike).`,
    ),
    rule(
      'HiveBoxGatewayLatency',
      `histogram_quantile(0.95, sum by (le) (rate(${GATEWAY_DURATION_BUCKET}{${gateway}}[5m]))) > ${latencySeconds * 1000}`,
      '10m',
      `Users of ${environment} wait at the Gateway`,
      `The 95th percentile of HiveBox response times measured at the Gateway for ${ns} has been above ${latencySeconds}s for 10 minutes.`,
    ),
    rule(
      'HiveBoxHighLatency',
      `histogram_quantile(0.95, sum by (le) (rate(${HTTP_DURATION_BUCKET}{${target}}[5m]))) > ${latencySeconds}`,
      '10m',
      `HiveBox is slow in ${environment}`,
      `The 95th percentile of HiveBox response times in ${ns} has been above ${latencySeconds}s for 10 minutes.`,
    ),
  ];
}

function dashboard({ environment, namespace: ns, service }: Watched): unknown {
  const target = `namespace="${ns}", service="${service}"`;
  const gateway = gatewayTarget(ns, service);
  const prometheus = { type: 'prometheus', uid: 'prometheus' };
  const loki = { type: 'loki', uid: 'loki' };
  const panel = (id: number, title: string, x: number, y: number, expr: string, unit: string, legend = '') => ({
    id,
    title,
    type: 'timeseries',
    datasource: prometheus,
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: 'A', datasource: prometheus, expr, legendFormat: legend }],
  });
  return {
    uid: `${service}-${environment}`,
    title: `HiveBox (${environment})`,
    tags: ['hivebox', environment],
    timezone: 'utc',
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    panels: [
      panel(1, 'Requests per second by status', 0, 0, `sum by (status) (rate(${HTTP_REQUESTS}{${target}}[5m]))`, 'reqps', '{{status}}'),
      panel(
        2,
        '5xx ratio',
        12,
        0,
        `sum(rate(${HTTP_REQUESTS}{${target}, status=~"5.."}[5m])) / sum(rate(${HTTP_REQUESTS}{${target}}[5m]))`,
        'percentunit',
      ),
      panel(3, 'Latency p95', 0, 8, `histogram_quantile(0.95, sum by (le) (rate(${HTTP_DURATION_BUCKET}{${target}}[5m])))`, 's', 'p95'),
      panel(
        4,
        'Ready replicas',
        12,
        8,
        `kube_deployment_status_replicas_available{namespace="${ns}", deployment="${service}"}`,
        'short',
        'available',
      ),
      panel(
        6,
        'At the Gateway: requests per second by status class',
        0,
        16,
        `sum by (envoy_response_code_class) (rate(${GATEWAY_RESPONSES}{${gateway}}[5m]))`,
        'reqps',
        '{{envoy_response_code_class}}xx',
      ),
      panel(
        7,
        'At the Gateway: 5xx ratio',
        12,
        16,
        `sum(rate(${GATEWAY_RESPONSES}{${gateway}, envoy_response_code_class="5"}[5m])) / sum(rate(${GATEWAY_RESPONSES}{${gateway}}[5m]))`,
        'percentunit',
        '5xx ratio',
      ),
      panel(
        8,
        'At the Gateway: latency p95',
        0,
        24,
        `histogram_quantile(0.95, sum by (le) (rate(${GATEWAY_DURATION_BUCKET}{${gateway}}[5m])))`,
        'ms',
        'p95',
      ),
      {
        id: 5,
        title: 'Logs',
        type: 'logs',
        datasource: loki,
        gridPos: { h: 10, w: 24, x: 0, y: 32 },
        targets: [{ refId: 'A', datasource: loki, expr: `{environment="${environment}", app="${service}"}` }],
      },
    ],
  };
}
