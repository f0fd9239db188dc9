/**
 * env.yaml `budget` → a PrometheusRule per environment: the namespace's hourly cost from
 * OpenCost's metrics, projected to a month, alerting at warnAt and at 100 %; no budget, no rule.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { BudgetRules, COST_HOURLY_RECORD, HOURS_PER_MONTH, hourlyCostExpr } from '../src/constructs/budget.ts';
import { EnvironmentChart } from '../src/constructs/environment-chart.ts';
import { clusterConfig } from '../src/platform/cluster-config.ts';
import { OPENCOST } from '../src/catalog/components.ts';
import { runCli, tempRepo } from './support/repo.ts';

const environments = loadEnvironments(join(import.meta.dirname, '..'));
const env = (name: string) => environments.find((e) => e.name === name)!;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function budgetRule(environment: Environment): Any | undefined {
  return Testing.synth(new EnvironmentChart(Testing.app(), 'test', { environment })).find(
    (m) => m.kind === 'PrometheusRule' && m.metadata.name === 'hivebox-budget',
  );
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe('budget rules', () => {
  it('BudgetRules watches the namespace it is given, and pages at 100 % only when told its severity is critical', () => {
    const chart = Testing.chart();
    new BudgetRules(chart, 'Quiet', { environment: 'qa', namespace: 'team-qa', monthly: 50, warnAt: 0.5 });
    new BudgetRules(chart, 'Paging', { environment: 'live', namespace: 'team-live', monthly: 50, warnAt: 0.5, severity: 'critical' });
    const [quiet, paging] = Testing.synth(chart).map((rule) => rule.spec.groups[0].rules as Any[]);
    const alert = (rules: Any[], name: string) => rules.find((r) => r.alert === name)!;
    expect(alert(quiet!, 'HiveBoxBudgetWarning')).toMatchObject({
      expr: expect.stringMatching(/namespace="team-qa"\}\[1d\]\) \* 730 > 25$/),
      labels: { severity: 'warning', environment: 'qa' },
    });
    expect(alert(quiet!, 'HiveBoxBudgetExceeded').labels).toEqual({ severity: 'warning', environment: 'qa' });
    expect(alert(paging!, 'HiveBoxBudgetExceeded').labels).toEqual({ severity: 'critical', environment: 'live' });
    expect(alert(paging!, 'HiveBoxBudgetWarning').labels.severity).toBe('warning');
  });

  it('renders no rule for an environment without a budget (dev)', () => {
    expect(env('dev').budget).toBeUndefined();
    expect(budgetRule(env('dev'))).toBeUndefined();
  });

  it('alerts prod at 80 % (the default warnAt) and at 100 % of 400 a month, paging like its other alerts', () => {
    const rule = budgetRule(env('prod'))!;
    expect(rule.metadata.namespace).toBe('hivebox-prod');
    const rules: Any[] = rule.spec.groups[0].rules;
    const projected = `avg_over_time(${COST_HOURLY_RECORD}{namespace="hivebox-prod"}[1d]) * ${HOURS_PER_MONTH}`;
    expect(rules.find((r) => r.alert === 'HiveBoxBudgetWarning')).toMatchObject({
      expr: `${projected} > 320`,
      labels: { severity: 'warning', environment: 'prod' },
    });
    expect(rules.find((r) => r.alert === 'HiveBoxBudgetExceeded')).toMatchObject({
      expr: `${projected} > 400`,
      labels: { severity: 'critical', environment: 'prod' },
    });
    // The same routing labels as the environment's HiveBox alerts.
    const all = Testing.synth(new EnvironmentChart(Testing.app(), 'routing', { environment: env('prod') }));
    const hiveboxDown = all.find((m) => m.metadata.name === 'hivebox' && m.kind === 'PrometheusRule')!.spec.groups[0].rules[0];
    expect(rules.find((r) => r.alert === 'HiveBoxBudgetExceeded')!.labels).toEqual(hiveboxDown.labels);
  });

  it("uses staging's own warnAt (0.75 of 120 = 90) and warns without paging", () => {
    const rules: Any[] = budgetRule(env('staging'))!.spec.groups[0].rules;
    expect(rules.find((r) => r.alert === 'HiveBoxBudgetWarning')!.expr).toMatch(/\* 730 > 90$/);
    expect(rules.find((r) => r.alert === 'HiveBoxBudgetExceeded')).toMatchObject({
      expr: expect.stringMatching(/\* 730 > 120$/),
      labels: { severity: 'warning' },
    });
  });

  it("records the namespace's hourly cost as CPU, memory and storage allocation times their OpenCost prices", () => {
    const rules: Any[] = budgetRule(env('prod'))!.spec.groups[0].rules;
    const record = rules.find((r) => r.record === COST_HOURLY_RECORD)!;
    expect(record.labels).toEqual({ namespace: 'hivebox-prod' });
    const terms = (record.expr as string).split('\n+ ');
    expect(terms).toEqual([
      '(sum(sum by (node) (container_cpu_allocation{namespace="hivebox-prod"}) * on (node) avg by (node) (node_cpu_hourly_cost)) or vector(0))',
      '(sum(sum by (node) (container_memory_allocation_bytes{namespace="hivebox-prod"}) / 1073741824 * on (node) avg by (node) (node_ram_hourly_cost)) or vector(0))',
      '(sum(sum by (persistentvolume) (pod_pvc_allocation{namespace="hivebox-prod"}) / 1073741824 * on (persistentvolume) avg by (persistentvolume) (pv_hourly_cost)) or vector(0))',
    ]);
    expect(record.expr).toBe(hourlyCostExpr('hivebox-prod'));
    // Balanced parentheses: a PromQL syntax error would make the whole rule group fail to load.
    let depth = 0;
    for (const c of record.expr as string) {
      depth += c === '(' ? 1 : c === ')' ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it.each([
    ['warnAt: 1.5', 'budget:\n  monthly: 100\n  warnAt: 1.5\n', 'budget.warnAt: expected a value <= 1, got 1.5'],
    ['monthly: -5', 'budget:\n  monthly: -5\n', 'budget.monthly: expected a value > 0, got -5'],
    ['monthly missing', 'budget:\n  warnAt: 0.5\n', 'budget.monthly'],
  ])('refuses %s with exit 2, naming file and field', async (_, yaml, message) => {
    const { root, cleanup } = tempRepo();
    cleanups.push(cleanup);
    const file = join(root, 'envs', 'dev', 'env.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}${yaml}`);
    const result = await runCli(root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('envs/dev/env.yaml: ');
    expect(result.stderr).toContain(message);
  });

  it('lets budgets differ between staging and prod, but not a budget that only prod has (validate parity)', async () => {
    const { root, cleanup } = tempRepo();
    cleanups.push(cleanup);
    expect((await runCli(root, 'synth')).code).toBe(0);
    const amounts = await runCli(root, 'validate', '--format', 'json');
    expect(amounts.stdout).not.toContain('hivebox-budget');
    expect(amounts.code).toBe(0);
    const file = join(root, 'envs', 'staging', 'env.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/budget:\n( {2}.*\n)+/, ''));
    expect((await runCli(root, 'synth')).code).toBe(0);
    const missing = await runCli(root, 'validate');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('PrometheusRule hivebox-budget exists in prod but not in staging');
  }, 120_000);

  it('ships one cost dashboard per cluster with the opencost Application: per environment, per workload, against the budget', () => {
    for (const cluster of ['nonprod', 'prod']) {
      const manifests = clusterConfig(cluster, environments).get(OPENCOST)! as Any[];
      expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
        `ConfigMap/opencost/hivebox-cost-${cluster}`,
      ]);
      expect(manifests[0]!.metadata.labels.grafana_dashboard).toBe('1');
      const dashboard = JSON.parse(Object.values(manifests[0]!.data as Record<string, string>)[0]!);
      expect(dashboard.uid).toBe(`hivebox-cost-${cluster}`);
      const [perEnv, perWorkload, budget] = dashboard.panels as Any[];
      const onCluster = environments.filter((e) => e.cluster === cluster);
      expect(perEnv!.targets.map((t: Any) => t.legendFormat)).toEqual(onCluster.map((e) => e.name));
      for (const [i, e] of onCluster.entries()) expect(perEnv!.targets[i].expr).toBe(`(${hourlyCostExpr(e.namespace)}) * 730`);
      expect(perWorkload!.targets[0].expr).toContain(`namespace=~"${onCluster.map((e) => e.namespace).join('|')}"`);
      // The budget panel: the projection divided by each budget (staging 120 on nonprod, prod 400).
      const expected = cluster === 'prod' ? [['prod', 400]] : [['staging', 120]];
      expect(budget!.targets.map((t: Any) => [t.legendFormat.split(' ')[0], Number(/\/ (\d+)$/.exec(t.expr)![1])])).toEqual(expected);
    }
  });
});
