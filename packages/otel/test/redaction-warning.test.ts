// Without a pseudonymKey, `hash` actions use a random per-process key: pseudonyms then differ
// across restarts and replicas, so the processor says so once through the OTel diag logger.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactionProcessor, createRedactor } from '../src/redaction/index.ts';

function capture(): { warnings: string[]; logger: DiagLogger } {
  const warnings: string[] = [];
  const ignore = () => {};
  return {
    warnings,
    logger: {
      warn: (m: string) => warnings.push(m),
      error: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
  };
}

afterEach(() => diag.disable());

describe('pseudonym key', () => {
  it('warns once when no key is configured, and pseudonyms are still stable within the process', () => {
    const { warnings, logger } = capture();
    diag.setLogger(logger, DiagLogLevel.WARN);
    createRedactionProcessor({ budgetMs: 60_000 });
    createRedactionProcessor({ budgetMs: 60_000 });
    expect(warnings.filter((w) => w.includes('no pseudonymKey'))).toHaveLength(1);
    const a = createRedactor({ budgetMs: 60_000 }).redactString('alice.fake@example.com');
    const b = createRedactor({ budgetMs: 60_000 }).redactString('alice.fake@example.com');
    expect(a).toMatch(/^\[PSEUDO:email:[0-9a-f]{12}\]$/);
    expect(b).toBe(a); // one random key per process
  });
});
