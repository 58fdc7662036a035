/**
 * Collectors: the scan state of one range aggregation (Loki's range vector iterator input):
 * its selector, compiled pipeline stages, parser hints, sample value, series identity and the
 * samples collected per series.
 */
import type { Grouping, LabelMatcher, PipelineStage, RangeAggregationExpr } from './ast.ts';
import { LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';
import { hintsForRangeAggregation, type ParserHints } from './hints.ts';
import { labelsKey, type Labels } from './labels.ts';
import {
  compileLabelFilter,
  compileMatcher,
  compileStage,
  parseGoFloat,
  type EntryState,
  type StageFn,
} from './pipeline.ts';
import { parseGoDurationMs } from './template.ts';
import { parseBytes } from './units.ts';

export interface SeriesSamples {
  labels: Labels;
  key: string;
  ts: bigint[];
  values: number[];
  sorted: boolean;
  count: number;
  sum: number;
}

export interface Collector {
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

export function selectorMatchers(ms: LabelMatcher[]): ((labels: Labels) => boolean)[] {
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

export function canonicalMatchers(ms: LabelMatcher[]): string {
  return JSON.stringify([...ms].sort((a, b) => (a.name + a.op + a.value < b.name + b.op + b.value ? -1 : 1)));
}

export interface SeriesIdentity {
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

export const parserKinds = new Set(['json', 'logfmt', 'regexp', 'pattern', 'unpack']);

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

export function makeCollector(
  expr: RangeAggregationExpr,
  inject: Grouping | undefined,
  steps: bigint[],
): Collector {
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
