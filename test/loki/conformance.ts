// Replaying @logward/logql conformance files (packages/logql/conformance/*.yaml) against a real Loki.
//
// Loki's ingester refuses entries from the future and its defaults assume recent data, so each file's
// timeline is shifted by a whole number of hours to end just before "now": entry times, query times and
// the timestamps inside expected results all move by the same delta, which keeps step alignment unchanged. Results are compared after shifting back, so a difference shows the file's own
// timestamps.
import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter, isMap, isSeq, type Node } from 'yaml';
import type { PushStream, QueryData } from './loki-client.ts';

export interface ConformanceEntry {
  ns: bigint;
  line: string;
  metadata?: Record<string, string>;
}

export interface ConformanceStream {
  labels: Record<string, string>;
  entries: ConformanceEntry[];
}

export interface ConformanceCase {
  name: string;
  /** file:line of the case, for messages. */
  where: string;
  query: string;
  time?: bigint;
  range?: { start: bigint; end: bigint; stepSeconds?: number };
  /** Log queries: Loki's `direction` (backward default) and `limit` (100 default). */
  direction?: 'forward' | 'backward';
  limit?: number;
  expected?: QueryData;
  error?: string;
  loki?: string;
  note?: string;
}

export interface ConformanceFile {
  file: string;
  streams: ConformanceStream[];
  cases: ConformanceCase[];
}

export class ConformanceFormatError extends Error {
  override name = 'ConformanceFormatError';
}

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_HOUR = 3_600n * NS_PER_SECOND;

/** RFC3339 (with up to 9 fractional digits) → Unix ns. Date alone would drop sub-millisecond digits. */
export function parseRfc3339Ns(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + fraction;
}

/** Prometheus duration ("1m", "30s", "1h30m", "250ms") or a number of seconds → seconds. */
export function parseStepSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Loads and checks one conformance file; every problem names file:line. */
export function loadConformanceFile(file: string): ConformanceFile {
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new ConformanceFormatError(`${file}:${pos?.line ?? '?'}: ${e.message}`);
  }
  const where = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return `${file}:${offset === undefined ? '?' : lineCounter.linePos(offset).line}`;
  };
  const root = doc.contents;
  if (!isMap(root))
    throw new ConformanceFormatError(`${where(root)}: expected a mapping with streams and cases`);
  const streamsNode = root.get('streams', true);
  const casesNode = root.get('cases', true);
  if (!isSeq(streamsNode)) throw new ConformanceFormatError(`${where(root)}: 'streams' must be a list`);
  if (!isSeq(casesNode)) throw new ConformanceFormatError(`${where(root)}: 'cases' must be a list`);

  const streams = streamsNode.items.map((node) => {
    const s = (node as Node).toJSON() as {
      labels?: unknown;
      entries?: { time?: unknown; line?: unknown; metadata?: Record<string, unknown> }[];
    };
    const labels = parseLabels(s.labels, where(node as Node));
    if (!Array.isArray(s.entries))
      throw new ConformanceFormatError(`${where(node as Node)}: stream without entries`);
    const entries = s.entries.map((e, i) => {
      const ns = typeof e.time === 'string' ? parseRfc3339Ns(e.time) : undefined;
      if (ns === undefined) {
        throw new ConformanceFormatError(
          `${where(node as Node)}: entry ${i}: time ${JSON.stringify(e.time)} is not RFC3339`,
        );
      }
      if (typeof e.line !== 'string')
        throw new ConformanceFormatError(`${where(node as Node)}: entry ${i}: no line`);
      const entry: ConformanceEntry = { ns, line: e.line };
      if (e.metadata) entry.metadata = stringRecord(e.metadata);
      return entry;
    });
    return { labels, entries };
  });

  const cases = casesNode.items.map((node) => {
    const c = (node as Node).toJSON() as Record<string, unknown>;
    const at = where(node as Node);
    if (typeof c.name !== 'string' || typeof c.query !== 'string') {
      throw new ConformanceFormatError(`${at}: a case needs 'name' and 'query'`);
    }
    const out: ConformanceCase = { name: c.name, where: at, query: c.query };
    if (c.time !== undefined) {
      const t = typeof c.time === 'string' ? parseRfc3339Ns(c.time) : undefined;
      if (t === undefined)
        throw new ConformanceFormatError(`${at}: time ${JSON.stringify(c.time)} is not RFC3339`);
      out.time = t;
    }
    if (c.range !== undefined) {
      const r = c.range as Record<string, unknown>;
      const start = typeof r.start === 'string' ? parseRfc3339Ns(r.start) : undefined;
      const end = typeof r.end === 'string' ? parseRfc3339Ns(r.end) : undefined;
      if (start === undefined || end === undefined) {
        throw new ConformanceFormatError(`${at}: range needs RFC3339 start and end`);
      }
      const step = r.step === undefined ? undefined : parseStepSeconds(r.step);
      if (r.step !== undefined && step === undefined) {
        throw new ConformanceFormatError(`${at}: range step ${JSON.stringify(r.step)} is not a duration`);
      }
      out.range = step === undefined ? { start, end } : { start, end, stepSeconds: step };
    }
    if (out.time === undefined && out.range === undefined) {
      throw new ConformanceFormatError(`${at}: case '${c.name}' has neither time nor range`);
    }
    if (c.direction !== undefined) {
      if (c.direction !== 'forward' && c.direction !== 'backward') {
        throw new ConformanceFormatError(`${at}: direction must be forward or backward`);
      }
      out.direction = c.direction;
    }
    if (c.limit !== undefined) {
      if (typeof c.limit !== 'number' || !Number.isInteger(c.limit) || c.limit < 1) {
        throw new ConformanceFormatError(`${at}: limit must be a positive integer`);
      }
      out.limit = c.limit;
    }
    if (c.expected !== undefined) out.expected = c.expected as QueryData;
    if (typeof c.error === 'string') out.error = c.error;
    if (typeof c.loki === 'string') out.loki = c.loki;
    if (typeof c.note === 'string') out.note = c.note;
    if (out.expected === undefined && out.error === undefined) {
      throw new ConformanceFormatError(`${at}: case '${c.name}' has neither expected nor error`);
    }
    return out;
  });
  return { file, streams, cases };
}

function parseLabels(value: unknown, at: string): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) return stringRecord(value as object);
  if (typeof value === 'string') {
    // Selector-shaped label set: {a="x", b="y"}
    const inner = value.trim().replace(/^\{/, '').replace(/\}$/, '');
    const labels: Record<string, string> = {};
    const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/gy;
    let m: RegExpExecArray | null;
    let consumed = 0;
    while ((m = re.exec(inner)) !== null) {
      labels[m[1]!] = JSON.parse(`"${m[2]!}"`) as string;
      consumed = re.lastIndex;
      if (consumed >= inner.length) break;
    }
    if (consumed < inner.trim().length)
      throw new ConformanceFormatError(`${at}: cannot read labels ${value}`);
    return labels;
  }
  throw new ConformanceFormatError(`${at}: stream labels must be a map or a {a="x"} label set`);
}

function stringRecord(value: object): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/**
 * Whole hours that move the file's latest instant (entries and query times) to just before `nowNs`.
 * Whole hours keep minute/second alignment (steps, Loki's hour-aligned query splitting) unchanged.
 */
export function shiftToNow(file: ConformanceFile, nowNs: bigint): bigint {
  let latest = 0n;
  for (const s of file.streams) for (const e of s.entries) if (e.ns > latest) latest = e.ns;
  for (const c of file.cases) {
    if (c.time !== undefined && c.time > latest) latest = c.time;
    if (c.range && c.range.end > latest) latest = c.range.end;
  }
  // Floor division (BigInt division truncates toward zero): data in the future moves back an hour.
  const diff = nowNs - 60n * NS_PER_SECOND - latest;
  let hours = diff / NS_PER_HOUR;
  if (diff < 0n && diff % NS_PER_HOUR !== 0n) hours -= 1n;
  return hours * NS_PER_HOUR;
}

export function shiftedStreams(file: ConformanceFile, delta: bigint): PushStream[] {
  return file.streams.map((s) => ({
    labels: s.labels,
    entries: [...s.entries]
      .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0))
      .map((e) => ({
        ns: String(e.ns + delta),
        line: e.line,
        ...(e.metadata ? { metadata: e.metadata } : {}),
      })),
  }));
}

/** The streams as @logward/logql's engine takes them (time as Unix ns decimal strings). */
export function engineStreams(
  file: ConformanceFile,
  delta: bigint,
): {
  labels: Record<string, string>;
  entries: { time: string; line: string; metadata?: Record<string, string> }[];
}[] {
  return shiftedStreams(file, delta).map((s) => ({
    labels: s.labels,
    entries: s.entries.map((e) => ({
      time: e.ns,
      line: e.line,
      ...(e.metadata ? { metadata: e.metadata } : {}),
    })),
  }));
}

/**
 * Shifts every timestamp of a query result by `deltaNs` (use the negative delta to bring Loki's answer
 * back to the file's timeline) and sorts series by their labels, because neither Loki nor the
 * contract fixes the order of series. Values inside a series keep their order (it is meaningful:
 * backward/forward direction).
 */
export function normalizeResult(data: QueryData, deltaNs: bigint): QueryData {
  const shiftSeconds = (value: unknown): number => {
    const seconds = Number(value);
    // Sample timestamps are seconds with up to millisecond precision; shift in whole ms to stay exact.
    return Math.round(seconds * 1000 + Number(deltaNs / 1_000_000n)) / 1000;
  };
  const byLabels = (key: 'stream' | 'metric') => (a: Record<string, unknown>, b: Record<string, unknown>) =>
    labelKey(a[key]).localeCompare(labelKey(b[key]));
  switch (data.resultType) {
    case 'streams': {
      const result = (
        data.result as { stream: Record<string, string>; values: [string, string, ...unknown[]][] }[]
      )
        .map((s) => ({
          stream: sortKeys(s.stream),
          values: s.values.map(([ns, line, ...rest]) => [String(BigInt(ns) + deltaNs), line, ...rest]),
        }))
        .sort(byLabels('stream'));
      return { resultType: 'streams', result };
    }
    case 'vector': {
      const result = (data.result as { metric: Record<string, string>; value: [unknown, string] }[])
        .map((s) => ({ metric: sortKeys(s.metric), value: [shiftSeconds(s.value[0]), s.value[1]] }))
        .sort(byLabels('metric'));
      return { resultType: 'vector', result };
    }
    case 'matrix': {
      const result = (data.result as { metric: Record<string, string>; values: [unknown, string][] }[])
        .map((s) => ({ metric: sortKeys(s.metric), values: s.values.map(([t, v]) => [shiftSeconds(t), v]) }))
        .sort(byLabels('metric'));
      return { resultType: 'matrix', result };
    }
    case 'scalar': {
      const [t, v] = data.result as [unknown, string];
      return { resultType: 'scalar', result: [shiftSeconds(t), v] };
    }
    default:
      return data;
  }
}

function labelKey(labels: unknown): string {
  return JSON.stringify(sortKeys((labels ?? {}) as Record<string, string>));
}

function sortKeys(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Compact, stable text of a result for messages and equality. */
export function resultText(data: QueryData): string {
  return JSON.stringify(data);
}
