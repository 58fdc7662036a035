// Prints the demo's result: what the code logged beside what left the process, the alerts, the
// redaction summary, and where each alert shows up in Grafana.
import { readFile } from 'node:fs/promises';
import { loadRuleGroups } from '@logward/logql';
import { logQueriesOf } from '../scan/scan.ts';
import type { Style } from '../terminal.ts';
import type { DemoResult } from './run-demo.ts';
import { plantedSecrets } from './shop-traffic.ts';

const clip = (text: string, width = 240) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export interface RedactionSummary {
  records: number;
  redactedRecords: number;
  byRule: Record<string, number>;
  /** Planted fake secrets found in the bytes the receiver got (must be empty). */
  leakedOnWire: string[];
}

export function redactionSummary(result: DemoResult, wireBytes: string): RedactionSummary {
  const byRule: Record<string, number> = {};
  let redactedRecords = 0;
  for (const record of result.received) {
    const count = Number(record.attributes['logward.redaction.count'] ?? 0);
    if (!count) continue;
    redactedRecords++;
    for (const rule of String(record.attributes['logward.redaction.rules'] ?? '')
      .split(',')
      .filter(Boolean)) {
      byRule[rule] = (byRule[rule] ?? 0) + 1;
    }
  }
  return {
    records: result.received.length,
    redactedRecords,
    byRule,
    leakedOnWire: plantedSecrets.filter((secret) => wireBytes.includes(secret)),
  };
}

/** alertname → { group, first log query } from the packs' rule files, for Grafana locations. */
async function ruleIndex(
  result: DemoResult,
): Promise<Map<string, { pack: string; group: string; query?: string }>> {
  const index = new Map<string, { pack: string; group: string; query?: string }>();
  for (const pack of result.packs) {
    const groups = loadRuleGroups(await readFile(pack.rulesFile, 'utf8'), pack.rulesFile);
    for (const group of groups) {
      for (const rule of group.rules) {
        if (rule.kind !== 'alert') continue;
        const query = logQueriesOf(rule.expr)[0];
        index.set(rule.name, { pack: pack.name, group: group.name, ...(query ? { query } : {}) });
      }
    }
  }
  return index;
}

export async function printDemo(
  result: DemoResult,
  summary: RedactionSummary,
  style: Style,
  grafanaUrl: string,
  out: (line: string) => void = console.log,
): Promise<void> {
  const section = (title: string) => out(`\n${style.bold(`== ${title}`)}`);

  section('Traffic');
  for (const s of result.shopScenarios) out(`  shop-api      ${s.name} (${s.requests} requests)`);
  for (const s of result.kcpScenarios) out(`  game-gateway  ${s.name}`);

  section('What the code logged → what left the process (records the redaction processor changed)');
  const byKey = new Map(result.received.map((r) => [`${r.time}\u0000${r.line}`, r]));
  let redacted = 0;
  let unmatched = 0;
  const shownRuleSets = new Set<string>();
  for (const t of result.tapped) {
    if (!Number(t.exported.attributes['logward.redaction.count'] ?? 0)) continue;
    redacted++;
    const wire = byKey.get(`${t.exported.time}\u0000${asText(t.exported.body)}`);
    if (!wire) {
      unmatched++;
      continue;
    }
    // One example per distinct set of rules that fired, so each kind of redaction is shown once.
    const rules = String(wire.attributes['logward.redaction.rules'] ?? '');
    if (shownRuleSets.has(rules)) continue;
    shownRuleSets.add(rules);
    out(`  ${style.dim(`${t.service} ${t.logged.eventName ?? 'log line'} (rules: ${rules})`)}`);
    if (asText(t.logged.body) !== wire.line) {
      out(`    logged: ${clip(asText(t.logged.body))}`);
      out(`    sent:   ${clip(wire.line)}`);
    }
    for (const [key, before] of Object.entries(t.logged.attributes)) {
      const after = wire.attributes[key];
      if (after !== undefined && asText(before) !== after) {
        out(`    logged ${key}: ${clip(asText(before), 100)}`);
        out(`    sent   ${key}: ${clip(after, 100)}`);
      }
    }
  }
  if (redacted > shownRuleSets.size)
    out(style.dim(`  (${redacted} redacted records in all; one example per kind above)`));
  if (!redacted) out('  (no record needed redaction)');
  if (unmatched) out(style.red(`  ${unmatched} redacted record(s) were not found on the wire`));

  section('Redaction summary');
  out(`  ${summary.records} records received over OTLP/HTTP, ${summary.redactedRecords} redacted`);
  for (const [rule, count] of Object.entries(summary.byRule).sort((a, b) => b[1] - a[1])) {
    out(`    ${rule.padEnd(28)} ${count} record(s)`);
  }
  out(
    summary.leakedOnWire.length
      ? style.red(`  planted secrets found on the wire: ${summary.leakedOnWire.join(', ')}`)
      : style.green(`  none of the ${plantedSecrets.length} planted fake secrets is in the received bytes`),
  );

  section(`Alerts (${result.alerts.length})`);
  const severityStyle = (s: string) =>
    s === 'critical' ? style.red(s) : s === 'warning' ? style.yellow(s) : s;
  for (const a of result.alerts) {
    out(`  ${severityStyle(a.severity.padEnd(8))} ${a.pack.padEnd(5)} ${style.bold(a.alertname)}`);
    if (a.annotations.summary) out(`           ${a.annotations.summary}`);
  }
  for (const { source, report } of result.reports) {
    for (const e of report.ruleErrors)
      out(style.red(`  rule ${e.pack}/${e.rule} failed on ${source}: ${e.error}`));
  }

  section('Where these alerts appear in Grafana');
  const index = await ruleIndex(result);
  const seen = new Set<string>();
  for (const a of result.alerts) {
    if (seen.has(a.alertname)) continue;
    seen.add(a.alertname);
    const rule = index.get(a.alertname);
    out(`  ${style.bold(a.alertname)}`);
    out(
      `    Alerting → Alert rules → Loki (data source-managed) → namespace ${rule?.pack ?? a.pack} → group ${rule?.group ?? '?'}: ${grafanaUrl}/alerting/list?search=${encodeURIComponent(a.alertname)}`,
    );
    // Dashboards bundled with the logward-security-app Grafana app (uid logward-<pack>).
    out(`    dashboard: ${grafanaUrl}/d/logward-${rule?.pack ?? a.pack}`);
    if (rule?.query) {
      const left = {
        datasource: 'loki',
        queries: [{ refId: 'A', expr: rule.query }],
        range: { from: 'now-1h', to: 'now' },
      };
      out(`    evidence in Explore: ${rule.query}`);
      out(
        style.dim(
          `      ${grafanaUrl}/explore?schemaVersion=1&left=${encodeURIComponent(JSON.stringify(left))}`,
        ),
      );
    }
  }
  out(`  Security overview (logward-security-app): ${grafanaUrl}/a/logward-security-app/overview`);
  out(`  Rule packs and their status: ${grafanaUrl}/a/logward-security-app/rule-packs`);
}
