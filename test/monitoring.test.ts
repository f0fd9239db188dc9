/**
 * HiveBoxMonitoring: the dashboard Grafana picks up and the alerts a person
 * is woken by, scoped to one environment and valid for the Prometheus Operator.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE, HiveBoxMonitoring } from '../src/constructs/monitoring.ts';
import { validateSchema } from '../src/schemas/index.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { join } from 'node:path';

const environments = loadEnvironments(join(import.meta.dirname, '..'));
const env = (name: string) => environments.find((e) => e.name === name)!;

// Parsed YAML: the tests navigate it freely and assert on what they find.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Doc = Manifest & { spec: Any; data?: Record<string, string> };

/** The environment's dashboard and alerts, as synth renders them from its env.yaml. */
function render(environment: Environment): Doc[] {
  return renderEnvironment(environment).filter((m) => m.metadata.labels?.['app.kubernetes.io/component'] === 'monitoring') as Doc[];
}

describe('HiveBoxMonitoring', () => {
  it('watches the environment and namespace it is given, and only warns unless told its alerts page', () => {
    const chart = Testing.chart();
    new HiveBoxMonitoring(chart, 'Monitoring', { environment: 'qa', namespace: 'team-qa' });
    new HiveBoxMonitoring(chart, 'Paging', { environment: 'live', namespace: 'team-live', service: 'api', severity: 'critical' });
    const [dashboard, rule, pagingDashboard, pagingRule] = Testing.synth(chart) as Doc[];
    expect(JSON.parse(dashboard!.data!['hivebox-qa.json']!).uid).toBe('hivebox-qa');
    expect(pagingDashboard!.metadata.name).toBe('api-dashboard');
    const rulesOf = (doc: Doc): Any[] => doc.spec.groups[0].rules;
    for (const r of rulesOf(rule!)) expect(r.labels).toEqual({ severity: 'warning', environment: 'qa' });
    for (const r of rulesOf(rule!)) expect(r.expr).toMatch(/namespace="team-qa"|httproute\/team-qa\/hivebox\//);
    for (const r of rulesOf(pagingRule!)) expect(r.labels).toEqual({ severity: 'critical', environment: 'live' });
    expect(rulesOf(pagingRule!).find((r) => r.alert === 'HiveBoxNotReady')!.expr).toContain('namespace="team-live", deployment="api"');
  });

  it('ships a dashboard ConfigMap the Grafana sidecar picks up, with a uid unique per environment', () => {
    const uids = new Set<string>();
    for (const environment of environments) {
      const configMap = render(environment).find((m) => m.kind === 'ConfigMap')!;
      expect(configMap.metadata.labels![DASHBOARD_LABEL]).toBe(DASHBOARD_LABEL_VALUE);
      const [json] = Object.values(configMap.data!);
      const dashboard = JSON.parse(json!);
      expect(dashboard.title).toContain(environment.name);
      uids.add(dashboard.uid);
      const exprs = dashboard.panels.flatMap((p: Any) => p.targets.map((t: Any) => t.expr as string));
      for (const expr of exprs)
        expect(expr).toMatch(
          new RegExp(`namespace="${environment.namespace}"|environment="${environment.name}"|httproute/${environment.namespace}/`),
        );
      // Request rate, errors and latency measured at the Gateway as well as in the app.
      expect(exprs.filter((e: string) => e.includes('envoy_cluster_upstream_rq'))).toHaveLength(3);
      expect(dashboard.panels.some((p: Any) => p.datasource.type === 'loki')).toBe(true);
    }
    expect(uids.size).toBe(environments.length);
  });

  it('alerts on app down, /readyz failing, error rate and latency (in the app and at the Gateway), in its own namespace only', () => {
    const rule = render(env('dev')).find((m) => m.kind === 'PrometheusRule')!;
    const rules = rule.spec.groups.flatMap((g: Any) => g.rules);
    expect(rules.map((r: Any) => r.alert)).toEqual([
      'HiveBoxDown',
      'HiveBoxNotReady',
      'HiveBoxHighErrorRate',
      'HiveBoxGatewayErrors',
      'HiveBoxGatewayLatency',
      'HiveBoxHighLatency',
    ]);
    for (const r of rules) {
      expect(r.expr).toMatch(/namespace="hivebox-dev"|httproute\/hivebox-dev\//);
      expect(r.for).toMatch(/^\d+m$/);
      expect(r.labels.environment).toBe('dev');
      expect(r.annotations.summary).toBeTruthy();
    }
    expect(rules.find((r: Any) => r.alert === 'HiveBoxDown').expr).toContain('absent(');
  });

  it('pages (critical) only for the manually synced production environment', () => {
    const severities = (name: string) =>
      new Set(
        render(env(name))
          .find((m) => m.kind === 'PrometheusRule')!
          .spec.groups.flatMap((g: Any) => g.rules.map((r: Any) => r.labels.severity)),
      );
    expect(severities('prod')).toEqual(new Set(['critical']));
    expect(severities('dev')).toEqual(new Set(['warning']));
  });

  it('watches the Service and Deployment HiveBox actually runs', () => {
    const manifests = renderEnvironment(env('staging'));
    expect(manifests.some((m) => m.kind === 'Service' && m.metadata.name === 'hivebox')).toBe(true);
    expect(manifests.some((m) => m.kind === 'Deployment' && m.metadata.name === 'hivebox')).toBe(true);
    const rule = manifests.find((m) => m.kind === 'PrometheusRule') as Doc;
    expect(JSON.stringify(rule.spec)).toContain('service=\\"hivebox\\"');
    expect(JSON.stringify(rule.spec)).toContain('deployment=\\"hivebox\\"');
  });

  it("reads the Gateway's metrics of the Envoy cluster Envoy Gateway builds from the environment's HTTPRoute", () => {
    for (const environment of environments) {
      const route = renderEnvironment(environment).find((m) => m.kind === 'HTTPRoute') as Doc;
      // envoyproxy/gateway v1.9.0 internal/gatewayapi/helpers.go: httproute/<namespace>/<name>/rule/<index>, lower-cased kind.
      const clusters = (route.spec.rules as Any[]).map(
        (_rule, index) => `httproute/${route.metadata.namespace}/${route.metadata.name}/rule/${index}`,
      );
      const rules = (render(environment).find((m) => m.kind === 'PrometheusRule')!.spec.groups as Any[]).flatMap((g) => g.rules as Any[]);
      for (const alert of rules.filter((r) => r.alert.startsWith('HiveBoxGateway'))) {
        const matcher = /envoy_cluster_name=~"([^"]+)"/.exec(alert.expr)![1]!;
        for (const cluster of clusters) expect(cluster, alert.alert).toMatch(new RegExp(`^(?:${matcher})$`));
        expect('httproute/hivebox-other/hivebox/rule/0').not.toMatch(new RegExp(`^(?:${matcher})$`));
      }
    }
  });

  it('validates against the Kubernetes and Prometheus Operator schemas', () => {
    for (const manifest of render(env('prod'))) expect(validateSchema(manifest, '1.31'), manifest.kind).toEqual([]);
  });
});
