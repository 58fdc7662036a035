// `logward scan`: local log files → the streams the packs' collection kits would have sent to Loki
// → the ruler replayed over the files' time range → the alerts that would have fired.
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  createStreamsRuler,
  loadRuleGroups,
  parseQuery,
  rangeQuery,
  type Expr,
  type InputStream,
  type LabelMatcher,
  type LoadedRule,
  type LoadedRuleGroup,
} from '@logward/logql';
import { describeFsError } from '../files.ts';
import type { Pack, PackSource, ScanFormat } from '../packs.ts';
import type { Progress } from '../terminal.ts';
import {
  detectFormat,
  fieldText,
  fieldValue,
  parseRecords,
  type MalformedLine,
  type ScanRecord,
} from './formats.ts';

export interface ScannedFile {
  file: string;
  format?: ScanFormat;
  records: number;
  /** Records no pack source recognized (and no --labels given). */
  unmatched: number;
  /** pack/source ids that recognized records of this file, with their counts. */
  sources: Record<string, number>;
  malformed: MalformedLine[];
  /** The file could not be read. */
  error?: string;
  /** Records without a time the scanner recognizes (they take the previous record's time). */
  untimed: number;
}

export interface FoundAlert {
  alertname: string;
  pack: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  firstSeen: string;
  lastSeen: string;
  /** Evaluations at which the alert was firing. */
  count: number;
  value: number;
  samples: { origin?: string; line: string }[];
}

export interface ScanReport {
  files: ScannedFile[];
  alerts: FoundAlert[];
  /** Rules whose evaluation failed, with the first error. */
  ruleErrors: { pack: string; rule: string; error: string; count: number }[];
  warnings: string[];
  range?: { start: string; end: string; evaluations: number };
}

export interface ScanOptions {
  /** Labels that override (and, for files no source recognizes, assign) stream labels. */
  labels?: Record<string, string>;
  progress?: Progress;
  /** Sample lines per alert. */
  samples?: number;
  /**
   * Keep line filter verdicts and parse results across evaluation steps (default true): a line
   * is filtered and parsed once instead of at every step whose window holds it. The report is
   * the same either way; false is for measuring what the cache saves (bench:scan).
   */
  stageCache?: boolean;
}

interface SourceRef {
  pack: Pack;
  source: PackSource;
  equalityLabels: Record<string, string>;
  matchers: LabelMatcher[];
}

function sourceRefs(packs: Pack[]): SourceRef[] {
  const refs: SourceRef[] = [];
  for (const pack of packs) {
    for (const source of pack.manifest.sources) {
      if (!source.scan) continue;
      const expr = parseQuery(source.selector);
      const matchers = expr.kind === 'logSelector' ? expr.matchers : [];
      const equalityLabels = Object.fromEntries(
        matchers.filter((m) => m.op === '=').map((m) => [m.name, m.value]),
      );
      refs.push({ pack, source, equalityLabels, matchers });
    }
  }
  return refs;
}

function matchesFields(
  record: ScanRecord,
  fields: Record<string, string | string[]> | null | undefined,
): boolean {
  for (const [name, expected] of Object.entries(fields ?? {})) {
    const actual = fieldText(fieldValue(record.fields, name));
    if (actual === undefined) return false;
    if (Array.isArray(expected) ? !expected.includes(actual) : actual !== expected) return false;
  }
  return true;
}

function selectorMatches(matchers: LabelMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** What one source makes of one record: labels, line and metadata, or undefined if it does not apply. */
function entryFor(ref: SourceRef, record: ScanRecord, overrides: Record<string, string>) {
  const scan = ref.source.scan!;
  if (!matchesFields(record, scan.match?.fields)) return undefined;
  let line: string | undefined;
  let labels: Record<string, string>;
  let metadata: Record<string, string> = {};
  if (record.otlp) {
    line = record.otlp.line;
    labels = { ...record.otlp.labels, ...ref.equalityLabels };
    metadata = record.otlp.metadata;
  } else {
    const lineSpec = scan.line ?? 'raw';
    line =
      lineSpec === 'raw' ? record.raw : fieldText(fieldValue(record.fields, lineSpec.slice('field:'.length)));
    if (line === undefined) return undefined;
    labels = { ...ref.equalityLabels };
    for (const [label, field] of Object.entries(scan.labels ?? {})) {
      const value = fieldText(fieldValue(record.fields, field));
      if (value) labels[label] = value;
    }
    for (const m of scan.metadata ?? []) {
      const value = fieldText(fieldValue(record.fields, m.field));
      if (value !== undefined && value !== '') metadata[m.name] = value;
    }
  }
  return { labels: { ...labels, ...overrides }, line, metadata };
}

/** The log queries inside an expression (the text from each `{` to its range `[`), in order. */
export function logQueriesOf(expr: string): string[] {
  const out: string[] = [];
  let i = 0;
  const skipString = (at: number): number => {
    const quote = expr[at]!;
    let j = at + 1;
    while (j < expr.length && expr[j] !== quote) j += quote === '"' && expr[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === '`') {
      i = skipString(i);
      continue;
    }
    if (c !== '{') {
      i++;
      continue;
    }
    const start = i;
    let j = i;
    while (j < expr.length && expr[j] !== '}') j = expr[j] === '"' || expr[j] === '`' ? skipString(j) : j + 1;
    while (j < expr.length && expr[j] !== '[') j = expr[j] === '"' || expr[j] === '`' ? skipString(j) : j + 1;
    out.push(expr.slice(start, j).trim());
    i = j + 1;
  }
  return out;
}

function rangesOf(expr: Expr): number[] {
  switch (expr.kind) {
    case 'rangeAggregation':
      return [expr.rangeMs + expr.offsetMs];
    case 'vectorAggregation':
    case 'labelReplace':
      return rangesOf(expr.expr);
    case 'binary':
      return [...rangesOf(expr.lhs), ...rangesOf(expr.rhs)];
    default:
      return [];
  }
}

const nsPerMs = 1_000_000n;
const isoOf = (ms: number) => new Date(ms).toISOString();

export async function scanFiles(
  files: string[],
  packs: Pack[],
  options: ScanOptions = {},
): Promise<ScanReport> {
  const overrides = options.labels ?? {};
  const refs = sourceRefs(packs);
  const report: ScanReport = { files: [], alerts: [], ruleErrors: [], warnings: [] };
  const streams = new Map<
    string,
    InputStream & { entries: { time: bigint; line: string; metadata?: Record<string, string> }[] }
  >();
  const origins = new Map<string, string>();
  const selectorWarnings = new Set<string>();
  const totalBytes = (
    await Promise.all(
      files.map((f) =>
        stat(f).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    )
  ).reduce((a, b) => a + b, 0);
  let bytesDone = 0;

  for (const file of files) {
    const scanned: ScannedFile = { file, records: 0, unmatched: 0, sources: {}, malformed: [], untimed: 0 };
    report.files.push(scanned);
    let text: string;
    let year: number;
    let mtimeNs: bigint;
    try {
      const info = await stat(file);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const bytes = await readFile(file);
      // Rotated logs are often gzipped (audit.log.1.gz): read them as they are.
      text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
      year = info.mtime.getUTCFullYear();
      mtimeNs = BigInt(info.mtime.getTime()) * nsPerMs;
    } catch (error) {
      scanned.error = `cannot read: ${describeFsError(error)}`;
      continue;
    }
    const format = detectFormat(text);
    scanned.format = format;
    const fileRefs = refs.filter((r) => r.source.scan!.format === format);
    const timeField = fileRefs.find((r) => r.source.scan!.time)?.source.scan!.time?.slice('field:'.length);
    const { records, malformed } = parseRecords(text, format, { year, ...(timeField ? { timeField } : {}) });
    scanned.records = records.length;
    scanned.malformed = malformed;
    let lastTime: bigint | undefined;
    for (const record of records) {
      let time = record.time;
      if (time === undefined) {
        scanned.untimed++;
        time = lastTime ?? mtimeNs;
      }
      lastTime = time;
      const pushed = new Set<string>();
      const push = (labels: Record<string, string>, line: string, metadata: Record<string, string>) => {
        const key = labelKey(labels);
        if (pushed.has(key)) return; // two packs reading the same source see one stream entry
        pushed.add(key);
        let stream = streams.get(key);
        if (!stream) streams.set(key, (stream = { labels, entries: [] }));
        stream.entries.push({ time: time!, line, ...(Object.keys(metadata).length ? { metadata } : {}) });
        origins.set(`${time}\u0000${line}`, `${file}:${record.lineNo}`);
      };
      for (const ref of fileRefs) {
        const entry = entryFor(ref, record, overrides);
        if (!entry) continue;
        const id = `${ref.pack.name}/${ref.source.id}`;
        scanned.sources[id] = (scanned.sources[id] ?? 0) + 1;
        if (!selectorMatches(ref.matchers, entry.labels) && !selectorWarnings.has(`${file}\u0000${id}`)) {
          selectorWarnings.add(`${file}\u0000${id}`);
          report.warnings.push(
            `${file}: records recognized as ${id} get labels ${JSON.stringify(entry.labels)}, which do not match its selector ${ref.source.selector}; pass --labels`,
          );
        }
        push(entry.labels, entry.line, entry.metadata);
      }
      if (!pushed.size) {
        if (Object.keys(overrides).length)
          push(
            { ...(record.otlp?.labels ?? {}), ...overrides },
            record.otlp?.line ?? record.raw,
            record.otlp?.metadata ?? {},
          );
        else scanned.unmatched++;
      }
    }
    if (!Object.keys(scanned.sources).length && scanned.records > 0 && !Object.keys(overrides).length) {
      report.warnings.push(
        `${file}: no pack source recognizes this ${format} file (${fileRefs.length ? 'match fields differ' : `no source reads ${format}`}); pass --labels to assign stream labels`,
      );
    }
    bytesDone += Buffer.byteLength(text);
    options.progress?.update(bytesDone, totalBytes, `reading ${file}`);
  }

  const inputStreams = [...streams.values()];
  let minNs: bigint | undefined;
  let maxNs: bigint | undefined;
  for (const s of inputStreams) {
    for (const e of s.entries) {
      if (minNs === undefined || e.time < minNs) minNs = e.time;
      if (maxNs === undefined || e.time > maxNs) maxNs = e.time;
    }
  }
  if (minNs === undefined || maxNs === undefined) {
    options.progress?.finish();
    return report;
  }

  const groupPack = new Map<LoadedRuleGroup, Pack>();
  const groups: LoadedRuleGroup[] = [];
  for (const pack of packs) {
    const text = await readFile(pack.rulesFile, 'utf8').catch((error: unknown) => {
      throw new Error(`${pack.rulesFile}: cannot read: ${describeFsError(error)}`);
    });
    for (const group of loadRuleGroups(text, pack.rulesFile)) {
      groups.push(group);
      groupPack.set(group, pack);
    }
  }
  const rangesByRule = new Map<LoadedRule, number[]>();
  for (const group of groups) {
    for (const rule of group.rules) {
      try {
        const ranges = rangesOf(parseQuery(rule.expr));
        rangesByRule.set(rule, ranges);
      } catch {
        // evaluation reports the rule's error
      }
    }
  }
  // From the first step that sees data to the end of the last rule window that sees data.
  const intervalMs = 60_000;
  const maxForMs = Math.max(0, ...groups.flatMap((g) => g.rules.map((r) => r.forMs)));
  const dataEndMs = Math.ceil(Number(maxNs / nsPerMs) / intervalMs) * intervalMs;
  const startMs = Math.ceil(Number(minNs / nsPerMs) / intervalMs) * intervalMs;
  // How far back any rule can see: range + for + keep_firing_for + offset (+ one step).
  const lookbackMs =
    Math.max(0, ...[...rangesByRule.values()].flat()) +
    maxForMs +
    Math.max(0, ...groups.flatMap((g) => g.rules.map((r) => r.keepFiringForMs + g.queryOffsetMs))) +
    intervalMs;
  // Run on after the last entry until every rule's window has passed it, so a burst at the end of
  // the files is treated like one in the middle; idle stretches are skipped (below).
  const endMs = dataEndMs + lookbackMs;
  // Absence after the files end is not evidence of anything: absent_over_time alerts that would
  // only start firing then are left out.
  const absenceRules = new Set(
    groups.flatMap((g) => g.rules).filter((r) => /\babsent(_over_time)?\s*\(/.test(r.expr)),
  );
  const found = new Map<string, FoundAlert & { rule: LoadedRule; firstMs: number }>();
  const ruleErrors = new Map<LoadedRule, { pack: string; rule: string; error: string; count: number }>();
  let evaluations = 0;
  const ruler = createStreamsRuler(groups, inputStreams, {
    ...(options.stageCache === false ? { stageCache: false as const } : {}),
    start: new Date(startMs),
    defaultIntervalMs: intervalMs,
    onEvaluation: (evaluation) => {
      const pack = groupPack.get(evaluation.group)!.name;
      if (evaluation.error) {
        const known = ruleErrors.get(evaluation.rule);
        if (known) known.count++;
        else
          ruleErrors.set(evaluation.rule, {
            pack,
            rule: evaluation.rule.name,
            error: evaluation.error,
            count: 1,
          });
      }
      const at = evaluation.time.getTime();
      for (const alert of evaluation.alerts) {
        if (alert.state !== 'firing') continue;
        const key = labelKey(alert.labels);
        const known = found.get(key);
        if (known) {
          known.lastSeen = isoOf(at);
          known.count++;
          known.annotations = alert.annotations;
          known.value = alert.value;
        } else if (!(absenceRules.has(evaluation.rule) && at > dataEndMs)) {
          found.set(key, {
            alertname: alert.alertname,
            pack,
            severity: alert.labels.severity ?? '',
            labels: alert.labels,
            annotations: alert.annotations,
            firstSeen: isoOf(at),
            lastSeen: isoOf(at),
            count: 1,
            value: alert.value,
            samples: [],
            rule: evaluation.rule,
            firstMs: at,
          });
        }
      }
    },
  });
  const entryTimes = [
    ...new Set(inputStreams.flatMap((st) => st.entries.map((e) => Number((e.time as bigint) / nsPerMs)))),
  ].sort((a, b) => a - b);
  // Stretches where no rule's window holds any entry and no alert is active cannot change
  // anything: jump over them (files days apart stay cheap).
  let nextEntry = 0; // index of the first entry time > the current step
  let lastStep = startMs;
  for (let t = startMs; t <= endMs;) {
    ruler.advanceTo(new Date(t));
    evaluations++;
    lastStep = t;
    options.progress?.update(t - startMs, endMs - startMs, `replaying rules at ${isoOf(t)}`);
    while (nextEntry < entryTimes.length && entryTimes[nextEntry]! <= t) nextEntry++;
    let next = t + intervalMs;
    const previousEntry = nextEntry > 0 ? entryTimes[nextEntry - 1]! : -Infinity;
    if (next - previousEntry > lookbackMs && ruler.activeAlerts().length === 0) {
      if (nextEntry >= entryTimes.length) break; // nothing left that could fire
      const aligned = startMs + Math.ceil((entryTimes[nextEntry]! - startMs) / intervalMs) * intervalMs;
      if (aligned > next) {
        ruler.skipTo(new Date(aligned));
        next = aligned;
      }
    }
    t = next;
  }
  options.progress?.finish();
  report.range = { start: isoOf(startMs), end: isoOf(lastStep), evaluations };
  report.ruleErrors = [...ruleErrors.values()];

  const sampleCount = options.samples ?? 3;
  for (const alert of found.values()) {
    const queries = logQueriesOf(alert.rule.expr);
    const ranges = rangesByRule.get(alert.rule) ?? [];
    for (const [index, query] of queries.entries()) {
      if (alert.samples.length >= sampleCount) break;
      const rangeMs = ranges[index] ?? ranges[0] ?? 300_000;
      try {
        const result = rangeQuery(query, inputStreams, {
          start: BigInt(alert.firstMs - rangeMs) * nsPerMs + 1n,
          end: BigInt(alert.firstMs) * nsPerMs + 1n, // log queries exclude their end
          limit: 1000,
          direction: 'forward',
        });
        if (result.resultType !== 'streams') continue;
        for (const stream of result.result) {
          const compatible = Object.entries(alert.labels).every(
            ([k, v]) => stream.stream[k] === undefined || stream.stream[k] === v,
          );
          if (!compatible) continue;
          for (const [ns, line] of stream.values) {
            if (alert.samples.length >= sampleCount) break;
            const origin = origins.get(`${ns}\u0000${line}`);
            alert.samples.push({ ...(origin ? { origin } : {}), line });
          }
        }
      } catch {
        // samples are a convenience; the alert itself stands
      }
    }
    const { rule: _rule, firstMs: _firstMs, ...plain } = alert;
    report.alerts.push(plain);
  }
  const severityRank: Record<string, number> = { critical: 0, warning: 1, info: 2 };
  report.alerts.sort(
    (a, b) =>
      (severityRank[a.severity] ?? 3) - (severityRank[b.severity] ?? 3) ||
      a.firstSeen.localeCompare(b.firstSeen) ||
      a.alertname.localeCompare(b.alertname),
  );
  return report;
}
