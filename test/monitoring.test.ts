/**
 * HiveBoxMonitoring: the dashboard Grafana picks up and the alerts a person
 * is woken by, scoped to one environment and valid for the Prometheus Operator.
 */
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { DASHBOARD_LABEL, DASHBOARD_LABEL_VALUE, HiveBoxMonitoring } from '../src/constructs/monitoring.ts';
import { validateSchema } from '../src/schemas/index.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import type { Manifest } from '../src/synth/types.ts';
import { join } from 'node:path';

const environments = loadEnvironments(join(import.meta.dirname, '..'));
const env = (name: string) => environments.find((e) => e.name === name)!;

// Parsed YAML: the tests navigate it freely and assert on what they find.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Doc = Manifest & { spec: Any; data?: Record<string, string> };

function render(environment: Environment): Doc[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new Chart(app, 'test', { namespace: environment.namespace, disableResourceNameHashes: true });
  new HiveBoxMonitoring(chart, 'Monitoring', { environment });
  return chart.toJson() as Doc[];
}

describe('HiveBoxMonitoring', () => {
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
      for (const expr of exprs) expect(expr).toMatch(new RegExp(`namespace="${environment.namespace}"|environment="${environment.name}"`));
      expect(dashboard.panels.some((p: Any) => p.datasource.type === 'loki')).toBe(true);
    }
    expect(uids.size).toBe(environments.length);
  });

  it('alerts on app down, /readyz failing, error rate and latency, in its own namespace only', () => {
    const rule = render(env('dev')).find((m) => m.kind === 'PrometheusRule')!;
    const rules = rule.spec.groups.flatMap((g: Any) => g.rules);
    expect(rules.map((r: Any) => r.alert)).toEqual(['HiveBoxDown', 'HiveBoxNotReady', 'HiveBoxHighErrorRate', 'HiveBoxHighLatency']);
    for (const r of rules) {
      expect(r.expr).toContain('namespace="hivebox-dev"');
      expect(r.for).toMatch(/^\d+m$/);
      expect(r.labels.environment).toBe('dev');
      expect(r.annotations.summary).toBeTruthy();
    }
    expect(rules.find((r: Any) => r.alert === 'HiveBoxDown').expr).toContain('absent(');
  });

  it('pages (critical) only for the manually synced production environment', () => {
    const severities = (name: string) =>
      new Set(render(env(name)).find((m) => m.kind === 'PrometheusRule')!.spec.groups.flatMap((g: Any) => g.rules.map((r: Any) => r.labels.severity)));
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

  it('validates against the Kubernetes and Prometheus Operator schemas', () => {
    for (const manifest of render(env('prod'))) expect(validateSchema(manifest, '1.31'), manifest.kind).toEqual([]);
  });
});
