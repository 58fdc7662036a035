import { describe, expect, it } from 'vitest';
import {
  evaluateInstantBatch,
  evaluateInstantBatchSettled,
  instantQuery,
  LogQLExecutionError,
  LogQLSyntaxError,
  parseQuery,
  rangeQuery,
  UnsupportedQueryError,
  type InputStream,
} from '../src/index.ts';
import { auditRules, generateAuditStreams } from '../bench/audit-events.ts';

const streams: InputStream[] = [
  {
    labels: { service_name: 'shop' },
    entries: [
      { time: '2026-11-23T10:00:10Z', line: 'level=error msg="login failed"', metadata: { user_id: 'u1' } },
      { time: '2026-11-23T10:00:20.5Z', line: 'level=info msg="login ok"', metadata: { user_id: 'u2' } },
    ],
  },
];

describe('parseQuery', () => {
  it('returns the typed AST', () => {
    const ast = parseQuery(
      'sum by (user_id) (count_over_time({service_name="shop"} | logfmt | level="error" [5m])) > 3',
    );
    expect(ast.kind).toBe('binary');
    if (
      ast.kind !== 'binary' ||
      ast.lhs.kind !== 'vectorAggregation' ||
      ast.lhs.expr.kind !== 'rangeAggregation'
    )
      throw new Error('shape');
    expect(ast.lhs.grouping).toEqual({ without: false, labels: ['user_id'] });
    expect(ast.lhs.expr.selector.matchers).toEqual([{ name: 'service_name', op: '=', value: 'shop' }]);
    expect(ast.lhs.expr.selector.stages.map((s) => s.kind)).toEqual(['logfmt', 'labelFilter']);
    expect(ast.lhs.expr.rangeMs).toBe(300000);
  });

  it('re-associates binary operators by Loki precedence', () => {
    const ast = parseQuery('vector(1) + vector(2) * vector(3) > vector(4) or vector(5)');
    expect(ast.kind === 'binary' && ast.op).toBe('or');
    expect(instantQuery('vector(1) + vector(2) * vector(3)', [], new Date(0))).toEqual({
      resultType: 'vector',
      result: [{ metric: {}, value: [0, '7'] }],
    });
  });

  it('reports syntax errors with line and column', () => {
    let err: unknown;
    try {
      parseQuery('sum(\n  count_over_time({app="x"} |= [5m]))');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogQLSyntaxError);
    expect((err as LogQLSyntaxError).line).toBe(2);
    expect((err as LogQLSyntaxError).column).toBeGreaterThan(1);
    expect((err as Error).message).toMatch(/^parse error at line 2, col \d+: /);
  });

  it('names unsupported constructs', () => {
    const cases: [string, RegExp][] = [
      ['sum(rate_counter({app="x"} | logfmt | unwrap v [1m]))', /rate_counter/],
      ['count_over_time({app="x"} | line_format "{{ now }}" [1m])', /template function now/],
      [
        'count_over_time({app="x"} | line_format "{{ range .x }}{{ end }}" [1m])',
        /template action \{\{range\}\}/,
      ],
      ['count_over_time({app="x"} |~ "(?U)a+" [1m])', /ungreedy/],
      ['count_over_time({app="x"} | addr = ip("::1") [1m])', /IPv6/],
      ['approx_topk(2, sum by (a) (count_over_time({app="x"}[1m])))', /approx_topk/],
      ['count_over_time({app="x"} | json | unwrap v [5m] offset 1m)', /offset after an unwrap/],
      ['count_over_time({app="x"} | logfmt | a="1" b="2" [1m])', /space-separated label filters/],
    ];
    for (const [q, re] of cases) {
      let err: unknown;
      try {
        instantQuery(q, streams, new Date('2026-11-23T10:01:00Z'));
      } catch (e) {
        err = e;
      }
      expect(err, q).toBeInstanceOf(UnsupportedQueryError);
      expect((err as Error).message, q).toMatch(re);
    }
  });
});

describe('time inputs', () => {
  it('accepts Date, bigint ns, decimal ns string and RFC3339 alike', () => {
    const q = 'sum by (user_id) (count_over_time({service_name="shop"}[1m]))';
    const date = instantQuery(q, streams, new Date('2026-11-23T10:01:00Z'));
    expect(instantQuery(q, streams, 1795428060000000000n)).toEqual(date);
    expect(instantQuery(q, streams, '1795428060000000000')).toEqual(date);
    expect(instantQuery(q, streams, '2026-11-23T10:01:00Z')).toEqual(date);
    const asBigint = streams.map((s) => ({
      ...s,
      entries: s.entries.map((e) => ({ ...e, time: BigInt(Date.parse(String(e.time))) * 1000000n })),
    }));
    expect(instantQuery(q, asBigint, new Date('2026-11-23T10:01:00Z'))).toEqual(date);
  });

  it('sees entries appended to the same streams array between calls', () => {
    const live: InputStream[] = [
      { labels: { app: 'live' }, entries: [{ time: '2026-11-23T10:00:10Z', line: 'a' }] },
    ];
    const q = 'sum(count_over_time({app="live"}[1m]))';
    expect(instantQuery(q, live, '2026-11-23T10:00:30Z').result).toEqual([
      { metric: {}, value: [1795428030, '1'] },
    ]);
    live[0]!.entries.push({ time: '2026-11-23T10:00:20Z', line: 'b' });
    expect(instantQuery(q, live, '2026-11-23T10:00:30Z').result).toEqual([
      { metric: {}, value: [1795428030, '2'] },
    ]);
  });

  it('keeps nanosecond precision in log results', () => {
    const r = rangeQuery('{service_name="shop"} |= "ok"', streams, {
      start: '2026-11-23T10:00:00Z',
      end: '2026-11-23T10:01:00Z',
    });
    expect(r).toEqual({
      resultType: 'streams',
      result: [
        {
          stream: { service_name: 'shop', user_id: 'u2' },
          values: [['1795428020500000000', 'level=info msg="login ok"']],
        },
      ],
    });
  });
});

describe('errors', () => {
  it('fails a metric query on unfiltered parse errors like Loki', () => {
    const bad: InputStream[] = [
      { labels: { app: 'x' }, entries: [{ time: '2026-11-23T10:00:10Z', line: 'not json' }] },
    ];
    expect(() => instantQuery('count_over_time({app="x"} | json [1m])', bad, '2026-11-23T10:00:30Z')).toThrow(
      LogQLExecutionError,
    );
    // `sum by (level)`: Loki's parser hints still run the parser for the grouped label.
    expect(() =>
      instantQuery('sum by (level) (count_over_time({app="x"} | json [1m]))', bad, '2026-11-23T10:00:30Z'),
    ).toThrow(
      /^pipeline error: 'JSONParserErr' for series: '\{__error__="JSONParserErr", __error_details__=".+", app="x"\}'/,
    );
  });

  it('does not run parsers when no label is read, like Loki', () => {
    const bad: InputStream[] = [
      { labels: { app: 'x' }, entries: [{ time: '2026-11-23T10:00:10Z', line: 'not json' }] },
    ];
    expect(instantQuery('sum(count_over_time({app="x"} | json [1m]))', bad, '2026-11-23T10:00:30Z')).toEqual({
      resultType: 'vector',
      result: [{ metric: {}, value: [1795428030, '1'] }],
    });
  });

  it('isolates failing queries in a settled batch', () => {
    const res = evaluateInstantBatchSettled(
      [
        'sum(count_over_time({service_name="shop"}[1m]))',
        'count_over_time({service_name="shop"} | json [1m])',
        'sum(',
        'vector(1)',
      ],
      streams,
      '2026-11-23T10:01:00Z',
    );
    expect(res.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(res[0]).toEqual({
      status: 'fulfilled',
      value: { resultType: 'vector', result: [{ metric: {}, value: [1795428060, '2'] }] },
    });
    expect(res[1]!.status === 'rejected' && res[1]!.reason.message).toMatch(/^pipeline error/);
    expect(res[2]!.status === 'rejected' && res[2]!.reason).toBeInstanceOf(LogQLSyntaxError);
  });
});

// Heavier comparisons: generous timeout, the suite shares a loaded machine (no timing assertion).
describe('batched evaluation', { timeout: 120_000 }, () => {
  const gen = generateAuditStreams(3000, Date.parse('2026-11-23T10:05:00Z'), 8 * 60 * 1000, 7);
  const rules = [
    ...auditRules(),
    // Mixed windows and pipelines so shared prefixes see different entry ranges.
    'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__="" [1m]))',
    'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__="" [2m] offset 3m))',
    'count_over_time({job="k3s-audit"} | json | __error__="" | verb="delete" | keep verb, host [5m])',
    'max_over_time({job="k3s-audit"} | json | __error__="" | unwrap responseStatus_code [5m]) by (verb)',
    'sum by (who) (count_over_time({job="k3s-audit"} | json | __error__="" | label_format who=user_username [5m]))',
    'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__="" | line_format "{{.verb}}" |= "get" [5m]))',
  ];

  it('gives the same answers as evaluating each rule alone', () => {
    const at = gen.endNs;
    const batch = evaluateInstantBatch(rules, gen.streams, at);
    const alone = rules.map((r) => instantQuery(r, gen.streams, at));
    expect(batch).toEqual(alone);
    // The data set must exercise the rules: most of them produce series.
    expect(alone.filter((r) => r.resultType === 'vector' && r.result.length > 0).length).toBeGreaterThan(
      rules.length / 2,
    );
  });

  it('agrees with per-rule evaluation on lines that fail to parse (exact hint semantics)', () => {
    const broken = generateAuditStreams(600, Date.parse('2026-11-23T10:05:00Z'), 4 * 60 * 1000, 11);
    // Malformed JSON (truncated, plain text) in the middle of real events.
    const s0 = broken.streams[0]!;
    s0.entries.splice(5, 0, { time: s0.entries[5]!.time, line: s0.entries[7]!.line.slice(0, 200) });
    s0.entries.splice(50, 0, { time: s0.entries[50]!.time, line: 'kube-apiserver: audit buffer overflow' });
    const more = [
      ...rules,
      'sum by (verb) (count_over_time({job="k3s-audit"} | json [5m]))',
      'sum(count_over_time({job="k3s-audit"} | json [5m]))',
      'sum(count_over_time({job="k3s-audit"} | json | __error__!="" [5m]))',
      'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__!="" [5m]))',
      'count_over_time({job="k3s-audit"} | json | __error__!="" [5m])',
    ];
    const settle = (r: string): unknown => {
      try {
        return { ok: instantQuery(r, broken.streams, broken.endNs) };
      } catch (e) {
        return { err: (e as Error).message };
      }
    };
    const batch = evaluateInstantBatchSettled(more, broken.streams, broken.endNs).map((r) =>
      r.status === 'fulfilled' ? { ok: r.value } : { err: r.reason.message },
    );
    expect(batch).toEqual(more.map(settle));
    expect(batch.filter((r) => 'err' in (r as object)).length).toBeGreaterThan(0);
  });

  it('range queries agree with instant queries at each step', () => {
    const start = gen.endNs - 120_000_000_000n;
    for (const q of rules.slice(-6)) {
      const m = rangeQuery(q, gen.streams, { start, end: gen.endNs, step: '30s' });
      if (m.resultType !== 'matrix') throw new Error('expected a matrix');
      for (let t = start; t <= gen.endNs; t += 30_000_000_000n) {
        const v = instantQuery(q, gen.streams, t);
        if (v.resultType !== 'vector') throw new Error('expected a vector');
        const fromMatrix = m.result
          .map((s) => ({
            metric: s.metric,
            point: s.values.find(([ts]) => ts === Number(t / 1000000n) / 1000),
          }))
          .filter((s) => s.point)
          .map((s) => ({ metric: s.metric, value: s.point! }));
        expect(fromMatrix, `${q} at ${t}`).toEqual(v.result);
      }
    }
  });
});

describe('json parser across the lines of one stream', () => {
  // The parser predicts each member key from the previous line of the stream (json-flatten.ts);
  // a stream whose lines change key order, nesting, escapes and collisions must give every line
  // the labels it gets when parsed alone (a fresh stream, nothing predicted).
  const lines = [
    '{"a":"1","b":{"c":"2","d":"3"},"e":"4"}',
    '{"b":{"d":"5","c":"6"},"a":"7"}',
    '{"ab":"1","a":"2"}',
    '{"a":"x","a":"y","b":{"c":"z","c":"w"}}',
    '{"a\\"b":"q","a":"r"}',
    '{"a\\"b":"s","a\\\\":"t","a\\"bc":"u"}',
    '{"a":1,"b":{"c":{"x":true}},"job":"k","b_c_x":"dup"}',
    '{"b":null,"a":[1,{"c":2}],"c":"z"}',
    '{"a":"1","b":{"c":"2"',
    '{"a":"1","b":{"c":"2"}}',
    '{" a-b ":"v","1x":"w","b":{"1y":"p"," ":"q"}}',
    '{"a":"\\u00e9t\\u00e9","b":{}}',
    '{"a":"1","b":{"c":"2","d":"3"},"e":"4"}',
    // Same length as the predicted key, a longer key starting with it, a shorter one.
    '{"xa":"1","b":{"c":"2"}}',
    '{"xb":"2","b":{"cd":"3"}}',
    '{"xbc":"3","b":{"c":"4"}}',
    '{"x":"4","b":{"e":"5"}}',
  ];
  const at = (i: number) => `2026-11-23T10:00:${String(i + 10).padStart(2, '0')}Z`;
  const stream = (entries: { time: string; line: string; metadata?: Record<string, string> }[]) => [
    { labels: { job: 'j' }, entries },
  ];
  const labelsOf = (input: InputStream[], query: string) => {
    const r = rangeQuery(query, input, {
      start: '2026-11-23T10:00:00Z',
      end: '2026-11-23T10:01:00Z',
      limit: 1000,
      direction: 'forward',
    });
    if (r.resultType !== 'streams') throw new Error('expected streams');
    return r.result
      .flatMap((s) => s.values.map(([ts, line]) => ({ ts, line, labels: s.stream })))
      .sort((x, y) => (x.ts < y.ts ? -1 : 1));
  };

  for (const query of ['{job="j"} | json', '{job="j"} | json | __error__="" | b_c="2"']) {
    it(`gives each line its own labels: ${query}`, () => {
      const together = labelsOf(stream(lines.map((line, i) => ({ time: at(i), line }))), query);
      const alone = lines.flatMap((line, i) => labelsOf(stream([{ time: at(i), line }]), query));
      expect(together).toEqual(alone);
      expect(together.length).toBeGreaterThan(1);
    });
  }

  it('with structured metadata on some lines (names then collide with metadata)', () => {
    const entries = lines.map((line, i) => ({
      time: at(i),
      line,
      ...(i % 3 === 1 ? { metadata: { a: 'meta', b_c: 'meta' } } : {}),
    }));
    const together = labelsOf(stream(entries), '{job="j"} | json');
    const alone = entries.flatMap((e) => labelsOf(stream([e]), '{job="j"} | json'));
    expect(together).toEqual(alone);
  });

  it('with parser hints (only the grouped labels are extracted)', () => {
    const query = 'sum by (a, b_c, b_d) (count_over_time({job="j"} | json [5m]))';
    const t = '2026-11-23T10:01:00Z';
    const ok = lines.filter((l) => !l.endsWith('"2"'));
    const together = instantQuery(query, stream(ok.map((line, i) => ({ time: at(i), line }))), t);
    const counts = new Map<string, { metric: Record<string, string>; n: number }>();
    ok.forEach((line, i) => {
      const r = instantQuery(query, stream([{ time: at(i), line }]), t);
      if (r.resultType !== 'vector') throw new Error('expected a vector');
      for (const s of r.result) {
        const k = JSON.stringify(s.metric);
        const c = counts.get(k) ?? { metric: s.metric, n: 0 };
        c.n += Number(s.value[1]);
        counts.set(k, c);
      }
    });
    if (together.resultType !== 'vector') throw new Error('expected a vector');
    const summed = Object.fromEntries([...counts.values()].map((c) => [JSON.stringify(c.metric), c.n]));
    expect(
      Object.fromEntries(together.result.map((s) => [JSON.stringify(s.metric), Number(s.value[1])])),
    ).toEqual(summed);
  });
});

describe('json parameters', () => {
  it('find a member by its decoded key, compared in place', () => {
    const lines = [
      '{"v\\u0065rb":"escaped","verb":"plain"}',
      '{"verX":"x","ver":"y","verbose":"z","verb":"same-length"}',
      '{"user":{"nam\\u0065":"u1"},"verb":"a"}',
      '{"use":{"name":"no"},"users":{"name":"no"},"user":{"name":"u2"},"verb":"b"}',
      '{"a\\\\b":"backslash","verb":"c"}',
    ];
    const input = [
      {
        labels: { job: 'k' },
        entries: lines.map((line, i) => ({ time: `2026-11-23T10:00:0${i}Z`, line })),
      },
    ];
    const q =
      'sum by (v, u, b) (count_over_time({job="k"} | json v="verb", u="user.name", b=`["a\\\\b"]` [1m]))';
    const r = instantQuery(q, input, '2026-11-23T10:00:30Z');
    if (r.resultType !== 'vector') throw new Error('expected a vector');
    // Missing paths give "" (Loki's JSONExpressionParser); the first member with the key wins.
    expect(r.result.map((s) => s.metric)).toEqual([
      { b: '', u: '', v: 'escaped' },
      { b: '', u: '', v: 'same-length' },
      { b: '', u: 'u1', v: 'a' },
      { b: '', u: 'u2', v: 'b' },
      { b: 'backslash', u: '', v: 'c' },
    ]);
  });
});
