#!/usr/bin/env node
// Replays rule-pack tests (tests/*.test.yaml) against a real Grafana Loki, to check that Loki itself
// returns what the tests expect from the embedded engine: same series, same labels (structured
// metadata names included), same values, same rendered annotations.
//
//   node alert-rules/scripts/replay-tests-on-loki.mjs alert-rules/app/tests [alert-rules/kcp/tests ...]
//
// Loki comes from test/loki (built by test/loki/build.sh, or LOKI_BIN_DIR with loki + lokitool); the
// script starts a throw-away multi-tenant Loki and stops it at the end.
//
// How: each test gets its own tenant; its input streams are pushed (structured metadata as the
// third element of each value) shifted so the test starts 2h30m ago, because Loki serves recent
// data from ingesters only (query_ingesters_within, 3h). Each alert_rule_test evaluates the rule's
// expr as an instant query at eval_time. Rules with `for:` are approximated: an alert counts as
// firing when its series is present at every 1m step from eval_time - for to eval_time (the pack
// groups use the default 1m interval). keep_firing_for is not modelled. Annotations are rendered
// with @logward/logql's Prometheus-compatible template engine.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const YAML = createRequire(join(repo, 'packages', 'cli', 'package.json'))('yaml');
const { findOrBuildLoki, startLoki } = await import(join(repo, 'test', 'loki', 'harness.ts'));
const { LokiClient } = await import(join(repo, 'test', 'loki', 'loki-client.ts'));
const { compileAlertTemplate, expandAlertTemplate, parsePromDuration } = await import(
  join(repo, 'packages', 'logql', 'src', 'index.ts')
);

const STEP_MS = 60_000;
const durationMs = (text, where) => {
  try {
    return parsePromDuration(String(text));
  } catch (error) {
    throw new Error(`${where}: bad duration ${JSON.stringify(text)}: ${error.message}`, { cause: error });
  }
};
const parseLabels = (labels) =>
  typeof labels === 'object'
    ? labels
    : Object.fromEntries([...labels.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]));
const stringValues = (map) => Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, String(v)]));
const labelKey = (labels) =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [k, String(v)])
      .sort(),
  );
const squash = (text) => String(text).replace(/\s+/g, ' ').trim();

function testFiles(operands) {
  return operands.flatMap((operand) =>
    statSync(operand).isDirectory()
      ? readdirSync(operand)
          .filter((f) => f.endsWith('.test.yaml'))
          .sort()
          .map((f) => join(operand, f))
      : [operand],
  );
}

function streamsOf(test, file, startMs) {
  const ns = (ms) => String(BigInt(Math.round(ms)) * 1_000_000n);
  return test.input_streams.map((stream, i) => {
    const where = `${file}: ${test.name}: input_streams[${i}]`;
    const entries = [];
    if (stream.fixture) {
      const lines = readFileSync(join(dirname(file), stream.fixture), 'utf8')
        .split('\n')
        .filter((l) => l.length);
      const from = durationMs(stream.from ?? '0s', where);
      const every = durationMs(stream.every ?? '1s', where);
      lines.forEach((line, k) =>
        entries.push({ ns: ns(startMs + from + k * every), line, metadata: stringValues(stream.metadata) }),
      );
    }
    for (const entry of stream.entries ?? []) {
      const at = durationMs(entry.at, where);
      const every = durationMs(entry.every ?? '1s', where);
      for (let k = 0; k < (entry.repeat ?? 1); k++) {
        const metadata = stringValues({ ...stream.metadata, ...entry.metadata });
        entries.push({ ns: ns(startMs + at + k * every), line: entry.line, metadata });
      }
    }
    entries.sort((a, b) => (BigInt(a.ns) < BigInt(b.ns) ? -1 : BigInt(a.ns) > BigInt(b.ns) ? 1 : 0));
    return { labels: parseLabels(stream.labels), entries };
  });
}

async function instant(loki, client, expr, atMs) {
  const params = new URLSearchParams({ query: expr, time: String(BigInt(atMs) * 1_000_000n) });
  const response = await fetch(`${loki.url}/loki/api/v1/query?${params}`, { headers: client.headers() });
  const body = await response.json();
  if (body.status !== 'success')
    throw new Error(`Loki rejected ${JSON.stringify(expr)}: ${JSON.stringify(body)}`);
  return body.data.result;
}

const files = testFiles(process.argv.slice(2));
if (!files.length) {
  console.error('usage: node alert-rules/scripts/replay-tests-on-loki.mjs <tests dir|test file>...');
  process.exit(2);
}
const binaries = await findOrBuildLoki((line) => console.error(line));
const loki = await startLoki(binaries, { rulerStore: 'local', multiTenant: true, name: 'pack-replay' });
let passed = 0;
let failed = 0;
let tenant = 0;
try {
  for (const file of files) {
    const doc = YAML.parse(readFileSync(file, 'utf8'));
    const rules = new Map();
    for (const ruleFile of doc.rule_files) {
      for (const group of YAML.parse(readFileSync(join(dirname(file), ruleFile), 'utf8')).groups) {
        for (const rule of group.rules) if (rule.alert) rules.set(rule.alert, rule);
      }
    }
    for (const test of doc.tests) {
      const client = new LokiClient(loki.url, `replay-${++tenant}`);
      const startMs = Math.floor(Date.now() / STEP_MS) * STEP_MS - 150 * STEP_MS;
      await client.push(streamsOf(test, file, startMs));
      for (const check of test.alert_rule_test ?? []) {
        const rule = rules.get(check.alertname);
        const where = `${file}: ${test.name}: ${check.alertname} at ${check.eval_time}`;
        if (!rule) throw new Error(`${where}: no such alert in ${doc.rule_files.join(', ')}`);
        const evalMs = startMs + durationMs(check.eval_time, where);
        const forMs = durationMs(rule.for ?? '0s', where);
        let firing;
        for (let at = evalMs - forMs; at <= evalMs; at += STEP_MS) {
          const now = new Map(
            (await instant(loki, client, rule.expr, at)).map((sample) => {
              const labels = { ...sample.metric, ...rule.labels };
              return [labelKey(labels), { labels, value: Number(sample.value[1]) }];
            }),
          );
          firing = firing ? new Map([...now].filter(([key]) => firing.has(key))) : now;
        }
        const expected = (check.exp_alerts ?? []).map((e) => ({
          ...e,
          key: labelKey(stringValues(e.exp_labels)),
        }));
        const problems = [];
        for (const e of expected) if (!firing.has(e.key)) problems.push(`missing ${e.key}`);
        for (const [key, alert] of firing) {
          if (!expected.some((e) => e.key === key)) problems.push(`unexpected ${key} value=${alert.value}`);
        }
        for (const e of expected) {
          const alert = firing.get(e.key);
          if (!alert) continue;
          const data = { labels: alert.labels, externalLabels: {}, externalURL: '', value: alert.value };
          for (const [name, want] of Object.entries(e.exp_annotations ?? {})) {
            const got = expandAlertTemplate(compileAlertTemplate(rule.annotations?.[name] ?? ''), data);
            if (squash(got) !== squash(want))
              problems.push(`annotation ${name}: got "${squash(got)}", want "${squash(want)}"`);
          }
        }
        if (problems.length) {
          failed++;
          console.log(`FAIL ${where}\n  ${problems.join('\n  ')}`);
        } else passed++;
      }
    }
  }
} finally {
  await loki.stop();
}
console.log(`real Loki ${binaries.dir}: ${passed} alert check(s) passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
