/**
 * Prometheus rules as the constructs write them, an expression a PromQL string, and their
 * PrometheusRule form: the imported CRD type takes `expr` as int-or-string (src/imports/monitoring.coreos.com.ts).
 */
import { PrometheusRuleSpecGroupsRulesExpr, type PrometheusRuleSpecGroupsRules } from '../imports/monitoring.coreos.com.ts';

/** One alerting or recording rule, its expression as PromQL text. */
export type PromQLRule = Omit<PrometheusRuleSpecGroupsRules, 'expr'> & { readonly expr: string };

/** The rules in the shape the PrometheusRule construct takes. */
export function prometheusRules(rules: readonly PromQLRule[]): PrometheusRuleSpecGroupsRules[] {
  return rules.map((rule) => ({ ...rule, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) }));
}
