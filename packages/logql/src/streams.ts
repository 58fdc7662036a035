/** Input streams as callers give them, normalized once (sorted entries, bigint nanoseconds). */
import { LabelsBuilder, labelsKey, type Labels } from './labels.ts';

export type TimeInput = Date | bigint | string | number;

export interface InputEntry {
  time: TimeInput;
  line: string;
  metadata?: Record<string, string>;
}

export interface InputStream {
  labels: Record<string, string>;
  entries: InputEntry[];
}

export interface NormalizedStream {
  labels: Labels;
  key: string;
  ts: bigint[];
  lines: string[];
  metadata: (Labels | undefined)[];
}

/**
 * Converts a time to Unix nanoseconds. Accepts a Date, a bigint (ns), a decimal string of ns,
 * an RFC3339 string, or a number of milliseconds.
 */
export function toNanos(t: TimeInput): bigint {
  if (typeof t === 'bigint') return t;
  if (t instanceof Date) {
    const ms = t.getTime();
    if (Number.isNaN(ms)) throw new Error('invalid Date');
    return BigInt(ms) * 1000000n;
  }
  if (typeof t === 'number') return BigInt(Math.round(t * 1e6));
  if (/^-?\d+$/.test(t)) return BigInt(t);
  return parseRfc3339(t);
}

/** RFC3339 with up to nanosecond fraction, keeping full precision. */
export function parseRfc3339(s: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s.trim());
  if (!m)
    throw new Error(
      `invalid time ${JSON.stringify(s)}: expected RFC3339 (2026-11-23T10:00:00Z) or Unix nanoseconds`,
    );
  const base = Date.parse(m[1]!.replace(' ', 'T') + m[3]!);
  if (Number.isNaN(base)) throw new Error(`invalid time ${JSON.stringify(s)}`);
  const frac = BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  return BigInt(base) * 1000000n + frac;
}

/** Formats Unix ns as RFC3339Nano UTC (trailing zeros trimmed, like Go). */
export function formatRfc3339(ns: bigint): string {
  const ms = ns / 1000000n;
  const iso = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = ((ns % 1000000000n) + 1000000000n) % 1000000000n;
  const f = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return iso + (f ? '.' + f : '') + 'Z';
}

/**
 * Normalised input is cached per streams array, so a ruler stepping through time over the same
 * streams pays for sorting and time conversion once. Appending streams or entries invalidates
 * the cache (checked by counts); entries edited in place are not detected.
 */
const normalizedCache = new WeakMap<
  readonly InputStream[],
  { fingerprint: string; streams: NormalizedStream[] }
>();

function fingerprint(streams: readonly InputStream[]): string {
  let n = 0;
  for (const s of streams) n += s.entries.length;
  return `${streams.length}:${n}`;
}

export function normalizeStreams(streams: readonly InputStream[]): NormalizedStream[] {
  const fp = fingerprint(streams);
  const hit = normalizedCache.get(streams);
  if (hit && hit.fingerprint === fp) return hit.streams;
  // Streams with identical label sets are one stream in Loki.
  const byKey = new Map<
    string,
    { labels: Labels; entries: { ts: bigint; line: string; md: Labels | undefined; seq: number }[] }
  >();
  let seq = 0;
  for (const s of streams) {
    // No prototype: LabelsBuilder.baseHas is a plain lookup (no "constructor" surprises).
    const labels: Labels = Object.create(null) as Labels;
    for (const k of Object.keys(s.labels).sort()) {
      const v = s.labels[k]!;
      if (v !== '') labels[k] = v;
    }
    const key = labelsKey(labels);
    let target = byKey.get(key);
    if (!target) {
      target = { labels, entries: [] };
      byKey.set(key, target);
    }
    for (const e of s.entries) {
      const md = e.metadata && Object.keys(e.metadata).length > 0 ? e.metadata : undefined;
      target.entries.push({ ts: toNanos(e.time), line: e.line, md, seq: seq++ });
    }
  }
  const out: NormalizedStream[] = [];
  for (const [key, { labels, entries }] of byKey) {
    let sorted = true;
    for (let i = 1; i < entries.length; i++) if (entries[i]!.ts < entries[i - 1]!.ts) sorted = false;
    if (!sorted) entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
    out.push({
      labels,
      key,
      ts: entries.map((e) => e.ts),
      lines: entries.map((e) => e.line),
      metadata: entries.map((e) => e.md),
    });
  }
  normalizedCache.set(streams, { fingerprint: fp, streams: out });
  return out;
}

/** First index with ts > bound (exclusive lower bound) or ts >= bound (inclusive). */
export function lowerIndex(ts: bigint[], bound: bigint, inclusive: boolean): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = ts[mid]!;
    if (inclusive ? v < bound : v <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function newEntryLabels(stream: NormalizedStream, i: number): LabelsBuilder {
  const b = new LabelsBuilder(stream.labels, stream.key);
  const md = stream.metadata[i];
  if (md) b.addMetadata(md);
  return b;
}
