// Rule packs (alert-rules/<pack>/) as the real-Loki tests use them: the rules file, a test-only
// rendering for Loki's ruler, and the `logward rules test` fixtures turned into pushes near "now".
//
// Test-only rendering (why): Loki's ruler evaluates at wall-clock time, so an alert with `for: 10m`
// would need ten real minutes to fire. The rendering sets `for: 0s` and a 1s group interval, keeps
// every expression and label/annotation verbatim, and the fixtures are placed so that the test's
// `eval_time` falls just after "now". What is checked is therefore "this expression, over this data,
// makes Loki produce this alert with these labels" — the pending→firing timing is the embedded
// ruler's job (logward rules test).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { parsePromDuration } from '@logward/logql';
import type { PushStream } from './loki-client.ts';

export interface Pack {
  name: string;
  dir: string;
  rulesFile: string;
  rules: RulesDocument;
  testFiles: string[];
}

export interface RulesDocument {
  groups: { name: string; interval?: string; rules: RuleDefinition[]; [key: string]: unknown }[];
}

export interface RuleDefinition {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One positive check of a rules test: at eval_time, these alerts of alertname fire. */
export interface FiringCase {
  pack: string;
  /** file:test name, for messages. */
  where: string;
  testName: string;
  alertname: string;
  evalMs: number;
  expected: ExpectedAlert[];
  streams: FixtureStream[];
}

export interface FixtureStream {
  labels: Record<string, string>;
  entries: { offsetMs: number; line: string; metadata: Record<string, string> }[];
}

export const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '../..');

export function listPacks(root = join(repoRoot, 'alert-rules')): Pack[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'manifest.yaml')))
    .map((d) => loadPack(join(root, d.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function loadPack(dir: string): Pack {
  const manifestFile = join(dir, 'manifest.yaml');
  const manifest = parse(readFileSync(manifestFile, 'utf8')) as { name?: string; rules?: string };
  if (!manifest?.name) throw new Error(`${manifestFile}:1: manifest without 'name'`);
  const rulesFile = join(dir, manifest.rules ?? 'rules.yaml');
  const rules = parse(readFileSync(rulesFile, 'utf8')) as RulesDocument;
  if (!rules || !Array.isArray(rules.groups)) throw new Error(`${rulesFile}:1: no 'groups' list`);
  const testsDir = join(dir, 'tests');
  const testFiles = existsSync(testsDir)
    ? readdirSync(testsDir)
        .filter((f) => f.endsWith('.test.yaml'))
        .sort()
        .map((f) => join(testsDir, f))
    : [];
  return { name: manifest.name, dir, rulesFile, rules, testFiles };
}

/**
 * The pack's rules for Loki's ruler in a test: group interval 1s and, when `onlyAlerts` is given,
 * only those alerts with `for: 0s` (see the header comment). Recording rules are left out of the
 * firing rendering: without remote write their output goes nowhere in Loki.
 */
export function renderRulesForTest(rules: RulesDocument, onlyAlerts?: Set<string>): string {
  const groups = rules.groups
    .map((g) => ({
      ...g,
      interval: '1s',
      rules: g.rules
        .filter((r) => !onlyAlerts || (r.alert !== undefined && onlyAlerts.has(r.alert)))
        .map((r) => (onlyAlerts ? { ...r, for: '0s' } : r)),
    }))
    .filter((g) => g.rules.length > 0);
  return stringify({ groups }, { lineWidth: 0 });
}

/** Prometheus duration → milliseconds ("1m30s", "250ms", "0s"). */
export function durationMs(text: string | number | undefined, where: string): number {
  if (text === undefined) return 0;
  if (typeof text === 'number') return text * 1000;
  try {
    return parsePromDuration(text.trim());
  } catch {
    throw new Error(`${where}: '${text}' is not a duration`);
  }
}

function parseLabelSet(value: unknown, where: string): Record<string, string> {
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  }
  if (typeof value !== 'string') throw new Error(`${where}: labels must be a {a="x"} label set or a map`);
  const labels: Record<string, string> = {};
  const body = value.trim().replace(/^\{/, '').replace(/\}$/, '');
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) labels[m[1]!] = JSON.parse(`"${m[2]!}"`) as string;
  if (Object.keys(labels).length === 0) throw new Error(`${where}: cannot read labels ${value}`);
  return labels;
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

interface RawTestFile {
  tests?: {
    name: string;
    input_streams?: {
      labels: unknown;
      metadata?: unknown;
      entries?: { at?: string; line: string; metadata?: unknown; repeat?: number; every?: string }[];
      fixture?: string;
      from?: string;
      every?: string;
    }[];
    alert_rule_test?: {
      eval_time: string;
      alertname: string;
      exp_alerts?: { exp_labels?: unknown; exp_annotations?: unknown }[];
    }[];
  }[];
}

/** Every positive alert check of a pack's tests (the firing ones), with its input streams expanded. */
export function firingCases(pack: Pack): FiringCase[] {
  const cases: FiringCase[] = [];
  for (const file of pack.testFiles) {
    const doc = parse(readFileSync(file, 'utf8')) as RawTestFile;
    for (const test of doc.tests ?? []) {
      const where = `${file}: ${test.name}`;
      const streams = (test.input_streams ?? []).map((s) => expandStream(s, file, where));
      for (const check of test.alert_rule_test ?? []) {
        if (!check.exp_alerts || check.exp_alerts.length === 0) continue;
        cases.push({
          pack: pack.name,
          where,
          testName: test.name,
          alertname: check.alertname,
          evalMs: durationMs(check.eval_time, where),
          expected: check.exp_alerts.map((a) => ({
            labels: stringMap(a.exp_labels),
            annotations: stringMap(a.exp_annotations),
          })),
          streams,
        });
      }
    }
  }
  return cases;
}

function expandStream(
  s: NonNullable<NonNullable<RawTestFile['tests']>[number]['input_streams']>[number],
  file: string,
  where: string,
): FixtureStream {
  const labels = parseLabelSet(s.labels, where);
  const streamMetadata = stringMap(s.metadata);
  const entries: FixtureStream['entries'] = [];
  if (s.fixture) {
    const fixture = join(dirname(file), s.fixture);
    const lines = readFileSync(fixture, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const from = durationMs(s.from, where);
    const every = s.every === undefined ? 1000 : durationMs(s.every, where);
    lines.forEach((line, i) =>
      entries.push({ offsetMs: from + i * every, line, metadata: { ...streamMetadata } }),
    );
  }
  for (const e of s.entries ?? []) {
    const at = durationMs(e.at, where);
    const every = e.every === undefined ? 1000 : durationMs(e.every, where);
    for (let i = 0; i < (e.repeat ?? 1); i++) {
      entries.push({
        offsetMs: at + i * every,
        line: e.line,
        metadata: { ...streamMetadata, ...stringMap(e.metadata) },
      });
    }
  }
  return { labels, entries };
}

/**
 * Push streams for one firing case: offsets are placed so that `evalMs` maps to `evalAtMs` (wall
 * clock); entries after eval_time are left out (they do not exist yet at eval_time). Streams with the
 * same labels are merged and sorted, so Loki never sees an out-of-order write.
 */
export function pushStreamsFor(c: FiringCase, evalAtMs: number): PushStream[] {
  const byLabels = new Map<string, PushStream & { sortKey: bigint[] }>();
  for (const s of c.streams) {
    const key = JSON.stringify(Object.entries(s.labels).sort());
    const target = byLabels.get(key) ?? { labels: s.labels, entries: [], sortKey: [] };
    byLabels.set(key, target);
    for (const e of s.entries) {
      if (e.offsetMs > c.evalMs) continue;
      const ns = BigInt(evalAtMs - (c.evalMs - e.offsetMs)) * 1_000_000n;
      target.entries.push({ ns: String(ns), line: e.line, metadata: e.metadata });
    }
  }
  return [...byLabels.values()]
    .map((s) => ({
      labels: s.labels,
      entries: s.entries.sort((a, b) =>
        BigInt(a.ns) < BigInt(b.ns) ? -1 : BigInt(a.ns) > BigInt(b.ns) ? 1 : 0,
      ),
    }))
    .filter((s) => s.entries.length > 0);
}
