/**
 * The budget PrometheusRule's name (validate's parity check lets its amounts differ between
 * environments). Apart from budget.ts, which needs cdk8s, so that validate does not load it.
 */
export const BUDGET_RULE_NAME = 'hivebox-budget';
