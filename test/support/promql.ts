/**
 * A minimal PromQL evaluator over the syntax tree of @prometheus-io/lezer-promql (Prometheus's own
 * grammar), for exactly what the budget rules use: instant and range vector selectors with label
 * matchers, number literals, sum/avg/max with or without `by`, `avg_over_time`, `vector`, `absent`,
 * arithmetic between vectors (one-to-one, with or without `on`) and with scalars, comparisons that
 * filter, and `or`. Anything else throws, so a rule that starts using more fails its test instead
 * of being evaluated wrongly. npm has PromQL parsers but no maintained evaluator.
 *
 * Semantics follow Prometheus's engine (prometheus/prometheus promql/engine.go, v3): an instant
 * selector takes each series' latest sample in (t − 5m, t]; a range selector every sample in
 * (t − range, t]; arithmetic drops the metric name; one-to-one matching pairs series with equal
 * labels (all but the name, or only those of `on`), and with `on` the result keeps only those
 * labels (resultMetric); `or` adds the right side's series whose labels (without the name) the
 * left side does not have; an aggregation keeps only its `by` labels.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export type Labels = Readonly<Record<string, string>>;
export interface Series {
  readonly labels: Labels;
  /** [timestamp in ms, value], in time order. */
  readonly samples: ReadonlyArray<readonly [number, number]>;
}
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}
type Value =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'vector'; readonly samples: readonly Sample[] }
  | { readonly kind: 'matrix'; readonly series: readonly Series[] };

const LOOKBACK_MS = 5 * 60_000;
const NAME = '__name__';

export class PromQL {
  constructor(private readonly series: readonly Series[]) {}

  /** The value of `expr` at `time` (ms): a vector's samples, or a scalar as one sample without labels. */
  instant(expr: string, time: number): Sample[] {
    const tree = parser.parse(expr);
    tree.iterate({
      enter: (node) => {
        if (node.type.isError) throw new Error(`not valid PromQL at ${node.from}: ${expr}`);
      },
    });
    const value = new Evaluation(expr, time, this.series).eval(tree.topNode);
    if (value.kind === 'scalar') return [{ labels: {}, value: value.value }];
    if (value.kind === 'vector') return [...value.samples];
    throw new Error('a range vector is no result of an instant query');
  }
}

class Evaluation {
  constructor(
    private readonly expr: string,
    private readonly time: number,
    private readonly series: readonly Series[],
  ) {}

  private text(node: SyntaxNode): string {
    return this.expr.slice(node.from, node.to);
  }

  private unsupported(node: SyntaxNode): never {
    throw new Error(`unsupported in this evaluator: ${node.type.name} "${this.text(node)}"`);
  }

  eval(node: SyntaxNode): Value {
    switch (node.type.name) {
      case 'PromQL':
      case 'ParenExpr':
        return this.eval(only(node));
      case 'NumberDurationLiteral':
        return { kind: 'scalar', value: Number(this.text(node)) };
      case 'VectorSelector':
        return { kind: 'vector', samples: this.select(node) };
      case 'MatrixSelector':
        return { kind: 'matrix', series: this.range(node) };
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'FunctionCall':
        return this.call(node);
      case 'BinaryExpr':
        return this.binary(node);
      default:
        return this.unsupported(node);
    }
  }

  private matchers(selector: SyntaxNode): Array<(labels: Labels) => boolean> {
    const tests: Array<(labels: Labels) => boolean> = [];
    const name = selector.getChild('Identifier');
    if (name) tests.push((labels) => labels[NAME] === this.text(name));
    for (const matcher of selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
      const label = this.text(matcher.getChild('LabelName')!);
      const op = matcher.getChild('MatchOp')!.firstChild!.type.name;
      const value = JSON.parse(this.text(matcher.getChild('StringLiteral')!)) as string;
      if (op === 'EqlSingle') tests.push((labels) => (labels[label] ?? '') === value);
      else if (op === 'Neq') tests.push((labels) => (labels[label] ?? '') !== value);
      else this.unsupported(matcher);
    }
    if (selector.getChild('LabelMatchers')?.getChild('QuotedLabelMatcher')) this.unsupported(selector);
    return tests;
  }

  private matching(selector: SyntaxNode): Series[] {
    const tests = this.matchers(selector);
    return this.series.filter((s) => tests.every((test) => test(s.labels)));
  }

  private select(selector: SyntaxNode): Sample[] {
    const samples: Sample[] = [];
    for (const series of this.matching(selector)) {
      const inWindow = series.samples.filter(([t]) => t > this.time - LOOKBACK_MS && t <= this.time);
      const last = inWindow[inWindow.length - 1];
      if (last) samples.push({ labels: series.labels, value: last[1] });
    }
    return samples;
  }

  private range(node: SyntaxNode): Series[] {
    const rangeMs = duration(this.text(node.getChild('DurationExpr') ?? this.unsupported(node)));
    return this.matching(node.getChild('VectorSelector')!)
      .map((series) => ({ labels: series.labels, samples: series.samples.filter(([t]) => t > this.time - rangeMs && t <= this.time) }))
      .filter((series) => series.samples.length > 0);
  }

  private vector(node: SyntaxNode): readonly Sample[] {
    const value = this.eval(node);
    if (value.kind !== 'vector') throw new Error(`expected an instant vector: "${this.text(node)}"`);
    return value.samples;
  }

  private aggregate(node: SyntaxNode): Value {
    const op = node.getChild('AggregateOp')!.firstChild!.type.name;
    const modifier = node.getChild('AggregateModifier');
    if (modifier?.getChild('Without')) this.unsupported(modifier);
    const by = modifier ? (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((n) => this.text(n)) : [];
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const sample of this.vector(only(node.getChild('FunctionCallBody')!))) {
      const labels = Object.fromEntries(by.filter((l) => sample.labels[l] !== undefined).map((l) => [l, sample.labels[l]!]));
      const key = JSON.stringify(by.map((l) => labels[l] ?? ''));
      const group = groups.get(key) ?? groups.set(key, { labels, values: [] }).get(key)!;
      group.values.push(sample.value);
    }
    const reduce: Record<string, (values: number[]) => number> = {
      Sum: (values) => values.reduce((a, b) => a + b, 0),
      Avg: (values) => values.reduce((a, b) => a + b, 0) / values.length,
      Max: (values) => Math.max(...values),
    };
    if (!reduce[op]) this.unsupported(node);
    return { kind: 'vector', samples: [...groups.values()].map((g) => ({ labels: g.labels, value: reduce[op]!(g.values) })) };
  }

  private call(node: SyntaxNode): Value {
    const fn = node.getChild('FunctionIdentifier')!.firstChild!.type.name;
    const args = childrenOf(node.getChild('FunctionCallBody')!);
    switch (fn) {
      case 'Vector': {
        const value = this.eval(args[0]!);
        if (value.kind !== 'scalar') throw new Error('vector() takes a scalar');
        return { kind: 'vector', samples: [{ labels: {}, value: value.value }] };
      }
      case 'Absent': {
        if (this.vector(args[0]!).length > 0) return { kind: 'vector', samples: [] };
        // absent() keeps the labels of the selector's equality matchers; the rules use none.
        if (args[0]!.type.name !== 'VectorSelector' || args[0]!.getChild('LabelMatchers')) this.unsupported(node);
        return { kind: 'vector', samples: [{ labels: {}, value: 1 }] };
      }
      case 'AvgOverTime': {
        const value = this.eval(args[0]!);
        if (value.kind !== 'matrix') throw new Error('avg_over_time() takes a range vector');
        return {
          kind: 'vector',
          samples: value.series.map((s) => ({
            labels: withoutName(s.labels),
            value: s.samples.reduce((a, [, v]) => a + v, 0) / s.samples.length,
          })),
        };
      }
      default:
        return this.unsupported(node);
    }
  }

  private binary(node: SyntaxNode): Value {
    const children = childrenOf(node);
    const [lhsNode, opNode] = children as [SyntaxNode, SyntaxNode];
    const rhsNode = children[children.length - 1]!;
    const op = opNode.type.name;
    const modifier = node.getChild('MatchingModifierClause');
    if (
      node.getChild('BoolModifier') ||
      modifier?.getChild('Ignoring') ||
      modifier?.getChild('GroupLeft') ||
      modifier?.getChild('GroupRight')
    )
      this.unsupported(node);
    const on = modifier ? (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((n) => this.text(n)) : undefined;
    const lhs = this.eval(lhsNode);
    const rhs = this.eval(rhsNode);
    const arithmetic = ARITHMETIC[op];
    const comparison = COMPARISON[op];
    if (op === 'Or') {
      if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error('or takes two instant vectors');
      const present = new Set(lhs.samples.map((s) => signature(s.labels, on)));
      return { kind: 'vector', samples: [...lhs.samples, ...rhs.samples.filter((s) => !present.has(signature(s.labels, on)))] };
    }
    if (!arithmetic && !comparison) this.unsupported(opNode);
    if (lhs.kind === 'matrix' || rhs.kind === 'matrix') throw new Error('binary operators take instant vectors or scalars');
    if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
      if (!arithmetic) this.unsupported(node); // a comparison of scalars needs `bool`
      return { kind: 'scalar', value: arithmetic(lhs.value, rhs.value) };
    }
    if (lhs.kind === 'scalar' || rhs.kind === 'scalar') {
      const vector = (lhs.kind === 'vector' ? lhs : rhs) as { samples: readonly Sample[] };
      const scalar = (lhs.kind === 'scalar' ? lhs : rhs) as { value: number };
      const pair = (v: number): [number, number] => (lhs.kind === 'vector' ? [v, scalar.value] : [scalar.value, v]);
      if (arithmetic)
        return {
          kind: 'vector',
          samples: vector.samples.map((s) => ({ labels: withoutName(s.labels), value: arithmetic(...pair(s.value)) })),
        };
      return { kind: 'vector', samples: vector.samples.filter((s) => comparison!(...pair(s.value))) };
    }
    // One-to-one vector matching: every signature at most once on each side.
    const right = new Map<string, Sample>();
    for (const sample of rhs.samples) {
      const key = signature(sample.labels, on);
      if (right.has(key)) throw new Error(`many-to-many matching not allowed: "${this.text(rhsNode)}" has two series for ${key}`);
      right.set(key, sample);
    }
    const seen = new Set<string>();
    const samples: Sample[] = [];
    for (const sample of lhs.samples) {
      const key = signature(sample.labels, on);
      const match = right.get(key);
      if (!match) continue;
      if (seen.has(key)) throw new Error(`many-to-many matching not allowed: "${this.text(lhsNode)}" has two series for ${key}`);
      seen.add(key);
      if (comparison) {
        if (comparison(sample.value, match.value)) samples.push(sample);
        continue;
      }
      const labels = on
        ? Object.fromEntries(on.filter((l) => sample.labels[l] !== undefined).map((l) => [l, sample.labels[l]!]))
        : withoutName(sample.labels);
      samples.push({ labels, value: arithmetic!(sample.value, match.value) });
    }
    return { kind: 'vector', samples };
  }
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};
const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  Gtr: (a, b) => a > b,
  Lss: (a, b) => a < b,
  Gte: (a, b) => a >= b,
  Lte: (a, b) => a <= b,
  EqlC: (a, b) => a === b,
  Neq: (a, b) => a !== b,
};

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

function only(node: SyntaxNode): SyntaxNode {
  const children = childrenOf(node);
  if (children.length !== 1) throw new Error(`expected one expression in ${node.type.name}, found ${children.length}`);
  return children[0]!;
}

function withoutName(labels: Labels): Labels {
  const { [NAME]: _name, ...rest } = labels;
  return rest;
}

/** The labels two series are matched on: those of `on`, else all but the metric name. */
function signature(labels: Labels, on: readonly string[] | undefined): string {
  const names = on ?? Object.keys(labels).filter((l) => l !== NAME);
  return JSON.stringify([...names].sort().map((l) => [l, labels[l] ?? '']));
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration such as 1d, 5m or 1h30m, in ms. */
export function duration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.map((p) => p[0]).join('') !== text || parts.length === 0) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
}
