// `logward rules test`: promtool-style unit tests for Loki rules (format: alert-rules/FORMAT.md).
// Input streams are built in memory, the ruler steps every group from `start` at its interval up to
// each eval_time, and the firing alerts are compared with the expected ones.
import path from 'node:path';
import { z } from 'zod';
import {
  createStreamsRuler,
  formatProblem,
  instantQuery,
  parsePromDuration,
  parseQuery,
  parseRuleFile,
  parseYamlSource,
  zodProblems,
  type Alert,
  type LoadedRuleGroup,
  type Problem,
  type SourcePosition,
  type YamlSource,
  promDurationSchema,
  yamlScalarString,
} from '@logward/logql';
import { readText } from '../files.ts';
import { formatLabelSet, parseLabelSet } from '../label-set.ts';
import type { Style } from '../terminal.ts';

// Durations and scalar label values are read exactly as in rule files (see @logward/logql's loader).
const duration = promDurationSchema;
const stringish = yamlScalarString;
const stringMap = z.record(z.string(), stringish);
const labelSet = z.union([z.string(), stringMap]);

const entrySchema = z.strictObject({
  at: duration,
  line: z.string({ error: 'line is required and must be a string' }),
  metadata: stringMap.optional(),
  repeat: z.number().int().min(1).optional(),
  every: duration.optional(),
});

const streamSchema = z
  .strictObject({
    labels: labelSet,
    metadata: stringMap.optional(),
    entries: z.array(entrySchema).optional(),
    fixture: z.string().optional(),
    from: duration.optional(),
    every: duration.optional(),
  })
  .refine((s) => (s.entries === undefined) !== (s.fixture === undefined), {
    message: 'an input stream needs exactly one of entries or fixture',
  });

const testSchema = z.strictObject({
  name: z.string().min(1),
  start: z.union([z.string(), z.date()]).optional(),
  input_streams: z.array(streamSchema),
  alert_rule_test: z
    .array(
      z.strictObject({
        eval_time: duration,
        alertname: z.string().min(1),
        exp_alerts: z
          .array(z.strictObject({ exp_labels: stringMap.optional(), exp_annotations: stringMap.optional() }))
          .nullish(),
      }),
    )
    .optional(),
  logql_expr_test: z
    .array(
      z.strictObject({
        expr: z.string().min(1),
        eval_time: duration,
        exp_samples: z.array(z.strictObject({ labels: labelSet, value: z.number() })).nullish(),
      }),
    )
    .optional(),
});

const fileSchema = z.strictObject({
  rule_files: z.array(z.string()).min(1),
  evaluation_interval: duration.optional(),
  external_labels: stringMap.optional(),
  external_url: z.string().optional(),
  tests: z.array(testSchema).min(1),
});

type TestFileSpec = z.infer<typeof fileSchema>;
type TestSpec = z.infer<typeof testSchema>;

export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface GotAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number;
}

export interface TestFailure {
  /** The test file line of the failing check. */
  position: SourcePosition;
  kind: 'alert' | 'logql' | 'evaluation';
  message: string;
  alertname?: string;
  evalTime?: string;
  expected?: ExpectedAlert[] | { labels: Record<string, string>; value: number }[];
  got?: GotAlert[] | { labels: Record<string, string>; value: number }[];
}

export interface TestResult {
  name: string;
  position: SourcePosition;
  passed: boolean;
  failures: TestFailure[];
}

export interface TestFileResult {
  file: string;
  tests: TestResult[];
}

export interface TestReport {
  files: TestFileResult[];
  passed: number;
  failed: number;
  /** Test or rule files that could not be loaded; their tests do not run. */
  errors: Problem[];
  /** Alerting rules of the rule files the tests load that lack a firing or a quiet check. */
  coverage: { rules: number; withoutFiringTest: CoverageGap[]; withoutQuietTest: CoverageGap[] };
}

export interface CoverageGap {
  alertname: string;
  file: string;
  line: number;
}

/** Per alert name: its rule's position, and whether some check expects it firing / expects none. */
type Coverage = Map<string, { file: string; line: number; firing: boolean; quiet: boolean }>;

export interface RunOptions {
  nameFilter?: string;
}

const nsPerMs = 1_000_000n;

export async function runRuleTestFiles(files: string[], options: RunOptions = {}): Promise<TestReport> {
  const report: TestReport = {
    files: [],
    passed: 0,
    failed: 0,
    errors: [],
    coverage: { rules: 0, withoutFiringTest: [], withoutQuietTest: [] },
  };
  const coverage: Coverage = new Map();
  for (const file of files) {
    const result = await runRuleTestFile(file, options, report.errors, coverage);
    if (!result) continue;
    report.files.push(result);
    for (const t of result.tests) {
      if (t.passed) report.passed++;
      else report.failed++;
    }
  }
  report.coverage.rules = coverage.size;
  for (const [alertname, c] of coverage) {
    if (!c.firing) report.coverage.withoutFiringTest.push({ alertname, file: c.file, line: c.line });
    if (!c.quiet) report.coverage.withoutQuietTest.push({ alertname, file: c.file, line: c.line });
  }
  return report;
}

async function runRuleTestFile(
  file: string,
  options: RunOptions,
  errors: Problem[],
  coverage: Coverage,
): Promise<TestFileResult | undefined> {
  const yaml = parseYamlSource(await readText(file), file);
  if (yaml.problems.length) {
    errors.push(...yaml.problems);
    return undefined;
  }
  const parsed = fileSchema.safeParse(yaml.value);
  if (!parsed.success) {
    errors.push(...zodProblems(yaml, parsed.error, 'test-shape'));
    return undefined;
  }
  const spec = parsed.data;
  const groups: LoadedRuleGroup[] = [];
  const errorsBefore = errors.length;
  for (const [index, ruleFile] of spec.rule_files.entries()) {
    const resolved = path.resolve(path.dirname(file), ruleFile);
    let text: string;
    try {
      text = await readText(resolved);
    } catch (error) {
      errors.push({
        ...yaml.locate(['rule_files', index]),
        message: (error as Error).message,
        severity: 'error',
        code: 'io',
      });
      continue;
    }
    const rules = parseRuleFile(
      text,
      path.isAbsolute(file) ? resolved : path.relative(process.cwd(), resolved),
    );
    errors.push(...rules.problems);
    // promtool refuses rule files whose expressions do not parse; so do we, at the expression.
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      try {
        parseQuery(rule.expr);
      } catch (error) {
        errors.push({
          ...rule.exprPosition,
          message: `invalid LogQL in "${rule.name}": ${(error as Error).message}`,
          severity: 'error',
          code: 'logql-syntax',
        });
      }
    }
    groups.push(...rules.groups);
    for (const rule of rules.groups.flatMap((g) => g.rules)) {
      if (rule.kind === 'alert' && !coverage.has(rule.name)) {
        coverage.set(rule.name, {
          file: rule.position.file,
          line: rule.position.line,
          firing: false,
          quiet: false,
        });
      }
    }
  }
  if (errors.length > errorsBefore) return undefined; // a broken rule file: its problems are the report
  const result: TestFileResult = { file, tests: [] };
  for (const [index, test] of spec.tests.entries()) {
    if (options.nameFilter && !test.name.includes(options.nameFilter)) continue;
    try {
      result.tests.push(await runTest(file, yaml, spec, test, index, groups, coverage));
    } catch (error) {
      errors.push({
        ...yaml.locate(['tests', index]),
        message: `test "${test.name}": ${(error as Error).message}`,
        severity: 'error',
        code: 'test-input',
      });
    }
  }
  return result;
}

function parseStart(value: string | Date | undefined): bigint {
  if (value === undefined) return 0n;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms))
    throw new Error(`start must be an RFC3339 time such as 2026-01-01T00:00:00Z, not "${String(value)}"`);
  return BigInt(ms) * nsPerMs;
}

const offsetNs = (text: string) => BigInt(parsePromDuration(text)) * nsPerMs;

interface Stream {
  labels: Record<string, string>;
  entries: { time: bigint; line: string; metadata?: Record<string, string> }[];
}

async function buildStreams(file: string, test: TestSpec, startNs: bigint): Promise<Stream[]> {
  const streams = new Map<string, Stream>();
  for (const input of test.input_streams) {
    const labels = typeof input.labels === 'string' ? parseLabelSet(input.labels) : input.labels;
    const key = formatLabelSet(labels);
    let stream = streams.get(key);
    if (!stream) {
      stream = { labels, entries: [] };
      streams.set(key, stream);
    }
    const push = (time: bigint, line: string, entryMetadata?: Record<string, string>) => {
      const metadata = { ...input.metadata, ...entryMetadata };
      stream.entries.push({ time, line, ...(Object.keys(metadata).length ? { metadata } : {}) });
    };
    if (input.fixture !== undefined) {
      const fixtureFile = path.resolve(path.dirname(file), input.fixture);
      const lines = (await readText(fixtureFile)).split('\n');
      if (lines.at(-1) === '') lines.pop();
      const from = startNs + offsetNs(input.from ?? '0s');
      const every = offsetNs(input.every ?? '1s');
      lines.forEach((line, i) => push(from + BigInt(i) * every, line));
    }
    for (const entry of input.entries ?? []) {
      const at = startNs + offsetNs(entry.at);
      const every = offsetNs(entry.every ?? '1s');
      for (let i = 0; i < (entry.repeat ?? 1); i++) push(at + BigInt(i) * every, entry.line, entry.metadata);
    }
  }
  for (const stream of streams.values())
    stream.entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return [...streams.values()];
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

function withoutAlertname(labels: Record<string, string>): Record<string, string> {
  const { alertname: _alertname, ...rest } = labels;
  return rest;
}

/** Pairs expected with got alerts (labels exact, listed annotations equal); returns the leftovers. */
function matchAlerts(
  expected: ExpectedAlert[],
  got: GotAlert[],
): { missing: ExpectedAlert[]; unexpected: GotAlert[] } {
  const remaining = [...got];
  const missing: ExpectedAlert[] = [];
  for (const exp of expected) {
    const index = remaining.findIndex(
      (g) =>
        sameLabels(exp.labels, g.labels) &&
        Object.entries(exp.annotations).every(([k, v]) => g.annotations[k] === v),
    );
    if (index >= 0) remaining.splice(index, 1);
    else missing.push(exp);
  }
  return { missing, unexpected: remaining };
}

async function runTest(
  file: string,
  yaml: YamlSource,
  spec: TestFileSpec,
  test: TestSpec,
  index: number,
  groups: LoadedRuleGroup[],
  coverage: Coverage,
): Promise<TestResult> {
  const startNs = parseStart(test.start);
  const streams = await buildStreams(file, test, startNs);
  const failures: TestFailure[] = [];
  const startMs = Number(startNs / nsPerMs);
  const ruler = createStreamsRuler(groups, streams, {
    start: new Date(startMs),
    defaultIntervalMs: parsePromDuration(spec.evaluation_interval ?? '1m'),
    externalLabels: spec.external_labels ?? {},
    externalURL: spec.external_url ?? '',
    onEvaluation: (evaluation) => {
      if (evaluation.error) {
        failures.push({
          position: evaluation.rule.position,
          kind: 'evaluation',
          message: `rule "${evaluation.rule.name}" failed to evaluate at ${formatOffset(evaluation.time.getTime() - startMs)}: ${evaluation.error}`,
        });
      }
    },
  });
  const alertNames = new Set(
    groups.flatMap((g) => g.rules.filter((r) => r.kind === 'alert').map((r) => r.name)),
  );
  const checks = (test.alert_rule_test ?? []).map((check, i) => ({
    check,
    i,
    at: parsePromDuration(check.eval_time),
  }));
  checks.sort((a, b) => a.at - b.at);
  for (const { check, i, at } of checks) {
    const position = yaml.locate(['tests', index, 'alert_rule_test', i]);
    if (!alertNames.has(check.alertname)) {
      failures.push({
        position,
        kind: 'alert',
        alertname: check.alertname,
        evalTime: check.eval_time,
        message: `no alerting rule named "${check.alertname}" in ${spec.rule_files.join(', ')}`,
      });
      continue;
    }
    ruler.advanceTo(new Date(startMs + at));
    const got: GotAlert[] = ruler.firingAlerts(check.alertname).map((a: Alert) => ({
      labels: withoutAlertname(a.labels),
      annotations: a.annotations,
      value: a.value,
    }));
    const covered = coverage.get(check.alertname);
    if (covered && check.exp_alerts?.length) covered.firing = true;
    else if (covered) covered.quiet = true;
    const expected: ExpectedAlert[] = (check.exp_alerts ?? []).map((e) => ({
      labels: e.exp_labels ?? {},
      annotations: e.exp_annotations ?? {},
    }));
    const { missing, unexpected } = matchAlerts(expected, got);
    if (missing.length || unexpected.length) {
      failures.push({
        position,
        kind: 'alert',
        alertname: check.alertname,
        evalTime: check.eval_time,
        message: `${check.alertname} at ${check.eval_time}: expected ${expected.length} firing alert(s), got ${got.length}`,
        expected,
        got,
      });
    }
  }
  for (const [i, check] of (test.logql_expr_test ?? []).entries()) {
    const position = yaml.locate(['tests', index, 'logql_expr_test', i]);
    const time = new Date(startMs + parsePromDuration(check.eval_time));
    let got: { labels: Record<string, string>; value: number }[];
    try {
      const data = instantQuery(check.expr, streams, time) as { resultType: string; result: unknown };
      if (data.resultType === 'vector') {
        got = (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
          labels: s.metric,
          value: Number(s.value[1]),
        }));
      } else if (data.resultType === 'scalar') {
        got = [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
      } else {
        throw new Error(`the query returned ${data.resultType}, not a vector or scalar`);
      }
    } catch (error) {
      failures.push({
        position,
        kind: 'logql',
        message: `${check.expr} at ${check.eval_time}: ${(error as Error).message}`,
      });
      continue;
    }
    const expected = (check.exp_samples ?? []).map((s) => ({
      labels: typeof s.labels === 'string' ? parseLabelSet(s.labels) : s.labels,
      value: s.value,
    }));
    const remaining = [...got];
    let ok = true;
    for (const exp of expected) {
      const at = remaining.findIndex(
        (g) => sameLabels(exp.labels, g.labels) && almostEqual(exp.value, g.value),
      );
      if (at < 0) ok = false;
      else remaining.splice(at, 1);
    }
    if (!ok || remaining.length) {
      failures.push({
        position,
        kind: 'logql',
        message: `${check.expr} at ${check.eval_time}: samples differ`,
        expected,
        got,
      });
    }
  }
  return {
    name: test.name,
    position: yaml.locate(['tests', index]),
    passed: failures.length === 0,
    failures,
  };
}

// promtool compares sample values with a relative epsilon of 1e-6.
function almostEqual(a: number, b: number): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

function formatOffset(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

// ---------------------------------------------------------------------------------------------
// Text report

function describeAlert(prefix: string, alert: ExpectedAlert | GotAlert, keys?: string[]): string[] {
  const lines = [`${prefix} ${formatLabelSet(alert.labels)}`];
  const shown = keys ?? Object.keys(alert.annotations).sort();
  for (const key of shown) {
    const value = alert.annotations[key];
    lines.push(`           ${key}: ${value === undefined ? '(none)' : JSON.stringify(value)}`);
  }
  return lines;
}

/** What differs between one expected and the closest got alert, label by label. */
function closestDifferences(expected: ExpectedAlert, got: GotAlert[]): string[] {
  if (!got.length) return [];
  const score = (g: GotAlert) =>
    Object.keys({ ...expected.labels, ...g.labels }).filter((k) => expected.labels[k] !== g.labels[k])
      .length +
    Object.keys(expected.annotations).filter((k) => expected.annotations[k] !== g.annotations[k]).length;
  const best = [...got].sort((a, b) => score(a) - score(b))[0]!;
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(expected.labels), ...Object.keys(best.labels)])].sort()) {
    const e = expected.labels[key];
    const g = best.labels[key];
    if (e !== g)
      out.push(
        `label ${key}: expected ${e === undefined ? '(absent)' : JSON.stringify(e)}, got ${g === undefined ? '(absent)' : JSON.stringify(g)}`,
      );
  }
  for (const key of Object.keys(expected.annotations).sort()) {
    const e = expected.annotations[key];
    const g = best.annotations[key];
    if (e !== g)
      out.push(
        `annotation ${key}:\n          expected ${JSON.stringify(e)}\n          got      ${g === undefined ? '(absent)' : JSON.stringify(g)}`,
      );
  }
  return out;
}

export function formatTestReport(report: TestReport, style: Style, cwd: string): string {
  const out: string[] = [];
  const rel = (f: string) => (path.isAbsolute(f) ? f : path.relative(cwd, path.resolve(f)) || f);
  for (const error of report.errors) out.push(style.red(formatProblem({ ...error, file: rel(error.file) })));
  for (const fileResult of report.files) {
    out.push(style.bold(rel(fileResult.file)));
    for (const t of fileResult.tests) {
      out.push(`  ${t.passed ? style.green('ok  ') : style.red('FAIL')} ${t.name}`);
      for (const f of t.failures) {
        out.push(`       ${rel(f.position.file)}:${f.position.line}: ${f.message}`);
        if (f.kind === 'alert' && f.expected && f.got) {
          const expected = f.expected as ExpectedAlert[];
          const got = f.got as GotAlert[];
          const keys = [...new Set(expected.flatMap((e) => Object.keys(e.annotations)))].sort();
          out.push('       expected:');
          if (!expected.length) out.push('         (no firing alert)');
          for (const e of expected) out.push(...describeAlert(style.red('       -'), e).map((l) => '  ' + l));
          out.push('       got:');
          if (!got.length) out.push('         (no firing alert)');
          for (const g of got)
            out.push(
              ...describeAlert(style.green('       +'), g, keys.length ? keys : undefined).map(
                (l) => '  ' + l,
              ),
            );
          const { missing } = matchAlerts(expected, got);
          for (const m of missing) {
            const diffs = closestDifferences(m, got);
            if (diffs.length)
              out.push('       closest match differs in:', ...diffs.map((d) => `         ${d}`));
          }
        } else if (f.kind === 'logql' && f.expected && f.got) {
          const fmt = (s: { labels: Record<string, string>; value: number }) =>
            `${formatLabelSet(s.labels)} ${s.value}`;
          out.push(
            '       expected:',
            ...(f.expected as { labels: Record<string, string>; value: number }[]).map(
              (s) => `         ${style.red('-')} ${fmt(s)}`,
            ),
          );
          out.push(
            '       got:',
            ...(f.got as { labels: Record<string, string>; value: number }[]).map(
              (s) => `         ${style.green('+')} ${fmt(s)}`,
            ),
          );
        }
      }
    }
  }
  const gaps = (list: CoverageGap[]) =>
    list.map((g) => `${g.alertname} (${rel(g.file)}:${g.line})`).join(', ');
  const { coverage } = report;
  if (coverage.withoutFiringTest.length)
    out.push(style.yellow(`no test expects these to fire: ${gaps(coverage.withoutFiringTest)}`));
  if (coverage.withoutQuietTest.length)
    out.push(style.yellow(`no test expects these to stay quiet: ${gaps(coverage.withoutQuietTest)}`));
  const total = report.passed + report.failed;
  const summary = `${total} test(s): ${report.passed} passed, ${report.failed} failed${report.errors.length ? `, ${report.errors.length} file error(s)` : ''}`;
  out.push(report.failed || report.errors.length ? style.red(summary) : style.green(summary));
  return out.join('\n');
}
