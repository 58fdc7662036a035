/**
 * Evaluates LogQL over in-memory streams with Loki's semantics (pkg/logql/engine.go,
 * evaluator.go, range_vector.go). Evaluation is two-phase: every range aggregation of every
 * query in a batch registers a collector; one scan over the streams feeds all collectors, and
 * collectors that share a selector and parser stages share one parse of each line.
 */
import type {
  BinaryExpr,
  Expr,
  Grouping,
  LabelMatcher,
  LogSelectorExpr,
  PipelineStage,
  RangeAggregationExpr,
  SampleExpr,
  VectorAggregationExpr,
} from './ast.ts';
import { LogQLExecutionError, LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';
import { compareLabels, ERROR_LABEL, labelsKey, PRESERVE_ERROR_LABEL, type Labels } from './labels.ts';
import { applyScalar, isComparison, parseQuery } from './parse.ts';
import { hintsForRangeAggregation, ParserHints } from './hints.ts';
import {
  compileLabelFilter,
  compileMatcher,
  compilePipeline,
  compileStage,
  pureStages,
  parseGoFloat,
  type EntryState,
  type StageFn,
} from './pipeline.ts';
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
import { formatSampleValue, parseBytes, parseDurationMs } from './units.ts';

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

// ---------------------------------------------------------------------------------------------
// Collectors: the per-range-aggregation scan state.

interface SeriesSamples {
  labels: Labels;
  key: string;
  ts: bigint[];
  values: number[];
  sorted: boolean;
  count: number;
  sum: number;
}

interface Collector {
  expr: RangeAggregationExpr;
  matchers: ((labels: Labels) => boolean)[];
  selectorKey: string;
  /** Pipeline stages with a canonical key each, so collectors can share common prefixes. */
  stages: { key: string; fn: StageFn; stage: PipelineStage }[];
  /** Loki's parser hints for this extractor (exact semantics; see hints.ts). */
  hints: ParserHints;
  value: (e: EntryState) => number | undefined;
  /** The value extractor never writes to the entry (no unwrap), so it can read a shared entry. */
  valuePure: boolean;
  identity: SeriesIdentity;
  /** One step whose window is the whole scan window: keep running totals instead of samples. */
  accumulate: boolean;
  lo: bigint; // exclusive
  hi: bigint; // inclusive
  series: Map<string, SeriesSamples>;
}

function selectorMatchers(ms: LabelMatcher[]): ((labels: Labels) => boolean)[] {
  validateSelector(ms);
  return ms.map((m) => {
    const test = compileMatcher(m);
    return (labels: Labels) => test(labels[m.name] ?? '');
  });
}

/** Loki: a selector needs at least one matcher that does not match the empty string. */
function validateSelector(ms: LabelMatcher[]): void {
  const ok = ms.some((m) => !compileMatcher(m)(''));
  if (!ok)
    throw new LogQLSyntaxError(
      'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
      1,
      1,
    );
}

function canonicalMatchers(ms: LabelMatcher[]): string {
  return JSON.stringify([...ms].sort((a, b) => (a.name + a.op + a.value < b.name + b.op + b.value ? -1 : 1)));
}

interface SeriesIdentity {
  /**
   * A string that identifies the series within one collector (cheap to compute); the series'
   * labelsKey is computed once, when the series is first seen.
   */
  key: (e: EntryState) => string;
  labels: (e: EntryState) => Labels;
}

function hasError(e: EntryState): boolean {
  return e.labels.err !== '' || e.labels.errDetails !== '';
}

/** Which labels a sample's series carries (Loki's GroupedLabels with the extractor's grouping). */
function seriesIdentity(expr: RangeAggregationExpr, inject: Grouping | undefined): SeriesIdentity {
  let grouping = expr.grouping ?? inject;
  const full: SeriesIdentity = {
    key: (e) => e.labels.pristineKey() ?? labelsKey(e.labels.toLabels()),
    labels: (e) => e.labels.toLabels(),
  };
  const none: SeriesIdentity = {
    key: (e) => (hasError(e) ? full.key(e) : '{}'),
    labels: (e) => (hasError(e) ? e.labels.toLabels() : {}),
  };
  // Loki's GroupedLabels: `by ()` (and absent_over_time) extract no labels at all, even with
  // unwrap (syntax/extractor.go noLabels; log/labels.go GroupedLabels).
  if (expr.op === 'absent_over_time') return none;
  if (grouping && !grouping.without && grouping.labels.length === 0) return none;
  if (expr.unwrap && (!grouping || grouping.without)) {
    // LabelExtractorWithStages: groups += labelName, without = true (the unwrapped label is dropped).
    grouping = { without: true, labels: [...(grouping?.labels ?? []), expr.unwrap.label] };
  }
  if (!grouping) return full;
  const names = [...new Set(grouping.labels)].sort();
  if (!grouping.without) {
    if (names.length === 0) return none;
    if (names.length === 1) {
      const only = names[0]!;
      return {
        // A single grouping label: its value is the identity ('\u0000' marks "absent"; errors use full keys).
        key: (e) => (hasError(e) ? '\u0001' + full.key(e) : (e.labels.get(only) ?? '\u0000')),
        labels: (e) => e.labels.pick(names),
      };
    }
    return {
      key: (e) => {
        if (hasError(e)) return full.key(e);
        let k = '{';
        for (const n of names) {
          const v = e.labels.get(n);
          if (v === undefined) continue;
          if (k.length > 1) k += ', ';
          k += n + '=' + JSON.stringify(v);
        }
        return k + '}';
      },
      labels: (e) => e.labels.pick(names),
    };
  }
  const without = (e: EntryState): Labels => {
    const all = e.labels.toLabels();
    if (hasError(e)) return all;
    for (const n of names) delete all[n];
    return all;
  };
  return { key: (e) => labelsKey(without(e)), labels: without };
}

/** Returns the sample value for an entry, or undefined when the entry yields no sample. */
function makeValueExtractor(expr: RangeAggregationExpr): {
  value: (e: EntryState) => number | undefined;
  pure: boolean;
} {
  const u = expr.unwrap;
  if (!u) {
    if (expr.op === 'bytes_over_time' || expr.op === 'bytes_rate')
      return { value: (e) => Buffer.byteLength(e.line, 'utf8'), pure: true };
    return { value: () => 1, pure: true };
  }
  const post = u.postFilters.map(compileLabelFilter);
  const convert: (v: string) => number | undefined =
    u.conversion === 'bytes'
      ? parseBytes
      : u.conversion === 'duration' || u.conversion === 'duration_seconds'
        ? (v) => {
            const ms = parseGoDurationMs(v);
            return ms === undefined ? undefined : ms / 1000;
          }
        : parseGoFloat;
  const label = u.label;
  return {
    pure: false,
    value: (e) => {
      const raw = e.labels.get(label);
      if (raw === undefined || raw === '') return undefined;
      let v = convert(raw);
      if (v === undefined) {
        v = 0;
        e.labels.setErr('SampleExtractionErr', conversionDetails(u.conversion, raw));
      }
      for (const f of post) if (!f(e)) return undefined;
      return v;
    },
  };
}

function conversionDetails(conv: string | undefined, raw: string): string {
  if (conv === 'duration' || conv === 'duration_seconds')
    return `time: invalid duration ${JSON.stringify(raw)}`;
  return `strconv.ParseFloat: parsing ${JSON.stringify(raw)}: invalid syntax`;
}

const parserKinds = new Set(['json', 'logfmt', 'regexp', 'pattern', 'unpack']);

const accumulating = new Set([
  'count_over_time',
  'rate',
  'bytes_over_time',
  'bytes_rate',
  'sum_over_time',
  'absent_over_time',
]);

const stageCache = new Map<string, StageFn>();

function compileStageCached(stage: PipelineStage): { key: string; fn: StageFn; stage: PipelineStage } {
  const key = JSON.stringify(stage);
  const hit = stageCache.get(key);
  if (hit) return { key, fn: hit, stage };
  const fn = compileStage(stage);
  if (stageCache.size > 2000) stageCache.clear();
  stageCache.set(key, fn);
  return { key, fn, stage };
}

function makeCollector(expr: RangeAggregationExpr, inject: Grouping | undefined, steps: bigint[]): Collector {
  if (expr.op === 'rate_counter') throw new UnsupportedQueryError('rate_counter');
  const rangeNs = BigInt(Math.round(expr.rangeMs * 1e6));
  const offsetNs = BigInt(Math.round(expr.offsetMs * 1e6));
  return {
    expr,
    matchers: selectorMatchers(expr.selector.matchers),
    selectorKey: canonicalMatchers(expr.selector.matchers),
    stages: expr.selector.stages.map(compileStageCached),
    hints: hintsForRangeAggregation(expr, inject),
    ...(() => {
      const v = makeValueExtractor(expr);
      return { value: v.value, valuePure: v.pure };
    })(),
    identity: seriesIdentity(expr, inject),
    accumulate: steps.length === 1 && accumulating.has(expr.op),
    lo: steps[0]! - rangeNs - offsetNs,
    hi: steps[steps.length - 1]! - offsetNs,
    series: new Map(),
  };
}

function runStages(stages: StageFn[], e: EntryState): boolean {
  for (let i = 0; i < stages.length; i++) if (!stages[i]!(e)) return false;
  return true;
}

/**
 * A trie of pipeline stages over the collectors that read one stream: collectors whose
 * pipelines start with the same stages share those stages' work (and one parse of the line).
 */
interface StageNode {
  fn: StageFn | undefined;
  pure: boolean;
  /** Parser stage: runs with the union of its consumers' hints; parse errors take the exact path. */
  isParser: boolean;
  /** Union of the consumers' required labels (null: some consumer needs all labels). */
  required: Set<string> | null | undefined;
  allNoLabels: boolean;
  hints: ParserHints | undefined;
  /** Every collector at or below this node (for the exact path). */
  subtreeEnds: { c: Collector; from: number; to: number }[];
  children: Map<string, StageNode>;
  /** children as an array, filled before the scan (iteration speed); excludes indexed ones. */
  childList: StageNode[];
  /**
   * Children that are a single `label="value"` filter, indexed by label then value: one lookup
   * replaces evaluating each such filter (many rules differ only in such a filter).
   */
  eqIndex: { name: string; byValue: Map<string, StageNode[]> }[] | undefined;
  /** The `label="value"` filter this node is, when it is one. */
  eq: { name: string; value: string } | undefined;
  /** Collectors whose pipeline ends at this node, with their entry index range in the stream. */
  ends: { c: Collector; from: number; to: number }[];
  from: number;
  to: number;
  /** The entry range inside every end's and child's range, and the consumer count there. */
  allFrom: number;
  allTo: number;
  allConsumers: number;
}

function newNode(fn: StageFn | undefined): StageNode {
  return {
    fn,
    pure: fn !== undefined && pureStages.has(fn),
    isParser: false,
    required: undefined,
    allNoLabels: true,
    hints: undefined,
    subtreeEnds: [],
    children: new Map(),
    childList: [],
    eqIndex: undefined,
    eq: undefined,
    ends: [],
    from: Number.MAX_SAFE_INTEGER,
    to: -1,
    allFrom: 0,
    allTo: 0,
    allConsumers: 0,
  };
}

function addSample(c: Collector, e: EntryState, value: number): void {
  const id = c.identity.key(e);
  let series = c.series.get(id);
  if (!series) {
    const labels = c.identity.labels(e);
    series = { labels, key: labelsKey(labels), ts: [], values: [], sorted: true, count: 0, sum: 0 };
    c.series.set(id, series);
  }
  if (c.accumulate) {
    series.count++;
    series.sum += value;
    return;
  }
  const ts = e.ts;
  if (series.ts.length > 0 && series.ts[series.ts.length - 1]! > ts) series.sorted = false;
  series.ts.push(ts);
  series.values.push(value);
}

function fork(e: EntryState): EntryState {
  return { ts: e.ts, line: e.line, labels: e.labels.fork() };
}

/**
 * Runs one line through the stage trie. `owned`: this entry state may be written. Stages and
 * extractors that only read (line filters, string label filters) share the state; writers
 * get a copy-on-write fork whenever someone else still needs the unmodified state.
 */
function visitNode(
  node: StageNode,
  e: EntryState,
  i: number,
  owned: boolean,
  stream: NormalizedStream,
): void {
  const ends = node.ends;
  const kids = node.childList;
  let consumers: number;
  // Inside every consumer's entry range (all of them, for one-step queries of one range) the count is known.
  if (i >= node.allFrom && i < node.allTo) consumers = node.allConsumers;
  else {
    consumers = 0;
    for (let k = 0; k < ends.length; k++) if (i >= ends[k]!.from && i < ends[k]!.to) consumers++;
    for (let k = 0; k < kids.length && consumers < 2; k++)
      if (i >= kids[k]!.from && i < kids[k]!.to) consumers++;
    // Indexed children only read; counting them as several consumers keeps writers forking.
    if (node.eqIndex) consumers += 2;
  }
  const exclusive = owned && consumers === 1;
  const eqIndex = node.eqIndex;
  if (eqIndex) {
    for (let k = 0; k < eqIndex.length; k++) {
      const matched = eqIndex[k]!.byValue.get(e.labels.get(eqIndex[k]!.name) ?? '');
      if (!matched) continue;
      for (const child of matched) if (i >= child.from && i < child.to) visitNode(child, e, i, false, stream);
    }
  }
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k]!;
    if (i < end.from || i >= end.to) continue;
    const c = end.c;
    const st = c.valuePure || exclusive ? e : fork(e);
    const v = c.value(st);
    if (v !== undefined) addSample(c, st, v);
  }
  for (let k = 0; k < kids.length; k++) {
    const child = kids[k]!;
    if (i < child.from || i >= child.to) continue;
    if (child.pure) {
      if (child.fn!(e)) visitNode(child, e, i, exclusive, stream);
      continue;
    }
    const st = exclusive ? e : fork(e);
    if (child.isParser) {
      const errBefore = st.labels.err;
      st.labels.hints = child.hints;
      const ok = child.fn!(st);
      st.labels.hints = undefined;
      if (st.labels.err !== errBefore && parserErrors.has(st.labels.err)) {
        for (const end of child.subtreeEnds) if (i >= end.from && i < end.to) exactPath(end.c, stream, i);
        continue;
      }
      if (ok) visitNode(child, st, i, true, stream);
      continue;
    }
    if (child.fn!(st)) visitNode(child, st, i, true, stream);
  }
}

/** Before the scan: child arrays, and the union parser hints of each parser node. */
function finalize(node: StageNode): void {
  if (node.isParser) {
    node.hints = node.allNoLabels
      ? new ParserHints(undefined, true)
      : node.required === null
        ? undefined
        : new ParserHints(node.required ?? new Set(), false);
  }
  const all = [...node.children.values()];
  const eqKids = all.filter((c) => c.eq !== undefined);
  if (eqKids.length >= 4) {
    const index = new Map<string, Map<string, StageNode[]>>();
    for (const c of eqKids) {
      let byValue = index.get(c.eq!.name);
      if (!byValue) index.set(c.eq!.name, (byValue = new Map()));
      const list = byValue.get(c.eq!.value);
      if (list) list.push(c);
      else byValue.set(c.eq!.value, [c]);
    }
    node.eqIndex = [...index].map(([name, byValue]) => ({ name, byValue }));
    node.childList = all.filter((c) => c.eq === undefined);
  } else node.childList = all;
  node.allFrom = 0;
  node.allTo = Number.MAX_SAFE_INTEGER;
  for (const r of [...node.ends, ...node.childList]) {
    node.allFrom = Math.max(node.allFrom, r.from);
    node.allTo = Math.min(node.allTo, r.to);
  }
  node.allConsumers = node.ends.length + node.childList.length + (node.eqIndex ? 2 : 0);
  for (const child of all) finalize(child);
}

const parserErrors = new Set(['JSONParserErr', 'LogfmtParserErr']);

/**
 * The exact path for one collector and one line: a fresh entry with the collector's own parser
 * hints through its whole pipeline. Used for lines where a shared parse hit a parser error,
 * since what Loki reports then depends on each query's hints.
 */
function exactPath(c: Collector, stream: NormalizedStream, i: number): void {
  const labels = newEntryLabels(stream, i);
  labels.hints = c.hints;
  const e: EntryState = { ts: stream.ts[i]!, line: stream.lines[i]!, labels };
  for (const st of c.stages) if (!st.fn(e)) return;
  const v = c.value(e);
  if (v !== undefined) addSample(c, e, v);
}

/** One pass over the streams feeding every collector; shared pipeline prefixes run once per line. */
function scan(streams: NormalizedStream[], collectors: Collector[]): void {
  if (collectors.length === 0) return;
  for (const stream of streams) {
    const roots = new Map<string, StageNode>();
    for (const c of collectors) {
      if (!c.matchers.every((m) => m(stream.labels))) continue;
      const from = lowerIndex(stream.ts, c.lo, false);
      const to = lowerIndex(stream.ts, c.hi, false);
      if (to <= from) continue;
      let node: StageNode | undefined = roots.get(c.selectorKey);
      if (!node) roots.set(c.selectorKey, (node = newNode(undefined)));
      const path: StageNode[] = [node];
      for (let si = 0; si < c.stages.length; si++) {
        const st = c.stages[si]!;
        let next: StageNode | undefined = node.children.get(st.key);
        if (!next) {
          node.children.set(st.key, (next = newNode(st.fn)));
          next.isParser = parserKinds.has(st.stage.kind);
          const f = st.stage.kind === 'labelFilter' ? st.stage.filter : undefined;
          if (f && f.kind === 'matcher' && f.matcher.op === '=' && f.matcher.name !== ERROR_LABEL)
            next.eq = { name: f.matcher.name, value: f.matcher.value };
        }
        node = next;
        path.push(node);
        if (node.isParser) {
          if (!c.hints.noLabels) node.allNoLabels = false;
          if (node.required !== null) {
            if (!c.hints.required && !c.hints.noLabels) node.required = null;
            else if (c.hints.required) {
              if (!node.required) node.required = new Set();
              for (const n of c.hints.required) node.required.add(n);
            }
          }
        }
      }
      const end = { c, from, to };
      node.ends.push(end);
      for (const n of path) {
        n.subtreeEnds.push(end);
        if (from < n.from) n.from = from;
        if (to > n.to) n.to = to;
      }
    }
    for (const root of roots.values()) {
      finalize(root);
      for (let i = root.from; i < root.to; i++) {
        visitNode(
          root,
          { ts: stream.ts[i]!, line: stream.lines[i]!, labels: newEntryLabels(stream, i) },
          i,
          true,
          stream,
        );
      }
    }
  }
  for (const c of collectors) {
    for (const s of c.series.values()) {
      if (s.sorted) continue;
      const idx = s.ts
        .map((_, i) => i)
        .sort((a, b) => (s.ts[a]! < s.ts[b]! ? -1 : s.ts[a]! > s.ts[b]! ? 1 : a - b));
      s.ts = idx.map((i) => s.ts[i]!);
      s.values = idx.map((i) => s.values[i]!);
      s.sorted = true;
    }
  }
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
): (VectorResult | ScalarResult)[] {
  return evaluateInstantBatchSettled(exprs, streams, time).map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
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
  scan(normalizeStreams(streams), [...plan.collectors.values()]);
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
