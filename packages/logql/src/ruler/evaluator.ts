// The ruler stepped through simulated time. Each group is evaluated at start + k*interval; each
// alerting rule keeps Prometheus' alert state machine (rules/alerting.go, which Loki's ruler runs):
// a new series is pending, becomes firing once it has been active for `for`, stays firing for
// `keep_firing_for` after it disappears, and is then resolved.
import { expandAlertTemplate, type AlertTemplateData } from './template.ts';
import type { LoadedRule, LoadedRuleGroup } from './load.ts';

/** The `data` object of Loki's query API, as the engine returns it. */
export type RulerQueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'matrix'; result: unknown[] }
  | { resultType: 'streams'; result: unknown[] };

/** Runs an instant query at `time`; the ruler does not care which engine answers it. */
export type InstantQueryFunction = (expr: string, time: Date) => RulerQueryData;

export type AlertState = 'pending' | 'firing' | 'inactive';

export interface Alert {
  alertname: string;
  /** Series labels + rule labels + alertname, as sent to Alertmanager. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  activeAt: Date;
  firedAt?: Date;
  resolvedAt?: Date;
  keepFiringSince?: Date;
  /** The sample value of the latest evaluation that returned this series. */
  value: number;
}

export interface RuleSample {
  metric: Record<string, string>;
  value: number;
}

export interface RuleEvaluation {
  time: Date;
  group: LoadedRuleGroup;
  rule: LoadedRule;
  /** The query's samples (for alerting rules: before labels and templates are applied). */
  samples: RuleSample[];
  /** Alerting rules: the pending and firing alerts after this evaluation. */
  alerts: Alert[];
  /** The evaluation failed (query error, limit exceeded, result not a vector). */
  error?: string;
}

/** Evaluates several expressions at one time in one pass (the engine's evaluateInstantBatch). */
export type InstantBatchQueryFunction = (exprs: string[], time: Date) => RulerQueryData[];

export interface RulerOptions {
  query: InstantQueryFunction;
  /** Optional: evaluates a whole group's expressions at once; a failing batch falls back to `query` per rule. */
  queryBatch?: InstantBatchQueryFunction;
  /** Time of the first evaluation of every group (k = 0). */
  start: Date;
  /** The ruler's evaluation_interval, used by groups without `interval` (Loki's default 1m). */
  defaultIntervalMs?: number;
  externalLabels?: Record<string, string>;
  externalURL?: string;
  /** Called after every rule evaluation, in time order within a group. */
  onEvaluation?: (evaluation: RuleEvaluation) => void;
}

export interface Ruler {
  /** Evaluates every group at each of its evaluation times <= time that has not run yet. */
  advanceTo(time: Date): void;
  /**
   * Moves every group's next evaluation to its first slot >= time without evaluating the slots in
   * between (for idle stretches with no data in any rule's window; alerts keep their state).
   */
  skipTo(time: Date): void;
  /** Pending and firing alerts, as of the last evaluation of their group. */
  activeAlerts(): Alert[];
  /** Firing alerts, optionally of one alert name. */
  firingAlerts(alertname?: string): Alert[];
}

// Prometheus keeps resolved alerts for 15 minutes so Alertmanager hears about the resolution.
const resolvedRetentionMs = 15 * 60_000;

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function toSamples(data: RulerQueryData): RuleSample[] {
  if (data.resultType === 'vector') {
    return data.result.map((s) => ({ metric: s.metric, value: parseSampleValue(s.value[1]) }));
  }
  if (data.resultType === 'scalar') return [{ metric: {}, value: parseSampleValue(data.result[1]) }];
  // Loki's ruler: "rule result is not a vector or scalar" (pkg/ruler/compat.go).
  throw new Error(`rule result is not a vector or scalar (got ${data.resultType})`);
}

function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function snapshot(alert: Alert): Alert {
  return { ...alert, labels: { ...alert.labels }, annotations: { ...alert.annotations } };
}

/** One alerting rule's state between evaluations. */
export class AlertingRuleState {
  readonly rule: LoadedRule;
  readonly active = new Map<string, Alert>();
  readonly externalLabels: Record<string, string>;
  readonly externalURL: string;

  constructor(rule: LoadedRule, externalLabels: Record<string, string> = {}, externalURL = '') {
    this.rule = rule;
    this.externalLabels = externalLabels;
    this.externalURL = externalURL;
  }

  /** Applies one evaluation's samples at time `ts` (Prometheus AlertingRule.Eval). */
  apply(samples: RuleSample[], ts: Date, limit: number): void {
    const rule = this.rule;
    const now = ts.getTime();
    const current = new Map<string, Alert>();
    for (const sample of samples) {
      const seriesLabels = { ...sample.metric };
      delete seriesLabels.__name__;
      const data: AlertTemplateData = {
        labels: sample.metric,
        externalLabels: this.externalLabels,
        externalURL: this.externalURL,
        value: sample.value,
      };
      const labels: Record<string, string> = { ...seriesLabels };
      for (const [name, template] of Object.entries(rule.labelTemplates))
        labels[name] = expandAlertTemplate(template, data, rule.name);
      labels.alertname = rule.name;
      // A label with an empty value is no label in Prometheus (labels.Builder.Set deletes it).
      for (const name of Object.keys(labels)) if (labels[name] === '') delete labels[name];
      const annotations: Record<string, string> = {};
      for (const [name, template] of Object.entries(rule.annotationTemplates)) {
        annotations[name] = expandAlertTemplate(template, data, rule.name);
      }
      const key = labelKey(labels);
      if (current.has(key))
        throw new Error('vector contains metrics with the same labelset after applying alert labels');
      current.set(key, {
        alertname: rule.name,
        labels,
        annotations,
        state: 'pending',
        activeAt: ts,
        value: sample.value,
      });
    }
    for (const [key, alert] of current) {
      const known = this.active.get(key);
      if (known && known.state !== 'inactive') {
        known.value = alert.value;
        known.annotations = alert.annotations;
        continue;
      }
      this.active.set(key, alert);
    }
    let activeCount = 0;
    for (const [key, alert] of this.active) {
      if (!current.has(key)) {
        let keepFiring = false;
        if (alert.state === 'firing' && rule.keepFiringForMs > 0) {
          alert.keepFiringSince ??= ts;
          if (now - alert.keepFiringSince.getTime() < rule.keepFiringForMs) keepFiring = true;
        }
        if (
          alert.state === 'pending' ||
          (alert.resolvedAt && now - alert.resolvedAt.getTime() > resolvedRetentionMs)
        ) {
          this.active.delete(key);
        }
        if (alert.state !== 'inactive' && !keepFiring) {
          alert.state = 'inactive';
          alert.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        delete alert.keepFiringSince;
      }
      activeCount++;
      if (alert.state === 'pending' && now - alert.activeAt.getTime() >= rule.forMs) {
        alert.state = 'firing';
        alert.firedAt = ts;
      }
    }
    if (limit > 0 && activeCount > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${activeCount} alerts`);
    }
  }

  alerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive').map(snapshot);
  }
}

interface GroupState {
  group: LoadedRuleGroup;
  intervalMs: number;
  nextMs: number;
  alerting: Map<LoadedRule, AlertingRuleState>;
}

export function createRuler(groups: LoadedRuleGroup[], options: RulerOptions): Ruler {
  const defaultIntervalMs = options.defaultIntervalMs ?? 60_000;
  const states: GroupState[] = groups.map((group) => ({
    group,
    intervalMs: group.intervalMs ?? defaultIntervalMs,
    nextMs: options.start.getTime(),
    alerting: new Map(
      group.rules
        .filter((r) => r.kind === 'alert')
        .map((r) => [r, new AlertingRuleState(r, options.externalLabels, options.externalURL)]),
    ),
  }));

  const evaluateGroup = (state: GroupState, ts: Date) => {
    // query_offset: rules see the data as of ts - offset; alert times stay ts (Prometheus).
    const queryTime = state.group.queryOffsetMs ? new Date(ts.getTime() - state.group.queryOffsetMs) : ts;
    let batch: RulerQueryData[] | undefined;
    if (options.queryBatch && state.group.rules.length > 1) {
      try {
        batch = options.queryBatch(
          state.group.rules.map((r) => r.expr),
          queryTime,
        );
      } catch {
        batch = undefined; // evaluate rule by rule so the error lands on the rule that caused it
      }
    }
    for (const [index, rule] of state.group.rules.entries()) {
      let samples: RuleSample[] = [];
      let error: string | undefined;
      const alerting = state.alerting.get(rule);
      try {
        samples = toSamples(batch ? batch[index]! : options.query(rule.expr, queryTime));
        if (alerting) {
          alerting.apply(samples, ts, state.group.limit);
        } else if (state.group.limit > 0 && samples.length > state.group.limit) {
          throw new Error(`exceeded limit ${state.group.limit} with ${samples.length} series`);
        }
      } catch (e) {
        error = (e as Error).message;
      }
      options.onEvaluation?.({
        time: ts,
        group: state.group,
        rule,
        samples,
        alerts: alerting ? alerting.alerts() : [],
        ...(error !== undefined ? { error } : {}),
      });
    }
  };

  const activeAlerts = () => states.flatMap((s) => [...s.alerting.values()].flatMap((a) => a.alerts()));

  return {
    advanceTo(time) {
      const until = time.getTime();
      for (const state of states) {
        while (state.nextMs <= until) {
          evaluateGroup(state, new Date(state.nextMs));
          state.nextMs += state.intervalMs;
        }
      }
    },
    skipTo(time) {
      for (const state of states) {
        const gap = time.getTime() - state.nextMs;
        if (gap > 0) state.nextMs += Math.ceil(gap / state.intervalMs) * state.intervalMs;
      }
    },
    activeAlerts,
    firingAlerts(alertname) {
      return activeAlerts().filter(
        (a) => a.state === 'firing' && (alertname === undefined || a.alertname === alertname),
      );
    },
  };
}
