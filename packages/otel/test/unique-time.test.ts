// Loki drops an entry whose stream, nanosecond timestamp and line equal an earlier one's; identical
// automatic events in the same millisecond (a botnet's 401s) must not collapse into one.
import { describe, expect, it } from 'vitest';
import { uniqueTimestamp } from '../src/events/unique-time.ts';

describe('uniqueTimestamp', () => {
  it('keeps the millisecond and breaks ties by one nanosecond', () => {
    const ms = 1_790_000_000_123;
    const first = uniqueTimestamp(ms + 10_000);
    const second = uniqueTimestamp(ms + 10_000);
    const third = uniqueTimestamp(ms + 10_000);
    expect(first).toEqual([1_790_000_010, 123_000_000]);
    expect(second).toEqual([1_790_000_010, 123_000_001]);
    expect(third).toEqual([1_790_000_010, 123_000_002]);
  });

  it('never goes backwards when the clock does', () => {
    const later = uniqueTimestamp(1_800_000_000_000);
    const earlier = uniqueTimestamp(1_799_999_999_000);
    const ns = ([seconds, nanos]: [number, number]) => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
    expect(ns(earlier)).toBe(ns(later) + 1n);
  });
});
