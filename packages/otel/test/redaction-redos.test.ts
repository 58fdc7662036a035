// Every default pattern goes through recheck (a ReDoS analyzer: automaton-based proof where the
// pattern allows it, seeded fuzzing otherwise) and must come back "safe". The first case shows the
// analyzer does flag a classic catastrophic pattern, so a pass here is not vacuous.
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { defaultRedactionRules } from '../src/redaction/index.ts';

// Fixed seed: the fuzz checker is deterministic run to run.
const params = { randomSeed: 20261123, timeout: 60_000 } as const;

describe('ReDoS analysis of the default rules (recheck)', () => {
  it('the analyzer reports a known catastrophic pattern as vulnerable', () => {
    const result = checkSync('^(a+)+$', '', params);
    expect(result.status).toBe('vulnerable');
  });

  for (const rule of defaultRedactionRules) {
    it(`${rule.id} is free of catastrophic backtracking`, () => {
      // Analyzed with the flags the engine compiles it with (global search, plus the rule's own).
      const result = checkSync(rule.pattern, `g${rule.flags ?? ''}`, params);
      const detail =
        result.status === 'vulnerable'
          ? `${result.complexity.summary}; attack ${result.attack.pattern}`
          : result.status === 'unknown'
            ? String(result.error.kind)
            : '';
      expect(result.status, `${rule.id}: ${detail}`).toBe('safe');
    }, 120_000);
  }
});
