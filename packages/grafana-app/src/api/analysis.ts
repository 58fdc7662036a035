// Pure functions over what the ruler and Loki return: alert counts, top entities, source health and the
// comparison of bundled packs with the ruler's contents.
import type { BundledPack, PackRule, PackRuleGroup, PackSource } from '../packs/types';
import type { PromAlert, PromRuleGroup } from './grafanaApi';

export const severities = ['critical', 'warning', 'info'] as const;

export interface PackAlertCounts {
  pack: string;
  firing: Record<string, number>;
  pending: Record<string, number>;
}

/** Firing and pending alerts per pack and severity (alerts without a pack label count under "other"). */
export function countAlerts(alerts: PromAlert[]): PackAlertCounts[] {
  const byPack = new Map<string, PackAlertCounts>();
  for (const alert of alerts) {
    const pack = alert.labels.pack || 'other';
    const severity = alert.labels.severity || 'none';
    let counts = byPack.get(pack);
    if (!counts) {
      counts = { pack, firing: {}, pending: {} };
      byPack.set(pack, counts);
    }
    const bucket = alert.state === 'firing' ? counts.firing : alert.state === 'pending' ? counts.pending : undefined;
    if (bucket) {
      bucket[severity] = (bucket[severity] ?? 0) + 1;
    }
  }
  return [...byPack.values()].sort((a, b) => a.pack.localeCompare(b.pack));
}

/** Alert labels that name a user or a network source, across the packs. */
export const userLabels = ['user', 'user_id'];
export const addressLabels = ['source_ip', 'client_address'];

export interface EntityCount {
  value: string;
  alerts: number;
}

export function topEntities(alerts: PromAlert[], labels: string[], limit = 10): EntityCount[] {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    if (alert.state !== 'firing' && alert.state !== 'pending') {
      continue;
    }
    for (const name of labels) {
      const value = alert.labels[name];
      if (value) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()]
    .map(([value, n]) => ({ value, alerts: n }))
    .sort((a, b) => b.alerts - a.alerts || a.value.localeCompare(b.value))
    .slice(0, limit);
}

export type SourceHealthState = 'ok' | 'silent' | 'error';

export interface SourceHealth {
  pack: string;
  source: PackSource;
  state: SourceHealthState;
  lastLine?: Date;
  error?: string;
}

/** A source is silent when its newest line is older than the threshold, or when there is none at all. */
export function classifySource(lastLine: Date | undefined, now: Date, silentAfterMinutes: number): SourceHealthState {
  if (!lastLine) {
    return 'silent';
  }
  return now.getTime() - lastLine.getTime() > silentAfterMinutes * 60_000 ? 'silent' : 'ok';
}

/** Every source of every pack, with its pack name. */
export function packSources(packs: BundledPack[]): Array<{ pack: string; source: PackSource }> {
  const out: Array<{ pack: string; source: PackSource }> = [];
  for (const pack of packs) {
    for (const source of pack.sources) {
      out.push({ pack: pack.name, source });
    }
  }
  return out;
}

export type RulerStatus = 'in sync' | 'missing' | 'differs';

export interface RuleStatus {
  pack: string;
  group: string;
  name: string;
  severity: string;
  /** Loki's evaluation state (inactive/pending/firing), or "not loaded" when the ruler does not run it. */
  state: string;
  health?: string;
  lastError?: string;
  ruler: RulerStatus;
  /** What differs, when ruler is "differs". */
  differences: string[];
}

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Prometheus duration → ms ("1m" and "60s" are the same duration; Loki may echo either). */
export function durationMs(text: string | undefined): number {
  if (!text) {
    return 0;
  }
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(m[1]) * durationUnits[m[2]];
  }
  return total;
}

const normalizeExpr = (expr: string) => expr.trim().replace(/\s+/g, ' ');

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
}

export function ruleDifferences(bundled: PackRule, installed: PackRule): string[] {
  const out: string[] = [];
  if (normalizeExpr(bundled.expr) !== normalizeExpr(installed.expr)) {
    out.push('expr');
  }
  if (durationMs(bundled.for) !== durationMs(installed.for)) {
    out.push('for');
  }
  if (durationMs(bundled.keep_firing_for) !== durationMs(installed.keep_firing_for)) {
    out.push('keep_firing_for');
  }
  if (!sameMap(bundled.labels, installed.labels)) {
    out.push('labels');
  }
  if (!sameMap(bundled.annotations, installed.annotations)) {
    out.push('annotations');
  }
  return out;
}

const ruleName = (r: PackRule) => r.alert ?? r.record ?? '';

/** Every bundled rule with its evaluation state and whether the ruler holds the same definition. */
export function compareWithRuler(
  pack: BundledPack,
  installedGroups: PackRuleGroup[],
  evaluated: PromRuleGroup[],
  namespace: string
): RuleStatus[] {
  const out: RuleStatus[] = [];
  for (const group of pack.groups) {
    const installed = installedGroups.find((g) => g.name === group.name);
    const running = evaluated.find(
      (g) => g.name === group.name && (g.file === namespace || g.file.endsWith(`/${namespace}`))
    );
    for (const rule of group.rules) {
      const name = ruleName(rule);
      const installedRule = installed?.rules.find((r) => ruleName(r) === name);
      const runningRule = running?.rules.find((r) => r.name === name);
      const differences = installedRule ? ruleDifferences(rule, installedRule) : [];
      out.push({
        pack: pack.name,
        group: group.name,
        name,
        severity: rule.labels?.severity ?? '',
        state: runningRule?.state ?? 'not loaded',
        health: runningRule?.health,
        lastError: runningRule?.lastError,
        ruler: !installedRule ? 'missing' : differences.length ? 'differs' : 'in sync',
        differences,
      });
    }
  }
  return out;
}
