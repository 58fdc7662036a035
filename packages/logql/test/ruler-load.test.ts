import { describe, expect, it } from 'vitest';
import {
  applySelectorOverrides,
  formatPromDuration,
  loadRuleGroups,
  parsePromDuration,
  parseRuleFile,
  RuleFileError,
  serializeRuleGroup,
} from '../src/index.ts';
import { parse } from 'yaml';

const rules = `groups:
  - name: audit
    interval: 30s
    limit: 10
    rules:
      - alert: ExecIntoPod
        expr: sum by (user) (count_over_time({job="k3s-audit"} |= "exec" | json user="user" [5m])) > 0
        for: 1m
        keep_firing_for: 2m
        labels:
          severity: warning
          pack: k3s
        annotations:
          summary: '{{ $labels.user }} exec'
      - record: audit:exec:count5m
        expr: sum(count_over_time({job="k3s-audit"} |= "exec" [5m]))
`;

describe('rule files', () => {
  it('loads groups, rules, durations and positions', () => {
    const [group] = loadRuleGroups(rules, 'rules.yaml');
    expect(group).toMatchObject({
      name: 'audit',
      intervalMs: 30_000,
      limit: 10,
      position: { file: 'rules.yaml', line: 2, column: 11 },
    });
    const [alert, record] = group!.rules;
    expect(alert).toMatchObject({
      kind: 'alert',
      name: 'ExecIntoPod',
      forMs: 60_000,
      keepFiringForMs: 120_000,
      labels: { severity: 'warning', pack: 'k3s' },
    });
    expect(alert!.exprPosition).toEqual({ file: 'rules.yaml', line: 7, column: 15 });
    expect(alert!.labelPositions.severity).toEqual({ file: 'rules.yaml', line: 11, column: 21 });
    expect(record).toMatchObject({ kind: 'record', name: 'audit:exec:count5m', forMs: 0 });
  });

  it('lists every problem with file:line:col and throws RuleFileError from loadRuleGroups', () => {
    const bad = `groups:
  - name: g
    rules:
      - alert: A
        record: a:b
        expr: vector(1)
      - alert: B
        expr: vector(1)
        for: soon
      - alert: C
        expr: vector(1)
        labels: { "bad-name": x }
        annotations: { summary: "{{ nosuch }}" }
  - name: g
    rules: []
`;
    const { problems } = parseRuleFile(bad, 'bad.yaml');
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '4:9 one of "record" or "alert" must be set (and not both)',
      '9:14 groups[0].rules[1].for: not a valid duration (expected e.g. 30s, 5m, 1h30m)',
      '12:19 invalid label name: bad-name',
      '13:33 template in annotations.summary of "C": function "nosuch" not defined',
      '14:11 groupname: "g" is repeated in the same file (first at line 2)',
    ]);
    expect(() => loadRuleGroups(bad, 'bad.yaml')).toThrow(RuleFileError);
    expect(() => loadRuleGroups(bad, 'bad.yaml')).toThrow(/^bad\.yaml:4:9: one of "record"/);
  });

  it('accepts Prometheus 3 group labels and query_offset, as Loki 3 does', () => {
    const [group] = loadRuleGroups(
      `groups:
  - name: g
    query_offset: 1m
    labels: { team: platform, severity: info }
    rules:
      - alert: A
        expr: vector(1)
        labels: { severity: critical }
`,
      'g.yaml',
    );
    expect(group!.queryOffsetMs).toBe(60_000);
    expect(
      loadRuleGroups(
        'groups:\n  - name: z\n    rules:\n      - alert: Z\n        expr: vector(1)\n        for: 0\n',
        'z.yaml',
      )[0]!.rules[0]!.forMs,
    ).toBe(0);
    expect(group!.rules[0]!.labels).toEqual({ team: 'platform', severity: 'critical' });
  });

  it('reports broken YAML at its line', () => {
    const { problems } = parseRuleFile('groups:\n  - name: x\n   rules: []\n', 'broken.yaml');
    expect(problems[0]).toMatchObject({ file: 'broken.yaml', line: 3, code: 'yaml-syntax' });
    expect(parseRuleFile('', 'empty.yaml')).toMatchObject({ groups: [], problems: [] });
  });

  it('parses and prints Prometheus durations', () => {
    expect(parsePromDuration('1h30m')).toBe(5_400_000);
    expect(parsePromDuration('0')).toBe(0);
    expect(parsePromDuration('1w2d')).toBe(9 * 86_400_000);
    expect(() => parsePromDuration('5 m')).toThrow('not a valid duration string: "5 m"');
    expect(formatPromDuration(5_400_000)).toBe('1h30m');
    expect(formatPromDuration(0)).toBe('0s');
  });

  it('replaces an overridden source selector in every expression, and serializes groups for Loki', () => {
    const groups = loadRuleGroups(rules, 'rules.yaml');
    const sources = [{ id: 'audit', selector: '{job="k3s-audit"}' }];
    const rendered = applySelectorOverrides(groups, sources, { audit: '{cluster="prod", job="audit"}' });
    expect(rendered[0]!.rules.map((r) => r.expr)).toEqual([
      'sum by (user) (count_over_time({cluster="prod", job="audit"} |= "exec" | json user="user" [5m])) > 0',
      'sum(count_over_time({cluster="prod", job="audit"} |= "exec" [5m]))',
    ]);
    expect(groups[0]!.rules[0]!.expr).toContain('{job="k3s-audit"}'); // the input is not changed
    const body = parse(serializeRuleGroup(rendered[0]!)) as {
      name: string;
      interval: string;
      rules: { expr: string; for?: string }[];
    };
    expect(body.name).toBe('audit');
    expect(body.interval).toBe('30s');
    expect(body.rules[0]!.for).toBe('1m');
    expect(body.rules[1]!.expr).toContain('{cluster="prod", job="audit"}');
    expect(() => applySelectorOverrides(groups, sources, { journal: '{job="x"}' })).toThrow(
      'no source "journal" to override (sources: audit)',
    );
  });
});
