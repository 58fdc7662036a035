// Local log files as records: which format a file is in, and each line (or OTLP log record) as a
// Loki line with a timestamp and the fields a pack manifest's `scan.match` looks at.
import type { ScanFormat } from '../packs.ts';
import { otlpRecords } from './otlp.ts';

export interface ScanRecord {
  /** 1-based line in the file where the record starts. */
  lineNo: number;
  /** Unix ns, or undefined when the record carries no time the scanner recognizes. */
  time: bigint | undefined;
  /** The whole raw line (for `line: raw`). */
  raw: string;
  /** Fields for `match.fields`, `line: field:X` and `metadata`: JSON members, journald fields, logfmt keys. */
  fields: Record<string, unknown>;
  /** OTLP only: Loki's index labels and structured metadata for the record. */
  otlp?: { labels: Record<string, string>; metadata: Record<string, string>; line: string };
}

export interface MalformedLine {
  lineNo: number;
  message: string;
}

const timeFields = [
  'time',
  'timestamp',
  'ts',
  '@timestamp',
  'stageTimestamp',
  'requestReceivedTimestamp',
  'date',
  't',
];

function tryJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const logfmtPair = /([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

/** Parses `key=value key2="quoted value"` lines; undefined when the line has no pair. */
export function parseLogfmt(line: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  let found = false;
  for (const m of line.matchAll(logfmtPair)) {
    found = true;
    const raw = m[2]!;
    fields[m[1]!] = raw.startsWith('"') ? ((tryJson(raw) as string | undefined) ?? raw.slice(1, -1)) : raw;
  }
  return found ? fields : undefined;
}

/** Guesses a file's format from its first lines (or its whole text, for one pretty-printed OTLP document). */
export function detectFormat(text: string): ScanFormat {
  const sample = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 50);
  if (!sample.length) return 'text';
  const parsed = sample.map(tryJson).filter(isObject);
  if (parsed.length >= Math.ceil(sample.length / 2)) {
    if (parsed.some((o) => Array.isArray(o.resourceLogs))) return 'otlp-json';
    if (parsed.some((o) => '__REALTIME_TIMESTAMP' in o || '__CURSOR' in o)) return 'journald-json';
    return 'ndjson';
  }
  if (sample[0]!.startsWith('{')) {
    const whole = tryJson(text);
    if (isObject(whole) && Array.isArray(whole.resourceLogs)) return 'otlp-json';
  }
  const logfmtLike = sample.filter((l) => /^(?:[^\s=]+=(?:"(?:[^"\\]|\\.)*"|\S*)\s*)+$/.test(l)).length;
  if (logfmtLike >= Math.ceil(sample.length * 0.8)) return 'logfmt';
  return 'text';
}

/** A time value from JSON/logfmt: RFC3339 text, or a Unix number in s, ms, µs or ns by magnitude. */
export function parseTimeValue(value: unknown): bigint | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    if (n < 1e11) return BigInt(Math.round(n * 1e3)) * 1_000_000n; // seconds
    if (n < 1e14) return BigInt(Math.round(n)) * 1_000_000n; // milliseconds
    if (n < 1e17) return BigInt(Math.round(n)) * 1000n; // microseconds
    return BigInt(String(value).split('.')[0]!); // nanoseconds
  }
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?/.exec(
    value,
  );
  if (!m) return undefined;
  const zone =
    !m[4] || m[4] === 'UTC' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4];
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[3] ?? '').padEnd(9, '0') || '0');
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The time at the start of a plain text line: RFC3339/ISO, or syslog `Nov 23 08:58:35` (year given). */
export function parseLeadingTime(line: string, year: number): bigint | undefined {
  const iso = parseTimeValue(line.slice(0, 40));
  if (iso !== undefined && /^\d{4}-/.test(line)) return iso;
  const syslog = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (syslog && months.includes(syslog[1]!)) {
    const ms = Date.UTC(
      year,
      months.indexOf(syslog[1]!),
      Number(syslog[2]),
      Number(syslog[3]),
      Number(syslog[4]),
      Number(syslog[5]),
    );
    return BigInt(ms) * 1_000_000n;
  }
  return undefined;
}

export interface ParseOptions {
  /** `field:NAME` from the manifest's optional scan.time, else the usual time fields are tried. */
  timeField?: string;
  /** Year for syslog timestamps without one (the file's modification year). */
  year: number;
}

function timeOf(fields: Record<string, unknown>, timeField: string | undefined): bigint | undefined {
  if (timeField) return parseTimeValue(fields[timeField]);
  for (const name of timeFields) {
    const t = parseTimeValue(fields[name]);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Parses a file's text into records; malformed lines are reported, not fatal. */
export function parseRecords(
  text: string,
  format: ScanFormat,
  options: ParseOptions,
): { records: ScanRecord[]; malformed: MalformedLine[] } {
  const records: ScanRecord[] = [];
  const malformed: MalformedLine[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();

  if (format === 'otlp-json') {
    const perLine =
      lines.filter((l) => l.trim()).length > 1 && tryJson(lines.find((l) => l.trim()) ?? '') !== undefined;
    const documents: { lineNo: number; text: string }[] = perLine
      ? lines.map((l, i) => ({ lineNo: i + 1, text: l })).filter((d) => d.text.trim())
      : [{ lineNo: 1, text }];
    for (const doc of documents) {
      const value = tryJson(doc.text);
      if (value === undefined) {
        malformed.push({ lineNo: doc.lineNo, message: 'not valid JSON' });
        continue;
      }
      try {
        for (const r of otlpRecords(value)) {
          records.push({
            lineNo: doc.lineNo,
            time: r.time,
            raw: r.line,
            fields: r.attributes,
            otlp: { labels: r.labels, metadata: r.metadata, line: r.line },
          });
        }
      } catch (error) {
        malformed.push({ lineNo: doc.lineNo, message: (error as Error).message });
      }
    }
    return { records, malformed };
  }

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (!line.trim()) return;
    switch (format) {
      case 'ndjson':
      case 'journald-json': {
        const value = tryJson(line);
        if (!isObject(value)) {
          malformed.push({ lineNo, message: value === undefined ? 'not valid JSON' : 'not a JSON object' });
          return;
        }
        let time: bigint | undefined;
        if (format === 'journald-json') {
          const realtime = value.__REALTIME_TIMESTAMP;
          time =
            typeof realtime === 'string' && /^\d+$/.test(realtime)
              ? BigInt(realtime) * 1000n
              : timeOf(value, options.timeField);
          // journalctl -o json writes non-UTF-8 fields as byte arrays.
          for (const [k, v] of Object.entries(value)) {
            if (Array.isArray(v) && v.every((b) => typeof b === 'number'))
              value[k] = Buffer.from(v as number[]).toString('utf8');
          }
        } else {
          time = timeOf(value, options.timeField);
        }
        records.push({ lineNo, time, raw: line, fields: value });
        return;
      }
      case 'logfmt': {
        const fields = parseLogfmt(line);
        if (!fields) {
          malformed.push({ lineNo, message: 'not a logfmt line (no key=value pair)' });
          return;
        }
        records.push({ lineNo, time: timeOf(fields, options.timeField), raw: line, fields });
        return;
      }
      case 'text':
        records.push({ lineNo, time: parseLeadingTime(line, options.year), raw: line, fields: {} });
        return;
    }
  });
  return { records, malformed };
}

/** A field by name, or by dotted path into nested JSON (`objectRef.resource`). */
export function fieldValue(fields: Record<string, unknown>, name: string): unknown {
  if (name in fields) return fields[name];
  let current: unknown = fields;
  for (const part of name.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

export function fieldText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
