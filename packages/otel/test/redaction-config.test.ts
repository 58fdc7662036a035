// Config validation fails at startup with a message naming the field; valid config adds, disables
// and overrides rules by id.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createRedactionProcessor,
  createRedactor,
  defaultRedactionRules,
  parseRedactionConfig,
  RedactionConfigError,
  redactionConfigSchema,
} from '../src/redaction/index.ts';
import { fakeSecrets, testRedactionConfig } from './redaction-fixtures.ts';

function configError(input: unknown): string {
  try {
    parseRedactionConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RedactionConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('config validation', () => {
  it('names the field of an invalid regular expression', () => {
    const message = configError({
      rules: [
        { id: 'a', pattern: 'a' },
        { id: 'b', pattern: 'b' },
        { id: 'c', pattern: 'c' },
        { id: 'internal-token', pattern: 'itk_[a-z+' },
      ],
    });
    expect(message).toContain('redaction.rules[3].pattern: invalid regular expression');
  });

  it('rejects patterns with nested unbounded quantifiers', () => {
    expect(configError({ rules: [{ id: 'bad', pattern: '(a+)+b' }] })).toContain(
      'redaction.rules[0].pattern: nested unbounded quantifier',
    );
    expect(configError({ rules: [{ id: 'bad', pattern: '(?:\\w*\\s?)*$' }] })).toContain('nested unbounded');
    // Bounded or unnested repetition is fine.
    expect(() =>
      parseRedactionConfig({ rules: [{ id: 'ok', pattern: '(?:ab{1,3})+c[a-z]*' }] }),
    ).not.toThrow();
  });

  it('names unknown ids, missing patterns, bad actions, duplicates and unknown fields', () => {
    expect(configError({ disable: ['jwt', 'no-such-rule'] })).toContain(
      'redaction.disable[1]: unknown rule id "no-such-rule"',
    );
    expect(configError({ rules: [{ id: 'new-rule' }] })).toContain(
      'redaction.rules[0].pattern: required for a new rule',
    );
    expect(configError({ rules: [{ id: 'jwt', action: 'shred' }] })).toMatch(
      /redaction\.rules\[0\]\.action: /,
    );
    expect(
      configError({
        rules: [
          { id: 'x', pattern: 'x' },
          { id: 'x', pattern: 'y' },
        ],
      }),
    ).toContain('redaction.rules[1].id: duplicate rule id "x"');
    expect(configError({ budgetMs: -1 })).toMatch(/redaction\.budgetMs: /);
    expect(configError({ pseudonymKey: 'short' })).toContain(
      'redaction.pseudonymKey: must be at least 32 characters',
    );
    expect(configError({ rulez: [] })).toMatch(/redaction: .*rulez/);
    expect(configError({ rules: [{ id: 'Bad Id', pattern: 'x' }] })).toContain(
      'redaction.rules[0].id: rule id must be',
    );
    expect(configError({ rules: [{ id: 'g', pattern: '(a)', secretGroup: 2 }] })).toContain(
      'redaction.rules[0].secretGroup: the pattern has 1 capture group(s), not 2',
    );
  });

  it('fails createRedactionProcessor at startup, not at the first record', () => {
    expect(() => createRedactionProcessor({ rules: [{ id: 'x', pattern: '[' }] })).toThrow(
      /redaction\.rules\[0\]\.pattern: invalid regular expression/,
    );
  });

  it('is a zod schema whose defaults describe the default behaviour', () => {
    const parsed = redactionConfigSchema.parse({});
    expect(parsed).toMatchObject({ rules: [], disable: [], enable: [], budgetMs: 10, maxDepth: 32 });
    expect(parsed.sensitiveKeys).toMatchObject({ enabled: true, action: 'mask' });
  });
});

describe('adding, disabling and overriding rules', () => {
  it('adds a custom rule (Go-style (?i) accepted) ahead of the generic and PII rules', () => {
    const r = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'acme-token', pattern: '(?i)acme_[a-z0-9]{16}', keywords: ['ACME_'], action: 'mask' }],
    });
    expect(r.redactString('token=ACME_0123456789abcdef')).toBe('token=[REDACTED:acme-token]');
    const ids = r.config.rules.map((rule) => rule.id);
    expect(ids.indexOf('acme-token')).toBeLessThan(ids.indexOf('generic-secret-assignment'));
    expect(ids.indexOf('acme-token')).toBeGreaterThan(ids.indexOf('github-token'));
  });

  it('custom rules with a secret group replace only that group', () => {
    const r = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'pin', pattern: 'pin=([0-9]{4,8})', secretGroup: 1, keywords: ['pin='] }],
    });
    expect(r.redactString('user pin=123456 ok')).toBe('user pin=[REDACTED:pin] ok');
  });

  it('disables by id and enables the opt-in rules', () => {
    const r = createRedactor({ ...testRedactionConfig, disable: ['email'], enable: ['ipv4'] });
    expect(r.redactString('alice.fake@example.com from 192.0.2.7')).toMatch(
      /^alice\.fake@example\.com from \[PSEUDO:ipv4:[0-9a-f]{12}\]$/,
    );
    const viaRules = createRedactor({ ...testRedactionConfig, rules: [{ id: 'jwt', enabled: false }] });
    expect(viaRules.redactString(fakeSecrets.jwt)).toBe(fakeSecrets.jwt);
  });

  it('overrides action, keep and keywords of a default rule', () => {
    const r = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'payment-card', action: 'partial', keep: 2 }],
    });
    expect(r.redactString('4111111111111111')).toBe('[REDACTED:payment-card:...11]');
    // Keywords that never occur turn a rule off in practice: the prefilter decides.
    const narrowed = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'npm-token', keywords: ['npmrc:'] }],
    });
    expect(narrowed.redactString(`x ${fakeSecrets['npm-token']}`)).toContain(fakeSecrets['npm-token']);
    expect(narrowed.redactString(`npmrc: ${fakeSecrets['npm-token']}`)).toBe('npmrc: [REDACTED:npm-token]');
  });

  it('a replaced pattern of a default rule is not held back by the old pattern gates', () => {
    // The default us-ssn rule runs only on strings with a dashed 9-digit run; a user who widens
    // the pattern to SSNs written without dashes must not have it silently gated away.
    const r = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'us-ssn', pattern: '(?<![0-9])[0-9]{3}-?[0-9]{2}-?[0-9]{4}(?![0-9])' }],
    });
    expect(r.redactString('ssn 123456789 on file')).toBe('ssn [REDACTED:us-ssn] on file');
  });

  it('lists every default rule with its state in the resolved config', () => {
    const r = createRedactor(testRedactionConfig);
    expect(r.config.allRules.map((rule) => rule.id)).toEqual(defaultRedactionRules.map((rule) => rule.id));
    expect(r.config.rules.length).toBe(defaultRedactionRules.length - 2);
  });
});

describe('README', () => {
  it('documents every default rule with its action and on/off state', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const rule of defaultRedactionRules) {
      const row = readme.split('\n').find((line) => line.includes(`| \`${rule.id}\` |`));
      expect(row, `README row for ${rule.id}`).toBeDefined();
      const action = rule.action === 'partial' ? `partial (last ${rule.keep ?? 4})` : rule.action;
      expect(row).toContain(`| ${action} |`);
      expect(row).toContain(rule.enabled ? '| on |' : '| off (opt-in) |');
    }
  });
});
