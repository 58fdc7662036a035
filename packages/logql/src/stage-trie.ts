/**
 * The scan: one pass over the streams feeds every collector of a batch. Per stream, the
 * collectors' pipelines form a trie of stages, so collectors that share a selector and leading
 * stages share those stages' work (and one parse of each line).
 */
import { ParserHints } from './hints.ts';
import { ERROR_LABEL, labelsKey } from './labels.ts';
import { pureStages, type EntryState, type StageFn } from './pipeline.ts';
import { lowerIndex, newEntryLabels, type NormalizedStream } from './streams.ts';
import { parserKinds, type Collector } from './collector.ts';
import { PARSE_ERROR, type ParseStore, type StageCache, type Verdicts } from './stage-cache.ts';

/**
 * A trie of pipeline stages over the collectors that read one stream: collectors whose
 * pipelines start with the same stages share those stages' work (and one parse of the line).
 */
interface StageNode {
  fn: StageFn | undefined;
  /** The stage's canonical key ('' for a root). */
  key: string;
  pure: boolean;
  lineFilter: boolean;
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
  /** With a StageCache: this line filter's verdicts, or this parser's results, per entry. */
  verdicts: Verdicts | undefined;
  parses: ParseStore | undefined;
  cache: StageCache | undefined;
}

function newNode(fn: StageFn | undefined, key: string): StageNode {
  return {
    fn,
    key,
    pure: fn !== undefined && pureStages.has(fn),
    lineFilter: false,
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
    verdicts: undefined,
    parses: undefined,
    cache: undefined,
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
      if (child.verdicts ? cachedVerdict(child, e, i) : child.fn!(e))
        visitNode(child, e, i, exclusive, stream);
      continue;
    }
    if (child.isParser) {
      const parses = child.parses;
      const hit = parses?.entries.get(i);
      if (hit !== undefined) {
        child.cache!.stats.parseHits++;
        if (hit === PARSE_ERROR) exactPaths(child, stream, i);
        else visitNode(child, { ts: e.ts, line: hit.line, labels: hit.labels.fork() }, i, true, stream);
        continue;
      }
      const st = exclusive ? e : fork(e);
      const errBefore = st.labels.err;
      st.labels.hints = child.hints;
      const ok = child.fn!(st);
      st.labels.hints = undefined;
      const failed = st.labels.err !== errBefore && parserErrors.has(st.labels.err);
      if (parses) {
        child.cache!.stats.parseMisses++;
        // A fork: this entry goes on to later stages, which may write to it.
        if (failed || ok)
          child.cache!.keep(parses, i, failed ? PARSE_ERROR : { line: st.line, labels: st.labels.fork() });
      }
      if (failed) exactPaths(child, stream, i);
      else if (ok) visitNode(child, st, i, true, stream);
      continue;
    }
    const st = exclusive ? e : fork(e);
    if (child.fn!(st)) visitNode(child, st, i, true, stream);
  }
}

function cachedVerdict(node: StageNode, e: EntryState, i: number): boolean {
  const v = node.verdicts!;
  const known = v[i];
  if (known !== 0) {
    node.cache!.stats.verdictHits++;
    return known === 1;
  }
  node.cache!.stats.verdictMisses++;
  const pass = node.fn!(e);
  v[i] = pass ? 1 : 2;
  return pass;
}

/** A parse reported an error: every collector below runs its own pipeline on the line. */
function exactPaths(node: StageNode, stream: NormalizedStream, i: number): void {
  for (const end of node.subtreeEnds) if (i >= end.from && i < end.to) exactPath(end.c, stream, i);
}

/** Where a StageCache applies: the stream, and the path of stages above the node. */
interface CacheContext {
  cache: StageCache;
  stream: NormalizedStream;
  /** The stage keys from the root (and parsers' hints): the cache key. */
  path: string;
  /** Every stage above is a pure filter, so the node's input is the stream entry itself. */
  pureAbove: boolean;
}

/** The parser hints' part of a cache key: what the parser extracts depends on them. */
function hintsKey(h: ParserHints | undefined): string {
  if (!h) return '*';
  if (h.noLabels) return '-';
  return [...(h.required ?? [])].sort().join(',');
}

/**
 * Before the scan: child arrays, the union parser hints of each parser node, and (with a
 * StageCache) the cached results of line filters and parsers whose input is the entry itself.
 */
function finalize(node: StageNode, ctx: CacheContext | undefined): void {
  if (node.isParser) {
    node.hints = node.allNoLabels
      ? new ParserHints(undefined, true)
      : node.required === null
        ? undefined
        : new ParserHints(node.required ?? new Set(), false);
  }
  let childCtx: CacheContext | undefined;
  if (ctx) {
    const path = ctx.path + '\u0000' + node.key + (node.isParser ? '\u0001' + hintsKey(node.hints) : '');
    if (ctx.pureAbove && node.lineFilter) node.verdicts = ctx.cache.verdicts(ctx.stream, path);
    if (ctx.pureAbove && node.isParser) node.parses = ctx.cache.parses(ctx.stream, path, node.from);
    node.cache = ctx.cache;
    const pureAbove = ctx.pureAbove && (node.fn === undefined || node.pure);
    childCtx = { cache: ctx.cache, stream: ctx.stream, path, pureAbove };
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
  for (const child of all) finalize(child, childCtx);
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

/**
 * One pass over the streams feeding every collector; shared pipeline prefixes run once per line.
 * With a cache, line filter and parser results are also shared with other scans of the streams.
 */
export function scan(streams: NormalizedStream[], collectors: Collector[], cache?: StageCache): void {
  if (collectors.length === 0) return;
  cache?.beginScan();
  for (const stream of streams) {
    const roots = new Map<string, StageNode>();
    for (const c of collectors) {
      if (!c.matchers.every((m) => m(stream.labels))) continue;
      const from = lowerIndex(stream.ts, c.lo, false);
      const to = lowerIndex(stream.ts, c.hi, false);
      if (to <= from) continue;
      let node: StageNode | undefined = roots.get(c.selectorKey);
      if (!node) roots.set(c.selectorKey, (node = newNode(undefined, '')));
      const path: StageNode[] = [node];
      for (let si = 0; si < c.stages.length; si++) {
        const st = c.stages[si]!;
        let next: StageNode | undefined = node.children.get(st.key);
        if (!next) {
          node.children.set(st.key, (next = newNode(st.fn, st.key)));
          next.isParser = parserKinds.has(st.stage.kind);
          next.lineFilter = st.stage.kind === 'lineFilter';
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
      finalize(root, cache && { cache, stream, path: '', pureAbove: true });
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
