import { describe, expect, it } from 'vitest';
import {
  createStageCache,
  evaluateInstantBatchSettled,
  type InputStream,
  type SettledQueryResult,
} from '../src/index.ts';
import { auditRules, generateAuditStreams } from '../bench/audit-events.ts';

// A ruler replay evaluates the same rules over the same streams at successive steps; the cache
// must give exactly what evaluating without it gives, at every step.
const minute = 60_000_000_000n;

function settle(rs: SettledQueryResult[]): unknown[] {
  return rs.map((r) => (r.status === 'fulfilled' ? { ok: r.value } : { err: r.reason.message }));
}

function audit(): { streams: InputStream[]; endNs: bigint } {
  const gen = generateAuditStreams(1500, Date.parse('2026-11-23T10:10:00Z'), 10 * 60 * 1000, 3);
  const s0 = gen.streams[0]!;
  // Lines that fail to parse (exact per-rule path), metadata (names collide), an unpack line.
  s0.entries.splice(40, 0, { time: s0.entries[40]!.time, line: s0.entries[41]!.line.slice(0, 300) });
  s0.entries.splice(400, 0, { time: s0.entries[400]!.time, line: 'audit buffer overflow' });
  for (let i = 0; i < s0.entries.length; i += 7)
    s0.entries[i]!.metadata = { verb: 'meta', user_username: 'm' };
  const unpacked = {
    labels: { job: 'k3s-audit', cluster: 'lab', host: 'packed' },
    entries: s0.entries.slice(0, 300).map((e, i) => ({
      time: e.time,
      line: JSON.stringify({ _entry: i % 3 ? 'needle in a line' : 'plain', verb: i % 2 ? 'get' : 'list' }),
    })),
  };
  return { streams: [...gen.streams, unpacked], endNs: gen.endNs };
}

const rules = [
  ...auditRules(),
  'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__="" [5m]))',
  'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__!="" [5m]))',
  'count_over_time({job="k3s-audit"} | json | __error__!="" [2m])',
  'sum by (user) (count_over_time({job="k3s-audit"} |= "secrets" | json user="user.username" [3m]))',
  'sum by (verb) (count_over_time({job="k3s-audit", host="packed"} | unpack |= "needle" [5m]))',
  'sum by (host) (count_over_time({job="k3s-audit"} |= "delete" | json | line_format "{{.verb}}" |= "del" [5m]))',
  // Writes to the labels a cached parse produced: each step must start from the parse, not from
  // what the previous step made of it.
  'sum by (verb) (count_over_time({job="k3s-audit"} |= "watch" | json | label_format verb="x{{.verb}}" [5m]))',
];

describe('StageCache', () => {
  it('gives the answers of uncached evaluation at every step of a replay, and reuses work', () => {
    const { streams, endNs } = audit();
    const cache = createStageCache();
    for (let t = endNs - 8n * minute; t <= endNs; t += minute) {
      const cached = evaluateInstantBatchSettled(rules, streams, t, { cache });
      const plain = evaluateInstantBatchSettled(rules, streams, t);
      expect(settle(cached), `at ${t}`).toEqual(settle(plain));
    }
    // Each line is filtered and parsed once, not at every step whose window holds it.
    const s = cache.stats;
    expect(s.parseHits).toBeGreaterThan(1.5 * s.parseMisses);
    expect(s.verdictHits).toBeGreaterThan(1.5 * s.verdictMisses);
  });

  it('keeps at most maxParsedLines parsed lines and still answers the same', () => {
    const { streams, endNs } = audit();
    const cache = createStageCache({ maxParsedLines: 100 });
    for (let t = endNs - 4n * minute; t <= endNs; t += minute) {
      const cached = evaluateInstantBatchSettled(rules, streams, t, { cache });
      expect(settle(cached)).toEqual(settle(evaluateInstantBatchSettled(rules, streams, t)));
      expect(cache.stats.parsedLines).toBeLessThanOrEqual(100);
    }
    expect(cache.stats.parseHits).toBeGreaterThan(0);
  });

  it('keys parses by the parser hints (what a parse extracts depends on the rules sharing it)', () => {
    const { streams, endNs } = audit();
    const cache = createStageCache();
    // Alone, each rule's parse extracts only its own grouping label (and results have series).
    for (const rule of [
      'sum by (verb) (count_over_time({job="k3s-audit"} | json | __error__="" [5m]))',
      'sum by (user_username) (count_over_time({job="k3s-audit"} | json | __error__="" [5m]))',
      'sum by (verb, user_username) (count_over_time({job="k3s-audit"} | json | __error__="" [5m]))',
    ]) {
      const plain = evaluateInstantBatchSettled([rule], streams, endNs);
      expect(settle(evaluateInstantBatchSettled([rule], streams, endNs, { cache }))).toEqual(settle(plain));
      expect(
        plain[0]!.status === 'fulfilled' &&
          plain[0]!.value.resultType === 'vector' &&
          plain[0]!.value.result.length,
      ).toBeGreaterThan(3);
    }
    expect(cache.stats.parseHits).toBe(0);
  });

  it('starts over when entries are added to the streams', () => {
    const { streams, endNs } = audit();
    const cache = createStageCache();
    const rule = ['sum by (verb) (count_over_time({job="k3s-audit"} |= "delete" | json [5m]))'];
    evaluateInstantBatchSettled(rule, streams, endNs, { cache });
    // Same count of entries per stream would not be noticed; adding one is (normalizeStreams).
    streams[0]!.entries.unshift({ time: endNs - minute, line: '{"verb":"delete","x":"new"}' });
    expect(settle(evaluateInstantBatchSettled(rule, streams, endNs, { cache }))).toEqual(
      settle(evaluateInstantBatchSettled(rule, streams, endNs)),
    );
  });
});
