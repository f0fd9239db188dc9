/**
 * The cost dashboard of one cluster: a ConfigMap the Grafana sidecar of kube-prometheus-stack picks up
 * (label grafana_dashboard, any namespace), shipped with the opencost Application. Cost per environment
 * (projected to a month), per workload (container), and each budgeted environment against its budget.
 * The queries are the budget rules' own (src/constructs/budget.ts), so the dashboard and the alerts agree.
 */
import { ApiObject, type Chart } from 'cdk8s';
import type { Environment } from '../config/environment.ts';
import { HOURS_PER_MONTH, hourlyCostExpr } from '../constructs/budget.ts';
import { DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE } from '../constructs/monitoring.ts';

export function costDashboard(chart: Chart, cluster: string, namespace: string, envs: readonly Environment[]): void {
  if (envs.length === 0) return;
  const uid = `hivebox-cost-${cluster}`;
  new ApiObject(chart, uid, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: uid, namespace, labels: { [DASHBOARD_LABEL]: DASHBOARD_LABEL_VALUE, 'app.kubernetes.io/part-of': 'platform' } },
    data: { [`${uid}.json`]: JSON.stringify(dashboard(cluster, uid, envs), null, 2) },
  });
}

/** The dashboard JSON. Exported for the tests. */
export function dashboard(cluster: string, uid: string, envs: readonly Environment[]): Record<string, unknown> {
  const sorted = [...envs].sort((a, b) => a.name.localeCompare(b.name));
  const prometheus = { type: 'prometheus', uid: 'prometheus' };
  const namespaces = sorted.map((env) => env.namespace).join('|');
  const monthly = (env: Environment) => `(${hourlyCostExpr(env.namespace)}) * ${HOURS_PER_MONTH}`;
  const panel = (
    id: number,
    title: string,
    y: number,
    unit: string,
    targets: { expr: string; legend: string }[],
    extra: Record<string, unknown> = {},
  ) => ({
    id,
    title,
    type: 'timeseries',
    datasource: prometheus,
    gridPos: { h: 9, w: 24, x: 0, y },
    fieldConfig: { defaults: { unit, ...extra }, overrides: [] },
    targets: targets.map((target, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: prometheus,
      expr: target.expr,
      legendFormat: target.legend,
    })),
  });
  const budgeted = sorted.filter((env) => env.budget !== undefined);
  const cpu = `sum by (namespace, container) (container_cpu_allocation{namespace=~"${namespaces}"} * on (node) group_left () avg by (node) (node_cpu_hourly_cost))`;
  const memory = `sum by (namespace, container) (container_memory_allocation_bytes{namespace=~"${namespaces}"} / ${1024 ** 3} * on (node) group_left () avg by (node) (node_ram_hourly_cost))`;
  return {
    uid,
    title: `HiveBox cost (${cluster})`,
    tags: ['hivebox', 'cost', cluster],
    timezone: 'utc',
    schemaVersion: 39,
    refresh: '5m',
    time: { from: 'now-7d', to: 'now' },
    panels: [
      panel(
        1,
        'Cost per environment, projected to a month',
        0,
        'currencyUSD',
        sorted.map((env) => ({ expr: monthly(env), legend: env.name })),
      ),
      panel(2, 'Cost per workload (CPU and memory), projected to a month', 9, 'currencyUSD', [
        { expr: `(${cpu} + ${memory}) * ${HOURS_PER_MONTH}`, legend: '{{namespace}} {{container}}' },
      ]),
      ...(budgeted.length === 0
        ? []
        : [
            panel(
              3,
              'Projected monthly cost against the budget',
              18,
              'percentunit',
              budgeted.map((env) => ({
                expr: `${monthly(env)} / ${env.budget!.monthly}`,
                legend: `${env.name} (budget ${env.budget!.monthly}, warn at ${env.budget!.warnAt * 100} %)`,
              })),
              {
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    { color: 'green', value: null },
                    { color: 'orange', value: Math.min(...budgeted.map((env) => env.budget!.warnAt)) },
                    { color: 'red', value: 1 },
                  ],
                },
              },
            ),
          ]),
    ],
  };
}
