/**
 * Evaluates LogQL over in-memory streams with Loki's semantics (pkg/logql/engine.go,
 * evaluator.go, range_vector.go). Evaluation is two-phase: every range aggregation of every
 * query in a batch registers a collector (collector.ts); one scan over the streams feeds all
 * collectors, and collectors that share a selector and parser stages share one parse of each
 * line (stage-trie.ts).
 */
import type {
  BinaryExpr,
  Expr,
  Grouping,
  LabelMatcher,
  LogSelectorExpr,
  RangeAggregationExpr,
  SampleExpr,
  VectorAggregationExpr,
} from './ast.ts';
import { LogQLExecutionError, LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';
import { compareLabels, ERROR_LABEL, labelsKey, PRESERVE_ERROR_LABEL, type Labels } from './labels.ts';
import { applyScalar, isComparison, parseQuery } from './parse.ts';
import { compilePipeline, type EntryState, type StageFn } from './pipeline.ts';
import { compileGoRegex } from './regex.ts';
import {
  lowerIndex,
  newEntryLabels,
  normalizeStreams,
  toNanos,
  type InputStream,
  type NormalizedStream,
  type TimeInput,
} from './streams.ts';
import { parseGoDurationMs } from './template.ts';
import { makeCollector, selectorMatchers, type Collector } from './collector.ts';
import { scan } from './stage-trie.ts';
import type { StageCache } from './stage-cache.ts';
import { formatSampleValue, parseDurationMs } from './units.ts';

// ---------------------------------------------------------------------------------------------
// Result shapes: Loki's HTTP API `data` object.

export interface StreamsResult {
  resultType: 'streams';
  result: { stream: Record<string, string>; values: [string, string][] }[];
}
export interface VectorResult {
  resultType: 'vector';
  result: { metric: Record<string, string>; value: [number, string] }[];
}
export interface MatrixResult {
  resultType: 'matrix';
  result: { metric: Record<string, string>; values: [number, string][] }[];
}
export interface ScalarResult {
  resultType: 'scalar';
  result: [number, string];
}
export type QueryResult = StreamsResult | VectorResult | MatrixResult | ScalarResult;

export interface RangeOptions {
  start: TimeInput;
  end: TimeInput;
  /** Step: milliseconds as a number, a duration string ("1m"), or nanoseconds as bigint. */
  step?: number | string | bigint;
  /** Log queries only: max entries (Loki default 100). */
  limit?: number;
  /** Log queries only: 'backward' (Loki default) or 'forward'. */
  direction?: 'backward' | 'forward';
}

// ---------------------------------------------------------------------------------------------
// Samples and vectors.

interface Sample {
  labels: Labels;
  key: string;
  value: number;
}
type Vector = Sample[];
/** A step result: a vector, or a scalar (literal). */
type StepValue = { kind: 'vector'; v: Vector } | { kind: 'scalar'; v: number };

const MS = 1000000n;

function runStages(stages: StageFn[], e: EntryState): boolean {
  for (let i = 0; i < stages.length; i++) if (!stages[i]!(e)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Range functions.

function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

function aggregateWindow(expr: RangeAggregationExpr, values: number[], from: number, to: number): number {
  const n = to - from;
  const rangeSec = expr.rangeMs / 1000;
  switch (expr.op) {
    case 'count_over_time':
      return n;
    case 'rate': {
      if (!expr.unwrap) return n / rangeSec;
      let sum = 0;
      for (let i = from; i < to; i++) sum += values[i]!;
      return sum / rangeSec;
    }
    case 'bytes_over_time':
    case 'sum_over_time': {
      let sum = 0;
      for (let i = from; i < to; i++) sum += values[i]!;
      return sum;
    }
    case 'bytes_rate': {
      let sum = 0;
      for (let i = from; i < to; i++) sum += values[i]!;
      return sum / rangeSec;
    }
    case 'avg_over_time': {
      // range_vector.go avgOverTime: mean += v/count - mean/count, with its Inf guards.
      let mean = 0;
      let count = 0;
      for (let i = from; i < to; i++) {
        count++;
        const v = values[i]!;
        if (mean === Infinity || mean === -Infinity) {
          if ((v === Infinity || v === -Infinity) && mean > 0 === v > 0) continue;
          if (Number.isFinite(v)) continue;
        }
        mean += v / count - mean / count;
      }
      return mean;
    }
    case 'min_over_time': {
      let m = values[from]!;
      for (let i = from + 1; i < to; i++) {
        const v = values[i]!;
        if (m > v || Number.isNaN(m)) m = v;
      }
      return m;
    }
    case 'max_over_time': {
      let m = values[from]!;
      for (let i = from + 1; i < to; i++) {
        const v = values[i]!;
        if (m < v || Number.isNaN(m)) m = v;
      }
      return m;
    }
    case 'stddev_over_time':
    case 'stdvar_over_time': {
      let count = 0;
      let mean = 0;
      let aux = 0;
      for (let i = from; i < to; i++) {
        count++;
        const v = values[i]!;
        const delta = v - mean;
        mean += delta / count;
        aux += delta * (v - mean);
      }
      const variance = aux / count;
      return expr.op === 'stddev_over_time' ? Math.sqrt(variance) : variance;
    }
    case 'quantile_over_time':
      return quantile(expr.param!, values.slice(from, to));
    case 'first_over_time':
      return values[from]!;
    case 'last_over_time':
      return values[to - 1]!;
    case 'absent_over_time':
      return 1;
    case 'rate_counter':
      throw new UnsupportedQueryError('rate_counter');
  }
}

function pipelineError(labels: Labels): never {
  const err = labels[ERROR_LABEL] ?? '';
  throw new LogQLExecutionError(
    `pipeline error: '${err}' for series: '${labelsKey(labels)}'.\n` +
      `Use a label filter to intentionally skip this error. (e.g | __error__!="${err}").\n` +
      `To skip all potential errors you can match empty errors.(e.g __error__="")\n` +
      `And then disable them with | drop __error__,__error_details__`,
  );
}

function absentLabels(ms: LabelMatcher[]): Labels {
  const out: Labels = {};
  const empty: string[] = [];
  for (const m of ms) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !(m.name in out)) out[m.name] = m.value;
    else empty.push(m.name);
  }
  for (const n of empty) delete out[n];
  return out;
}

function rangeStep(c: Collector, t: bigint): Vector {
  if (c.accumulate) return accumulatedStep(c);
  const rangeNs = BigInt(Math.round(c.expr.rangeMs * 1e6));
  const offsetNs = BigInt(Math.round(c.expr.offsetMs * 1e6));
  const hi = t - offsetNs;
  const lo = hi - rangeNs;
  const out: Vector = [];
  for (const s of c.series.values()) {
    const from = lowerIndex(s.ts, lo, false);
    const to = lowerIndex(s.ts, hi, false);
    if (to <= from) continue;
    if (ERROR_LABEL in s.labels && s.labels[PRESERVE_ERROR_LABEL] !== 'true') pipelineError(s.labels);
    out.push({ labels: s.labels, key: s.key, value: aggregateWindow(c.expr, s.values, from, to) });
  }
  return finishStep(c, out);
}

/** Accumulated series (single-step collectors): totals were summed during the scan. */
function accumulatedStep(c: Collector): Vector {
  const out: Vector = [];
  const rangeSec = c.expr.rangeMs / 1000;
  for (const s of c.series.values()) {
    if (s.count === 0) continue;
    if (ERROR_LABEL in s.labels && s.labels[PRESERVE_ERROR_LABEL] !== 'true') pipelineError(s.labels);
    let value: number;
    switch (c.expr.op) {
      case 'count_over_time':
        value = s.count;
        break;
      case 'rate':
        value = c.expr.unwrap ? s.sum / rangeSec : s.count / rangeSec;
        break;
      case 'bytes_rate':
        value = s.sum / rangeSec;
        break;
      default:
        value = s.sum;
    }
    out.push({ labels: s.labels, key: s.key, value });
  }
  return finishStep(c, out);
}

function finishStep(c: Collector, out: Vector): Vector {
  if (c.expr.op === 'absent_over_time') {
    if (out.length > 0) return [];
    const labels = absentLabels(c.expr.selector.matchers);
    return [{ labels, key: labelsKey(labels), value: 1 }];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Planning: find range aggregations (and the sum-by grouping Loki pushes into them).

interface Plan {
  collectors: Map<RangeAggregationExpr, Collector>;
}

function planExpr(expr: SampleExpr, steps: bigint[], plan: Plan, inject?: Grouping): void {
  switch (expr.kind) {
    case 'rangeAggregation':
      if (!plan.collectors.has(expr)) plan.collectors.set(expr, makeCollector(expr, inject, steps));
      return;
    case 'vectorAggregation': {
      const inner = expr.expr;
      // Loki's canInjectVectorGrouping: only sum over count/bytes/bytes_rate/sum/rate without range grouping.
      const canInject =
        expr.op === 'sum' &&
        inner.kind === 'rangeAggregation' &&
        !inner.grouping &&
        !expr.grouping.without &&
        ['count_over_time', 'bytes_over_time', 'bytes_rate', 'sum_over_time', 'rate'].includes(inner.op);
      planExpr(inner, steps, plan, canInject ? expr.grouping : undefined);
      return;
    }
    case 'binary':
      planExpr(expr.lhs, steps, plan);
      planExpr(expr.rhs, steps, plan);
      return;
    case 'labelReplace':
      planExpr(expr.expr, steps, plan);
      return;
    case 'literal':
    case 'vector':
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Step evaluation.

function evalStep(expr: SampleExpr, t: bigint, plan: Plan): StepValue {
  switch (expr.kind) {
    case 'literal':
      return { kind: 'scalar', v: expr.value };
    case 'vector':
      return { kind: 'vector', v: [{ labels: {}, key: '{}', value: expr.value }] };
    case 'rangeAggregation':
      return { kind: 'vector', v: rangeStep(plan.collectors.get(expr)!, t) };
    case 'vectorAggregation':
      return { kind: 'vector', v: vectorAggregate(expr, toVector(evalStep(expr.expr, t, plan), expr.op)) };
    case 'labelReplace':
      return {
        kind: 'vector',
        v: labelReplace(expr, toVector(evalStep(expr.expr, t, plan), 'label_replace')),
      };
    case 'binary':
      return evalBinary(expr, t, plan);
  }
}

function toVector(v: StepValue, what: string): Vector {
  if (v.kind === 'vector') return v.v;
  throw new LogQLSyntaxError(`${what} expects a vector, got a scalar`, 1, 1);
}

function groupLabels(labels: Labels, g: Grouping): Labels {
  const out: Labels = {};
  if (g.without) {
    for (const k of Object.keys(labels)) if (!g.labels.includes(k) && k !== '__name__') out[k] = labels[k]!;
  } else {
    for (const k of g.labels) {
      const v = labels[k];
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}

function vectorAggregate(expr: VectorAggregationExpr, vec: Vector): Vector {
  const g = expr.grouping;
  if ((expr.op === 'topk' || expr.op === 'bottomk') && (expr.param ?? 0) < 1) return [];
  interface Group {
    labels: Labels;
    value: number;
    mean: number;
    count: number;
    members: Sample[];
  }
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of vec) {
    const gl = groupLabels(s.labels, g);
    const key = labelsKey(gl);
    let grp = groups.get(key);
    if (!grp) {
      grp = { labels: gl, value: s.value, mean: s.value, count: 1, members: [s] };
      if (expr.op === 'stddev' || expr.op === 'stdvar') grp.value = 0;
      groups.set(key, grp);
      order.push(grp);
      continue;
    }
    grp.members.push(s);
    switch (expr.op) {
      case 'sum':
        grp.value += s.value;
        break;
      case 'avg':
        grp.count++;
        grp.mean += (s.value - grp.mean) / grp.count;
        break;
      case 'max':
        if (grp.value < s.value || Number.isNaN(grp.value)) grp.value = s.value;
        break;
      case 'min':
        if (grp.value > s.value || Number.isNaN(grp.value)) grp.value = s.value;
        break;
      case 'count':
        grp.count++;
        break;
      case 'stddev':
      case 'stdvar': {
        grp.count++;
        const delta = s.value - grp.mean;
        grp.mean += delta / grp.count;
        grp.value += delta * (s.value - grp.mean);
        break;
      }
      default:
        break;
    }
  }
  const out: Vector = [];
  for (const grp of order) {
    switch (expr.op) {
      case 'avg':
        out.push({ labels: grp.labels, key: labelsKey(grp.labels), value: grp.mean });
        break;
      case 'count':
        out.push({ labels: grp.labels, key: labelsKey(grp.labels), value: grp.count });
        break;
      case 'stddev':
        out.push({ labels: grp.labels, key: labelsKey(grp.labels), value: Math.sqrt(grp.value / grp.count) });
        break;
      case 'stdvar':
        out.push({ labels: grp.labels, key: labelsKey(grp.labels), value: grp.value / grp.count });
        break;
      case 'topk':
      case 'bottomk': {
        const k = expr.param!;
        const desc = expr.op === 'topk';
        const sorted = [...grp.members].sort((a, b) => {
          if (Number.isNaN(a.value)) return 1;
          if (Number.isNaN(b.value)) return -1;
          return desc ? b.value - a.value : a.value - b.value;
        });
        out.push(...sorted.slice(0, k));
        break;
      }
      case 'sort':
      case 'sort_desc': {
        const desc = expr.op === 'sort_desc';
        out.push(...[...grp.members].sort((a, b) => (desc ? b.value - a.value : a.value - b.value)));
        break;
      }
      default:
        out.push({ labels: grp.labels, key: labelsKey(grp.labels), value: grp.value });
    }
  }
  return out;
}

function labelReplace(
  expr: { dst: string; replacement: string; src: string; regex: string },
  vec: Vector,
): Vector {
  const re = compileGoRegex(expr.regex, true);
  const repl = expr.replacement.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
    },
  );
  return vec.map((s) => {
    const src = s.labels[expr.src] ?? '';
    if (!re.test(src)) return s;
    const value = src.replace(re, repl);
    const labels = { ...s.labels };
    if (value === '') delete labels[expr.dst];
    else labels[expr.dst] = value;
    return { labels, key: labelsKey(labels), value: s.value };
  });
}

function matchSig(labels: Labels, on: boolean | undefined, names: string[]): string {
  if (on === undefined) return labelsKey(labels);
  const out: Labels = {};
  if (on) {
    for (const n of names) if (labels[n] !== undefined) out[n] = labels[n]!;
  } else {
    for (const k of Object.keys(labels)) if (!names.includes(k)) out[k] = labels[k]!;
  }
  return labelsKey(out);
}

function evalBinary(expr: BinaryExpr, t: bigint, plan: Plan): StepValue {
  const l = evalStep(expr.lhs, t, plan);
  const r = evalStep(expr.rhs, t, plan);
  const comparison = isComparison(expr.op);
  if (l.kind === 'scalar' && r.kind === 'scalar')
    return { kind: 'scalar', v: applyScalar(expr.op, l.v, r.v) };
  if (l.kind === 'scalar' || r.kind === 'scalar') {
    // Loki's LiteralStepEvaluator: labels kept, comparisons filter unless bool.
    const vec = l.kind === 'vector' ? l.v : (r as { kind: 'vector'; v: Vector }).v;
    const lit = l.kind === 'scalar' ? l.v : (r as { kind: 'scalar'; v: number }).v;
    const litLeft = l.kind === 'scalar';
    const out: Vector = [];
    for (const s of vec) {
      const a = litLeft ? lit : s.value;
      const b = litLeft ? s.value : lit;
      const v = applyScalar(expr.op, a, b);
      if (comparison && !expr.returnBool) {
        if (v === 1) out.push(s);
        continue;
      }
      out.push({ labels: s.labels, key: s.key, value: v });
    }
    return { kind: 'vector', v: out };
  }
  const lhs = l.v;
  const rhs = r.v;
  const m = expr.matching;
  const lsigs = lhs.map((s) => matchSig(s.labels, m.on, m.labels));
  const rsigs = rhs.map((s) => matchSig(s.labels, m.on, m.labels));
  if (expr.op === 'and' || expr.op === 'or' || expr.op === 'unless') {
    const rset = new Set(rsigs);
    if (expr.op === 'and')
      return {
        kind: 'vector',
        v: lhs.length === 0 || rhs.length === 0 ? [] : lhs.filter((_, i) => rset.has(lsigs[i]!)),
      };
    if (expr.op === 'unless')
      return {
        kind: 'vector',
        v: lhs.length === 0 || rhs.length === 0 ? lhs : lhs.filter((_, i) => !rset.has(lsigs[i]!)),
      };
    if (lhs.length === 0) return { kind: 'vector', v: rhs };
    if (rhs.length === 0) return { kind: 'vector', v: lhs };
    const lset = new Set(lsigs);
    return { kind: 'vector', v: [...lhs, ...rhs.filter((_, i) => !lset.has(rsigs[i]!))] };
  }
  // vectorBinop (evaluator.go): one-to-many swaps sides for matching.
  let L = lhs;
  let R = rhs;
  let Ls = lsigs;
  let Rs = rsigs;
  const swapped = m.card === 'one-to-many';
  if (swapped) {
    [L, R] = [R, L];
    [Ls, Rs] = [Rs, Ls];
  }
  const right = new Map<string, Sample>();
  R.forEach((s, i) => {
    if (right.has(Rs[i]!))
      throw new LogQLExecutionError(
        `found duplicate series on the ${swapped ? 'left' : 'right'} hand-side;many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    right.set(Rs[i]!, s);
  });
  const matched = new Map<string, Set<string>>();
  const out: Vector = [];
  L.forEach((ls, i) => {
    const sig = Ls[i]!;
    const rs = right.get(sig);
    if (!rs) return;
    const metric = resultMetric(ls.labels, rs.labels, m);
    const key = labelsKey(metric);
    const seen = matched.get(sig);
    if (m.card === 'one-to-one') {
      if (seen)
        throw new LogQLExecutionError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      matched.set(sig, new Set());
    } else {
      if (seen?.has(key))
        throw new LogQLExecutionError(
          'multiple matches for labels: grouping labels must ensure unique matches',
        );
      if (seen) seen.add(key);
      else matched.set(sig, new Set([key]));
    }
    const [a, b] = swapped ? [rs, ls] : [ls, rs];
    const v = applyScalar(expr.op, a.value, b.value);
    if (comparison && !expr.returnBool) {
      if (v !== 1) return;
      out.push({ labels: metric, key, value: a.value });
      return;
    }
    out.push({ labels: metric, key, value: v });
  });
  return { kind: 'vector', v: out };
}

function resultMetric(lhs: Labels, rhs: Labels, m: BinaryExpr['matching']): Labels {
  const out: Labels = { ...lhs };
  if (m.card === 'one-to-one') {
    if (m.on === true) {
      for (const k of Object.keys(out)) if (!m.labels.includes(k)) delete out[k];
    } else if (m.on === false) {
      for (const n of m.labels) delete out[n];
    }
  }
  for (const n of m.include) {
    const v = rhs[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Log queries.

function evalLogQuery(
  expr: LogSelectorExpr,
  streams: NormalizedStream[],
  start: bigint,
  end: bigint,
  limit: number,
  forward: boolean,
): StreamsResult {
  const matchers = selectorMatchers(expr.matchers);
  const stages = compilePipeline(expr.stages);
  const picked: { ts: bigint; line: string; labels: Labels; key: string; order: number }[] = [];
  let order = 0;
  for (const stream of streams) {
    if (!matchers.every((m) => m(stream.labels))) continue;
    const from = lowerIndex(stream.ts, start, true);
    const to = lowerIndex(stream.ts, end, true); // end exclusive
    for (let i = from; i < to; i++) {
      const e: EntryState = { ts: stream.ts[i]!, line: stream.lines[i]!, labels: newEntryLabels(stream, i) };
      if (!runStages(stages, e)) continue;
      const labels = e.labels.toLabels();
      picked.push({ ts: e.ts, line: e.line, labels, key: labelsKey(labels), order: order++ });
    }
  }
  picked.sort((a, b) =>
    a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order,
  );
  if (!forward) picked.reverse();
  const kept = picked.slice(0, limit);
  const byKey = new Map<string, { stream: Labels; values: [string, string][] }>();
  for (const p of kept) {
    let s = byKey.get(p.key);
    if (!s) {
      s = { stream: sortedCopy(p.labels), values: [] };
      byKey.set(p.key, s);
    }
    s.values.push([p.ts.toString(), p.line]);
  }
  const result = [...byKey.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, v]) => v);
  return { resultType: 'streams', result };
}

function sortedCopy(l: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public entry points.

function nsToSeconds(t: bigint): number {
  // Loki reports sample timestamps in milliseconds.
  return Number(t / MS) / 1000;
}

function hasSort(expr: SampleExpr): boolean {
  switch (expr.kind) {
    case 'vectorAggregation':
      return expr.op === 'sort' || expr.op === 'sort_desc' || hasSort(expr.expr);
    case 'binary':
      return hasSort(expr.lhs) || hasSort(expr.rhs);
    case 'labelReplace':
      return hasSort(expr.expr);
    default:
      return false;
  }
}

function toExpr(expr: string | Expr): Expr {
  return typeof expr === 'string' ? parseQuery(expr) : expr;
}

function instantFromStep(expr: SampleExpr, v: StepValue, t: bigint): VectorResult | ScalarResult {
  const ts = nsToSeconds(t);
  if (v.kind === 'scalar') return { resultType: 'scalar', result: [ts, formatSampleValue(v.v)] };
  const vec = [...v.v];
  if (!hasSort(expr)) vec.sort((a, b) => compareLabels(a.labels, b.labels));
  return {
    resultType: 'vector',
    result: vec.map((s) => ({ metric: sortedCopy(s.labels), value: [ts, formatSampleValue(s.value)] })),
  };
}

/** Evaluates a metric query at time t (Loki's /loki/api/v1/query). */
export function instantQuery(
  expr: string | Expr,
  streams: readonly InputStream[],
  time: TimeInput,
): VectorResult | ScalarResult {
  return evaluateInstantBatch([expr], streams, time)[0]!;
}

/**
 * Evaluates many metric queries at one time over the same streams in one scan: queries that
 * share a selector and parser stages parse each line once. This is what the ruler uses.
 */
export function evaluateInstantBatch(
  exprs: readonly (string | Expr)[],
  streams: readonly InputStream[],
  time: TimeInput,
  options?: BatchOptions,
): (VectorResult | ScalarResult)[] {
  return evaluateInstantBatchSettled(exprs, streams, time, options).map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

export interface BatchOptions {
  /**
   * Keeps line filter verdicts and parser results across calls over the same streams (a ruler
   * stepping through time); see stage-cache.ts. Results are the same with or without it.
   */
  cache?: StageCache;
}

export type SettledQueryResult =
  { status: 'fulfilled'; value: VectorResult | ScalarResult } | { status: 'rejected'; reason: Error };

/**
 * Like evaluateInstantBatch, but one query's failure (syntax, unsupported construct,
 * pipeline error) does not affect the others, as when Loki's ruler evaluates each rule alone.
 */
export function evaluateInstantBatchSettled(
  exprs: readonly (string | Expr)[],
  streams: readonly InputStream[],
  time: TimeInput,
  options?: BatchOptions,
): SettledQueryResult[] {
  const t = toNanos(time);
  const plan: Plan = { collectors: new Map() };
  const planned = exprs.map((expr): { expr: SampleExpr } | { error: Error } => {
    try {
      const e = toExpr(expr);
      if (e.kind === 'logSelector')
        throw new LogQLExecutionError(
          'log queries are not supported as an instant query type, please change your query to a range query type',
        );
      // Plan into a scratch plan first so a failing query leaves no collectors behind.
      const own: Plan = { collectors: new Map(plan.collectors) };
      planExpr(e, [t], own);
      for (const [k, v] of own.collectors) plan.collectors.set(k, v);
      return { expr: e };
    } catch (err) {
      return { error: err as Error };
    }
  });
  scan(normalizeStreams(streams), [...plan.collectors.values()], options?.cache);
  return planned.map((p): SettledQueryResult => {
    if ('error' in p) return { status: 'rejected', reason: p.error };
    try {
      return { status: 'fulfilled', value: instantFromStep(p.expr, evalStep(p.expr, t, plan), t) };
    } catch (err) {
      return { status: 'rejected', reason: err as Error };
    }
  });
}

function parseStep(step: RangeOptions['step'], start: bigint, end: bigint): bigint {
  if (step === undefined) {
    // Loki's default: max(floor((end-start)/250s), 1s).
    const secs = Math.max(Math.floor(Number((end - start) / MS) / 1000 / 250), 1);
    return BigInt(secs) * 1000000000n;
  }
  if (typeof step === 'bigint') return step;
  if (typeof step === 'number') return BigInt(Math.round(step * 1e6));
  const ms = parseGoDurationMs(step) ?? parseDurationMs(step);
  if (ms === undefined) {
    const secs = Number(step);
    if (Number.isNaN(secs)) throw new Error(`invalid step ${JSON.stringify(step)}`);
    return BigInt(Math.round(secs * 1e9));
  }
  return BigInt(Math.round(ms * 1e6));
}

/** Evaluates a query over [start, end] (Loki's /loki/api/v1/query_range). */
export function rangeQuery(
  expr: string | Expr,
  streams: readonly InputStream[],
  opts: RangeOptions,
): QueryResult {
  const e = toExpr(expr);
  const start = toNanos(opts.start);
  const end = toNanos(opts.end);
  if (end < start) throw new Error('end timestamp must not be before start time');
  const norm = normalizeStreams(streams);
  if (e.kind === 'logSelector') {
    const limit = opts.limit ?? 100;
    return evalLogQuery(e, norm, start, end, limit, opts.direction === 'forward');
  }
  const step = parseStep(opts.step, start, end);
  if (step <= 0n)
    throw new Error('zero or negative query resolution step widths are not accepted. Try a positive integer');
  const steps: bigint[] = [];
  for (let t = start; t <= end; t += step) steps.push(t);
  const plan: Plan = { collectors: new Map() };
  planExpr(e, steps, plan);
  scan(norm, [...plan.collectors.values()]);
  const series = new Map<string, { labels: Labels; values: [number, string][] }>();
  let scalarOnly = true;
  for (const t of steps) {
    const v = evalStep(e, t, plan);
    const ts = nsToSeconds(t);
    if (v.kind === 'scalar') {
      let s = series.get('{}');
      if (!s) series.set('{}', (s = { labels: {}, values: [] }));
      s.values.push([ts, formatSampleValue(v.v)]);
      continue;
    }
    scalarOnly = false;
    for (const smp of v.v) {
      let s = series.get(smp.key);
      if (!s) series.set(smp.key, (s = { labels: smp.labels, values: [] }));
      s.values.push([ts, formatSampleValue(smp.value)]);
    }
  }
  void scalarOnly;
  const result = [...series.values()]
    .sort((a, b) => compareLabels(a.labels, b.labels))
    .map((s) => ({ metric: sortedCopy(s.labels), values: s.values }));
  return { resultType: 'matrix', result };
}
