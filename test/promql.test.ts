/**
 * Every PromQL expression Prometheus will evaluate — each environment's alert and
 * recording rules, its budget rules included — parses under Prometheus's own PromQL
 * grammar (@prometheus-io/lezer-promql, the parser of Prometheus's web UI): a typo in a
 * rule would otherwise surface only when the operator rejects the PrometheusRule in
 * the cluster, and the alert would silently never exist.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../src/config/load.ts';
import { renderEnvironment } from '../src/synth/render.ts';

const environments = loadEnvironments(join(import.meta.dirname, '..'));

/** The error nodes of a parse, as "offset: text around it" (empty when the expression is valid PromQL). */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.to + 20)}`);
    },
  });
  return errors;
}

// Parsed manifests: the test walks them freely.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('PromQL of the PrometheusRules', () => {
  it('tells a valid expression from a broken one (the grammar is really applied)', () => {
    expect(syntaxErrors('sum by (namespace) (rate(http_requests_total{job="hivebox"}[5m])) > 0.5')).toEqual([]);
    expect(syntaxErrors('sum by (namespace) (rate(http_requests_total[5m]) > ')).not.toEqual([]);
    expect(syntaxErrors('avg_over_time(cost[1d:1h]) * 730 >= 0.8 * 400')).toEqual([]);
  });

  it.each(environments.map((env) => [env.name, env] as const))('%s: every rule expression parses, budget rules included', (_name, env) => {
    const rules = renderEnvironment(env)
      .filter((m) => m.kind === 'PrometheusRule')
      .flatMap((m) => ((m as Any).spec.groups as Any[]).flatMap((group) => group.rules as Any[]));
    expect(rules.length).toBeGreaterThan(0);
    if (env.budget) expect(rules.some((rule) => String(rule.expr).includes(String(env.budget!.monthly)))).toBe(true);
    for (const rule of rules) expect(syntaxErrors(String(rule.expr)), rule.alert ?? rule.record).toEqual([]);
  });
});
