// The replay helpers decide what Loki is asked, so they are checked without Loki too (these run on
// machines without Go, where the real-Loki suites skip).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConformanceFormatError,
  loadConformanceFile,
  normalizeResult,
  parseRfc3339Ns,
  parseStepSeconds,
  shiftToNow,
  type ConformanceFile,
} from './conformance.ts';
import { durationMs, pushStreamsFor, type FiringCase } from './packs.ts';

const HOUR = 3_600_000_000_000n;

describe('conformance replay helpers', () => {
  it('parses RFC3339 to Unix ns without losing sub-millisecond digits', () => {
    expect(parseRfc3339Ns('2026-11-23T10:00:00Z')).toBe(1795428000000000000n);
    expect(parseRfc3339Ns('2026-11-23T10:00:00.123456789Z')).toBe(1795428000123456789n);
    expect(parseRfc3339Ns('2026-11-23T11:00:00+01:00')).toBe(1795428000000000000n);
    expect(parseRfc3339Ns('yesterday')).toBeUndefined();
  });

  it('reads steps as Prometheus durations or seconds', () => {
    expect(parseStepSeconds('1m30s')).toBe(90);
    expect(parseStepSeconds('250ms')).toBe(0.25);
    expect(parseStepSeconds(15)).toBe(15);
    expect(parseStepSeconds('soon')).toBeUndefined();
  });

  it('shifts by whole hours so the latest instant lands just before now, also for future data', () => {
    const at = (ns: bigint): ConformanceFile => ({
      file: 'x.yaml',
      streams: [{ labels: { job: 'a' }, entries: [{ ns, line: 'l' }] }],
      cases: [],
    });
    const now = 1795428000000000000n; // 10:00:00
    const past = shiftToNow(at(now - 5n * HOUR - 1n), now);
    expect(past % HOUR).toBe(0n);
    expect(now - 5n * HOUR - 1n + past).toBeLessThanOrEqual(now);
    const future = shiftToNow(at(now + 30n * 60_000_000_000n), now);
    expect(future).toBe(-HOUR);
  });

  it('sorts series by labels and shifts every timestamp, keeping value order', () => {
    const shifted = normalizeResult(
      {
        resultType: 'streams',
        result: [
          {
            stream: { job: 'b' },
            values: [
              ['2000', 'late'],
              ['1000', 'early'],
            ],
          },
          { stream: { job: 'a' }, values: [['1500', 'x']] },
        ],
      },
      -1000n,
    );
    expect(shifted.result).toEqual([
      { stream: { job: 'a' }, values: [['500', 'x']] },
      {
        stream: { job: 'b' },
        values: [
          ['1000', 'late'],
          ['0', 'early'],
        ],
      },
    ]);
    const vector = normalizeResult(
      { resultType: 'vector', result: [{ metric: {}, value: [1795428060, '3'] }] },
      -HOUR,
    );
    expect(vector.result).toEqual([{ metric: {}, value: [1795428060 - 3600, '3'] }]);
  });

  it('names file:line for a case without a query time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logward-conformance-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(
        file,
        [
          'streams:',
          '  - labels: { job: a }',
          '    entries: [{ time: "2026-11-23T10:00:00Z", line: x }]',
          'cases:',
          '  - name: no time',
          '    query: count_over_time({job="a"}[1m])',
          '    expected: { resultType: vector, result: [] }',
        ].join('\n'),
      );
      expect(() => loadConformanceFile(file)).toThrow(ConformanceFormatError);
      expect(() => loadConformanceFile(file)).toThrow(`${file}:5: case 'no time' has neither time nor range`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pack fixture placement', () => {
  it('reads Prometheus durations', () => {
    expect(durationMs('1m5s', 'x')).toBe(65_000);
    expect(durationMs('0s', 'x')).toBe(0);
    expect(() => durationMs('5 minutes', 'tests/a.test.yaml: t')).toThrow(
      "tests/a.test.yaml: t: '5 minutes'",
    );
  });

  it('maps eval_time to the given instant, merges equal label sets in time order, drops later entries', () => {
    const c: FiringCase = {
      pack: 'p',
      where: 'w',
      testName: 't',
      alertname: 'A',
      evalMs: 300_000,
      expected: [],
      streams: [
        { labels: { job: 'x' }, entries: [{ offsetMs: 200_000, line: 'b', metadata: { k: 'v' } }] },
        {
          labels: { job: 'x' },
          entries: [
            { offsetMs: 100_000, line: 'a', metadata: {} },
            { offsetMs: 400_000, line: 'after eval_time', metadata: {} },
          ],
        },
      ],
    };
    const evalAt = 1_795_428_000_000;
    expect(pushStreamsFor(c, evalAt)).toEqual([
      {
        labels: { job: 'x' },
        entries: [
          { ns: String(BigInt(evalAt - 200_000) * 1_000_000n), line: 'a', metadata: {} },
          { ns: String(BigInt(evalAt - 100_000) * 1_000_000n), line: 'b', metadata: { k: 'v' } },
        ],
      },
    ]);
  });
});
