import { describe, expect, it } from 'vitest';
import { literalMatcher } from '../src/literal-search.ts';

describe('literalMatcher', () => {
  it('answers like String#includes before and after it picks its anchor', () => {
    // A small alphabet with one frequent char (like quotes in JSON) and rarer ones makes partial
    // matches, overlapping occurrences and matches at both ends frequent.
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const text = (len: number): string => Array.from({ length: len }, () => '""""aab:'[rand(8)]).join('');
    for (let p = 0; p < 400; p++) {
      const pattern = text(1 + rand(6));
      const matches = literalMatcher(pattern);
      for (let l = 0; l < 100; l++) {
        const line = text(rand(40));
        expect(matches(line), `${JSON.stringify(pattern)} in ${JSON.stringify(line)}`).toBe(
          line.includes(pattern),
        );
      }
    }
  });

  it('anchors on a rare char after sampling (quotes are everywhere in JSON lines)', () => {
    const matches = literalMatcher('"secrets"');
    const lines = Array.from(
      { length: 40 },
      (_, i) => `{"kind":"Event","verb":"get","objectRef":{"resource":"${i % 2 ? 'secrets' : 'pods'}"}}`,
    );
    expect(lines.map(matches)).toEqual(lines.map((l) => l.includes('"secrets"')));
    expect(matches('"secrets')).toBe(false);
    expect(matches('x"secrets"')).toBe(true);
    expect(matches('"secrets"')).toBe(true);
    expect(matches('secrets"')).toBe(false);
  });
});
