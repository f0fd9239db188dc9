/**
 * An environment's budget as a PrometheusRule: the namespace's cost per hour from
 * OpenCost's metrics, projected to a month, and two alerts, at `budget.warnAt` and at
 * 100 % of `budget.monthly`. Lives in the environment's namespace beside the other
 * alerts and carries the same routing labels (severity, environment).
 *
 * OpenCost's metric names (opencost/opencost, pkg/costmodel metrics; its exporter is scraped
 * with honorLabels, so `namespace` is the workload's):
 * - container_cpu_allocation{namespace,pod,container,node}: cores allocated (max of request and usage);
 * - container_memory_allocation_bytes{namespace,pod,container,node}: bytes allocated;
 * - pod_pvc_allocation{namespace,pod,persistentvolumeclaim,persistentvolume}: a volume's bytes divided by
 *   the number of pods that claim it (timesClaimed), so a volume's pods add up to the whole volume;
 * - node_cpu_hourly_cost{node}: price of one core for an hour; node_ram_hourly_cost{node}: of one GiB;
 *   pv_hourly_cost{persistentvolume}: of one GiB of that volume.
 */
import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRule } from '../imports/monitoring.coreos.com.ts';
import { prometheusRules, type PromQLRule } from './prometheus-rules.ts';
import { BUDGET_RULE_NAME } from './budget-name.ts';
import { componentLabels, ENVIRONMENT_LABEL, SyncWave, syncWave } from './metadata.ts';
import type { AlertSeverity } from './monitoring.ts';

/** Hours in an average month (8760 / 12): the projection of an hourly cost to a month. */
export const HOURS_PER_MONTH = 730;
/** The recording rule: the namespace's cost per hour, labelled with its namespace. */
export const COST_HOURLY_RECORD = 'namespace:opencost_cost_hourly:sum';
const GIB = 1024 ** 3;
export { BUDGET_RULE_NAME };

export interface BudgetRulesProps {
  /** The environment's name: its label and the alerts' routing label. */
  readonly environment: string;
  /** The namespace whose cost is watched. */
  readonly namespace: string;
  /** The monthly budget, in the currency OpenCost reports. */
  readonly monthly: number;
  /** The share of `monthly` the early warning fires at (0.8: at 80 %). */
  readonly warnAt: number;
  /** The severity of the alert at 100 %, routed like the environment's other alerts (the warning never pages). @default 'warning' */
  readonly severity?: AlertSeverity;
}

export class BudgetRules extends Construct {
  readonly rules: ApiObject;

  constructor(scope: Construct, id: string, props: BudgetRulesProps) {
    super(scope, id);
    this.rules = new PrometheusRule(this, 'Rules', {
      metadata: {
        name: BUDGET_RULE_NAME,
        labels: { ...componentLabels('hivebox', 'budget'), [ENVIRONMENT_LABEL]: props.environment },
        annotations: syncWave(SyncWave.App),
      },
      spec: { groups: [{ name: 'hivebox-budget.rules', rules: prometheusRules(budgetRules(props)) }] },
    });
  }
}

/** The namespace's cost per hour: CPU, memory and storage allocation times their hourly prices. */
export function hourlyCostExpr(namespace: string): string {
  const ns = `namespace="${namespace}"`;
  const cpu = `sum(sum by (node) (container_cpu_allocation{${ns}}) * on (node) avg by (node) (node_cpu_hourly_cost))`;
  const memory = `sum(sum by (node) (container_memory_allocation_bytes{${ns}}) / ${GIB} * on (node) avg by (node) (node_ram_hourly_cost))`;
  // A volume claimed by several pods is reported as one share per pod (metrics.go divides by timesClaimed): add them up.
  const storage = `sum(sum by (persistentvolume) (pod_pvc_allocation{${ns}}) / ${GIB} * on (persistentvolume) avg by (persistentvolume) (pv_hourly_cost))`;
  return [cpu, memory, storage].map((part) => `(${part} or vector(0))`).join('\n+ ');
}

/** The projected monthly cost: the last day's average hourly cost times the hours of a month. */
export function projectedMonthlyExpr(namespace: string): string {
  return `avg_over_time(${COST_HOURLY_RECORD}{namespace="${namespace}"}[1d]) * ${HOURS_PER_MONTH}`;
}

function budgetRules({ environment, namespace: ns, monthly, warnAt, severity = 'warning' }: BudgetRulesProps): PromQLRule[] {
  const projected = projectedMonthlyExpr(ns);
  const warnAmount = round(monthly * warnAt);
  const percent = round(warnAt * 100);
  return [
    { record: COST_HOURLY_RECORD, expr: hourlyCostExpr(ns), labels: { namespace: ns } },
    {
      alert: 'HiveBoxBudgetWarning',
      expr: `${projected} > ${warnAmount}`,
      for: '1h',
      labels: { severity: 'warning', environment },
      annotations: {
        summary: `${environment} is heading for ${percent} % of its monthly budget`,
        description: `At the last day's rate, ${ns} costs {{ $value | printf "%.2f" }} a month: more than ${percent} % (${warnAmount}) of its budget of ${monthly}. See docs/runbooks/budget-alert.md.`,
      },
    },
    {
      alert: 'HiveBoxBudgetExceeded',
      expr: `${projected} > ${monthly}`,
      for: '1h',
      labels: { severity, environment },
      annotations: {
        summary: `${environment} is over its monthly budget`,
        description: `At the last day's rate, ${ns} costs {{ $value | printf "%.2f" }} a month: more than its budget of ${monthly}. See docs/runbooks/budget-alert.md.`,
      },
    },
    {
      alert: 'HiveBoxCostDataMissing',
      expr: 'absent(node_cpu_hourly_cost)',
      for: '1h',
      labels: { severity: 'warning', environment },
      annotations: {
        summary: `No cost data: the budget of ${environment} is not watched`,
        description:
          'Prometheus has no node_cpu_hourly_cost from OpenCost for an hour, so the budget alerts cannot fire. Check the opencost platform Application.',
      },
    },
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
