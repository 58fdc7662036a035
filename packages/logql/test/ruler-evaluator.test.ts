// The alert state machine over the real embedded engine: streams in memory, rules from YAML,
// the ruler stepped through time as Loki's ruler would evaluate them.
import { describe, expect, it } from 'vitest';
import { AlertingRuleState, createStreamsRuler, loadRuleGroups, type RuleEvaluation } from '../src/index.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const ns = (seconds: number) => BigInt(t0 + seconds * 1000) * 1_000_000n;

function failures(user: string, seconds: number[]) {
  return seconds.map((s) => ({ time: ns(s), line: `level=warn msg="login failed" user=${user}` }));
}

function rulesWith(extra: string) {
  return loadRuleGroups(
    `groups:
  - name: auth
    interval: 1m
    rules:
      - alert: LoginFailures
        expr: sum by (user) (count_over_time({job="auth"} |= "login failed" | logfmt [2m])) >= 3
${extra}
        labels:
          severity: warning
          team: '{{ if eq $labels.user "root" }}platform{{ else }}app{{ end }}'
        annotations:
          summary: '{{ $labels.user }} failed {{ $value }} logins'
`,
    'auth.yaml',
  );
}

describe('ruler state machine over the engine', () => {
  it('goes pending, then firing once active for `for`, then resolves', () => {
    const streams = [{ labels: { job: 'auth' }, entries: failures('alice', [10, 20, 30]) }];
    const ruler = createStreamsRuler(rulesWith('        for: 2m'), streams, { start: at(0) });
    ruler.advanceTo(at(0));
    expect(ruler.activeAlerts()).toEqual([]); // the failures are after t=0
    ruler.advanceTo(at(60));
    const [pending] = ruler.activeAlerts();
    expect(pending).toMatchObject({ state: 'pending', activeAt: at(60), value: 3 });
    expect(pending!.labels).toEqual({
      alertname: 'LoginFailures',
      user: 'alice',
      severity: 'warning',
      team: 'app',
    });
    expect(pending!.annotations).toEqual({ summary: 'alice failed 3 logins' });
    ruler.advanceTo(at(120));
    expect(ruler.activeAlerts()[0]!.state).toBe('pending'); // active 1m < for 2m
    ruler.advanceTo(at(150)); // no evaluation between 120 and 180
    expect(ruler.firingAlerts()).toEqual([]);
    // At 180 the window (60s,180s] no longer holds the failures: the pending alert is dropped.
    ruler.advanceTo(at(180));
    expect(ruler.activeAlerts()).toEqual([]);
  });

  it('fires after `for` while the condition holds, and keeps firing for keep_firing_for', () => {
    const streams = [
      { labels: { job: 'auth' }, entries: failures('root', [5, 65, 70, 75, 125, 130, 135, 185, 190]) },
    ];
    const evaluations: RuleEvaluation[] = [];
    const ruler = createStreamsRuler(rulesWith('        for: 1m\n        keep_firing_for: 2m'), streams, {
      start: at(0),
      onEvaluation: (e) => evaluations.push(e),
    });
    ruler.advanceTo(at(120));
    expect(ruler.firingAlerts('LoginFailures')).toEqual([]);
    expect(ruler.activeAlerts()[0]).toMatchObject({ state: 'pending', activeAt: at(120) });
    ruler.advanceTo(at(180));
    const [firing] = ruler.firingAlerts('LoginFailures');
    expect(firing).toMatchObject({
      state: 'firing',
      activeAt: at(120),
      firedAt: at(180),
      labels: { team: 'platform', user: 'root' },
    });
    // At 300 the window (180,300] holds only 2 failures: the condition is gone, keep_firing_for holds it.
    ruler.advanceTo(at(300));
    expect(ruler.firingAlerts()[0]).toMatchObject({ keepFiringSince: at(300), value: 5 }); // the last value seen, at 240
    ruler.advanceTo(at(360));
    expect(ruler.firingAlerts()).toHaveLength(1); // 1m < keep_firing_for 2m
    ruler.advanceTo(at(420));
    expect(ruler.firingAlerts()).toEqual([]); // 2m reached: resolved
    expect(evaluations.map((e) => e.time.getTime())).toEqual(
      [0, 60, 120, 180, 240, 300, 360, 420].map((s) => t0 + s * 1000),
    );
    expect(evaluations.every((e) => e.error === undefined)).toBe(true);
  });

  it('queries at evaluation time minus query_offset and stamps alerts with the evaluation time', () => {
    const [group] = rulesWith('');
    const streams = [{ labels: { job: 'auth' }, entries: failures('alice', [200, 201, 202]) }];
    const late = createStreamsRuler([{ ...group!, queryOffsetMs: 120_000 }], streams, { start: at(240) });
    late.advanceTo(at(240));
    expect(late.activeAlerts()).toEqual([]); // it looks at (0s, 120s]
    late.advanceTo(at(360));
    expect(late.firingAlerts()[0]).toMatchObject({ activeAt: at(360), labels: { user: 'alice' } });
  });

  it('fires at once without `for`, one alert per series', () => {
    const streams = [
      {
        labels: { job: 'auth' },
        entries: [...failures('alice', [1, 2, 3]), ...failures('bob', [4, 5, 6])].sort((a, b) =>
          Number(a.time - b.time),
        ),
      },
    ];
    const ruler = createStreamsRuler(rulesWith(''), streams, { start: at(60) });
    ruler.advanceTo(at(60));
    expect(
      ruler
        .firingAlerts()
        .map((a) => a.labels.user)
        .sort(),
    ).toEqual(['alice', 'bob']);
  });

  it('reports a failing evaluation on its rule and leaves the alerts as they were', () => {
    const groups = loadRuleGroups(
      `groups:
  - name: g
    rules:
      - alert: LogQuery
        expr: '{job="auth"}'
      - alert: Limited
        expr: sum by (user) (count_over_time({job="auth"} | logfmt [5m]))
`,
      'g.yaml',
    );
    groups[0]!.limit = 1;
    const streams = [
      { labels: { job: 'auth' }, entries: [...failures('alice', [1]), ...failures('bob', [2])] },
    ];
    const errors: string[] = [];
    const ruler = createStreamsRuler(groups, streams, {
      start: at(60),
      onEvaluation: (e) => e.error && errors.push(`${e.rule.name}: ${e.error}`),
    });
    ruler.advanceTo(at(60));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^LogQuery: /);
    expect(errors[1]).toBe('Limited: exceeded limit of 1 with 2 alerts');
    expect(ruler.activeAlerts()).toEqual([]);
  });
});

describe('AlertingRuleState on its own', () => {
  const [group] = rulesWith('        for: 0s');
  const rule = group!.rules[0]!;

  it('keeps activeAt across evaluations and updates value and annotations', () => {
    const state = new AlertingRuleState(rule, { cluster: 'prod' });
    state.apply([{ metric: { user: 'alice' }, value: 3 }], at(0), 0);
    state.apply([{ metric: { user: 'alice' }, value: 7 }], at(60), 0);
    const [alert] = state.alerts();
    expect(alert).toMatchObject({
      state: 'firing',
      activeAt: at(0),
      firedAt: at(0),
      value: 7,
      annotations: { summary: 'alice failed 7 logins' },
    });
  });

  it('drops empty label values as Prometheus labels.Builder does, and rejects duplicate label sets', () => {
    const state = new AlertingRuleState(rule);
    state.apply([{ metric: { user: 'alice', namespace: '' }, value: 3 }], at(0), 0);
    expect(Object.keys(state.alerts()[0]!.labels).sort()).toEqual(['alertname', 'severity', 'team', 'user']);
    expect(() =>
      state.apply(
        [
          { metric: { user: 'alice', __name__: 'x' }, value: 1 },
          { metric: { user: 'alice' }, value: 2 },
        ],
        at(60),
        0,
      ),
    ).toThrow('vector contains metrics with the same labelset after applying alert labels');
  });
});
