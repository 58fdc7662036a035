// One block per rule family: a fake credential of the real shape is caught (positive) and the
// look-alikes a log line is full of are left alone (negative).
import { describe, expect, it } from 'vitest';
import { createRedactor, defaultRedactionRules, type RedactionReport } from '../src/redaction/index.ts';
import { resolveRedactionConfig } from '../src/redaction/config.ts';
import { KeywordPrefilter } from '../src/redaction/prefilter.ts';
import { createRedactionReport } from '../src/redaction/types.ts';
import { fakeJwt, fakeSecrets, fakeSecretsInContext, testRedactionConfig } from './redaction-fixtures.ts';

const redactor = createRedactor({ ...testRedactionConfig });
const withIps = createRedactor({ ...testRedactionConfig, enable: ['ipv4', 'ipv6'] });

function redact(text: string, r = redactor): { out: string; report: RedactionReport } {
  const report = createRedactionReport();
  return { out: r.redactString(text, report), report };
}

function expectCaught(text: string, secret: string, rule: string, r = redactor): string {
  const { out, report } = redact(text, r);
  expect(out, `${rule} should hide ${secret}`).not.toContain(secret);
  expect([...report.counts.keys()]).toContain(rule);
  return out;
}

function expectUntouched(text: string, r = redactor): void {
  const { out, report } = redact(text, r);
  expect(out).toBe(text);
  expect(report.total).toBe(0);
}

describe('token formats', () => {
  const expectedRule: Record<string, string> = {
    'github-fine-grained': 'github-token',
    'slack-webhook': 'slack-token',
    'google-oauth-token': 'google-oauth-credential',
  };
  for (const [name, secret] of Object.entries(fakeSecrets)) {
    const rule = expectedRule[name] ?? name;
    it(`${name}: caught in prose, JSON text and at string edges`, () => {
      const masked = expectCaught(`request failed with credential ${secret} (retrying)`, secret, rule);
      if (rule !== 'payment-card' && rule !== 'iban' && rule !== 'email') {
        expect(masked).toContain(`[REDACTED:${rule}]`);
      }
      expectCaught(JSON.stringify({ msg: 'x', value: secret }), secret, rule);
      expectCaught(secret, secret, rule);
    });
  }

  it('leaves near misses alone', () => {
    expectUntouched('ghp_tooShort and github_pat_ in docs');
    expectUntouched('AKIA is the prefix of access key ids; AKIAIOSFODNN7 is truncated');
    expectUntouched('the region asia-east1 and Asia/Tokyo are not keys');
    expectUntouched('eyJ alone is not a token; nor is eyJhbGciOi.eyJ');
    expectUntouched('npm_config_cache=/tmp/npm');
    expectUntouched('sk-learn and sk_live_ without a body');
    expectUntouched('K10 steps to 64 hex digits');
  });

  it('tells a Kubernetes service-account token from another JWT', () => {
    const { report } = redact(`jwt ${fakeSecrets.jwt}`);
    expect([...report.counts.keys()]).toEqual(['jwt']);
    const k8s = fakeJwt({
      iss: 'https://kubernetes.default.svc.cluster.local',
      'kubernetes.io': { namespace: 'ns' },
    });
    expect([...redact(k8s).report.counts.keys()]).toEqual(['kubernetes-service-account-token']);
  });

  it('finds the Kubernetes claims at every base64 alignment of the payload', () => {
    // The check looks for "kubernetes" in the encoded payload before decoding it; the word lands
    // on each of the three byte alignments depending on what precedes it.
    for (const pad of ['', 'x', 'xy', 'xyz']) {
      const token = fakeJwt({ pad, iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ns:fake' });
      expect([...redact(`t ${token}`).report.counts.keys()], `pad "${pad}"`).toEqual([
        'kubernetes-service-account-token',
      ]);
    }
  });

  it('masks a PEM key cut off before its END line, to the end of the string', () => {
    const truncated = `key: -----BEGIN OPENSSH PRIVATE KEY-----\\n${'FAKEb3BlbnNzaC1rZXktdjE'.repeat(3)}`;
    const { out } = redact(truncated);
    expect(out).toBe('key: [REDACTED:private-key]');
    expectUntouched('-----BEGIN CERTIFICATE----- public material -----END CERTIFICATE-----');
    expectUntouched('-----BEGIN PUBLIC KEY-----\nFAKE\n-----END PUBLIC KEY-----');
  });
});

describe('context-dependent credentials', () => {
  for (const { rule, text, secret } of fakeSecretsInContext) {
    it(`${rule}: ${text.slice(0, 40)}`, () => {
      expectCaught(text, secret, rule);
    });
  }

  it('Authorization: keeps the scheme, hides the credential', () => {
    expect(redact('Authorization: Bearer FAKE.tok3n-0123456789').out).toBe(
      'Authorization: Bearer [REDACTED:authorization-header]',
    );
    expectUntouched('basic authentication failed for user');
    expectUntouched('Bearer token expired');
    expectUntouched('the bearer of bad news');
  });

  it('URLs: keeps user, host and harmless parameters', () => {
    expect(redact('postgres://app:FakePassw0rd@db.example.com:5432/app').out).toBe(
      'postgres://app:[REDACTED:url-credentials]@db.example.com:5432/app',
    );
    expect(redact('https://x.example/cb?code=FAKEcode123&state=abc&access_token=FAKEtok').out).toBe(
      'https://x.example/cb?code=[REDACTED:url-sensitive-query-param]&state=abc&access_token=[REDACTED:url-sensitive-query-param]',
    );
    expectUntouched('https://example.com/search?page=2&sort=desc');
    expectUntouched('ssh://git@github.com/org/repo.git');
  });

  it('password assignments: any value, but not placeholders', () => {
    expectCaught('db_password: s3cr', 's3cr', 'password-assignment');
    expectCaught('{"userPassword":"hunter2"}', 'hunter2', 'password-assignment');
    expectCaught('PGPASSWORD=FakePw PGUSER=app', 'FakePw', 'password-assignment');
    expectUntouched('password=*** user=bob');
    expectUntouched('password: ${DB_PASSWORD}');
    expectUntouched('password="" (empty)');
    expectUntouched('{"password":"[REDACTED:sensitive-key]"}');
    expectUntouched('password reset requested');
  });

  it('generic secrets are entropy-gated like gitleaks generic-api-key', () => {
    expectCaught('client_secret=Zx8Kq2Lm9Np4Rt7Vw1Yb3', 'Zx8Kq2Lm9Np4Rt7Vw1Yb3', 'generic-secret-assignment');
    expectCaught(
      'X-Api-Key: 9f8e7d6c5b4a39281706f5e4',
      '9f8e7d6c5b4a39281706f5e4',
      'generic-secret-assignment',
    );
    expectUntouched('api_key=aaaaaaaaaaaaaaaa'); // entropy 0
    expectUntouched('token_type=refresh_token_grant'); // metadata key, word value
    expectUntouched('max_tokens=2048 tokens_used=1234567890');
    expectUntouched('secret_name=payments-db-credentials');
    expectUntouched('author=Zx8Kq2Lm9Np4Rt7Vw1Yb3'); // "auth" inside a non-secret word
    expectUntouched('auth_method=password');
  });

  it('kubeconfig token: values are tokens, words are not', () => {
    expectCaught('    token: fake0token0123456789', 'fake0token0123456789', 'kubeconfig-credential');
    expectUntouched('token: expired-session');
  });
});

describe('payment cards (Luhn) and IBAN (mod 97)', () => {
  it('catches Luhn-valid numbers of card networks in common groupings and keeps the last 4', () => {
    expect(redact('paid with 4111-1111-1111-1111 today').out).toBe(
      'paid with [REDACTED:payment-card:...1111] today',
    );
    expectCaught('card=5555555555554444;', '5555555555554444', 'payment-card');
    expectCaught('amex 3782 822463 10005', '3782 822463 10005', 'payment-card');
    expectCaught('card 4111 1111 1111 1111 5 items', '4111 1111 1111 1111', 'payment-card');
  });

  it('leaves Luhn-invalid numbers, ids and timestamps', () => {
    expectUntouched('card 4111 1111 1111 1112');
    expectUntouched('order 4111111111111112 shipped');
    expectUntouched('ts=1732355000000000000 span=1732355000123');
    expectUntouched('uuid 550e8400-e29b-41d4-a716-446655440000');
    expectUntouched('4444 4444 4444 4444'); // repeated digit test pattern
    expectUntouched('9111111111111111'); // Luhn-valid, no card network
  });

  it('IBAN: checksum and country length decide, trailing words stay', () => {
    expect(redact('to DE89 3704 0044 0532 0130 00 EUR').out).toBe('to [REDACTED:iban:...3000] EUR');
    expectCaught('GB82WEST12345698765432', 'GB82WEST12345698765432', 'iban');
    expectUntouched('DE89370400440532013001'); // bad checksum
    expectUntouched('XX89370400440532013000'); // unknown country
  });
});

describe('personal data', () => {
  it('email is pseudonymized: same address, same token; different address, different token', () => {
    const a = redact('from alice.fake@example.com').out;
    const b = redact('to alice.fake@example.com').out;
    const c = redact('to bob.fake@example.com').out;
    expect(a).toMatch(/^from \[PSEUDO:email:[0-9a-f]{12}\]$/);
    expect(a.slice(5)).toBe(b.slice(3));
    expect(c.slice(3)).not.toBe(b.slice(3));
    expectUntouched('@scope/package and user@localhost');
  });

  it('pseudonyms depend on the key', () => {
    const other = createRedactor({
      ...testRedactionConfig,
      pseudonymKey: 'another-pseudonym-key-0123456789ab',
    });
    expect(other.redactString('alice.fake@example.com')).not.toBe(
      redactor.redactString('alice.fake@example.com'),
    );
  });

  it('US SSN in NNN-NN-NNNN form, never-issued areas excluded', () => {
    expectCaught('ssn 123-45-6789', '123-45-6789', 'us-ssn');
    expectUntouched('ssn 000-12-3456 666-12-3456 900-12-3456 123-00-4567');
    expectUntouched('date 2024-11-23 and 123456789');
  });
});

describe('IP addresses (opt-in, pseudonymized)', () => {
  it('are off by default', () => {
    expectUntouched('client 192.0.2.10 and 2001:db8::1');
    expect(defaultRedactionRules.filter((r) => !r.enabled).map((r) => r.id)).toEqual(['ipv4', 'ipv6']);
  });

  it('IPv4 when enabled; version strings and out-of-range quads stay', () => {
    const out = expectCaught('client 192.0.2.10 connected', '192.0.2.10', 'ipv4', withIps);
    expect(out).toMatch(/^client \[PSEUDO:ipv4:[0-9a-f]{12}\] connected$/);
    expectUntouched('version 1.2.3.4, v10.0.0.1, build 1.2.3, 999.1.1.1, 1.2.3.4.5', withIps);
  });

  it('IPv6 when enabled; times, MACs and C++ paths stay', () => {
    expectCaught('peer [2001:db8::1]:443', '2001:db8::1', 'ipv6', withIps);
    expectCaught('fe80::1ff:fe23:4567:890a up', 'fe80::1ff:fe23:4567:890a', 'ipv6', withIps);
    expectUntouched('at 12:30:45 mac aa:bb:cc:dd:ee:ff std::vector', withIps);
  });
});

describe('structured values and sensitive keys', () => {
  it('masks the whole value of sensitive keys at any depth, by normalized name suffix', () => {
    const input = {
      headers: { Cookie: 'sid=1', 'X-Api-Key': 'k', 'user-agent': 'curl/8' },
      user: { db_password: 'x', name: 'n', credentials: { a: 1 } },
      'http.request.header.authorization': ['Bearer a'],
      token_count: 12,
      max_tokens: 100,
    };
    const report = createRedactionReport();
    expect(redactor.redactValue(input, report)).toEqual({
      headers: {
        Cookie: '[REDACTED:sensitive-key]',
        'X-Api-Key': '[REDACTED:sensitive-key]',
        'user-agent': 'curl/8',
      },
      user: { db_password: '[REDACTED:sensitive-key]', name: 'n', credentials: '[REDACTED:sensitive-key]' },
      'http.request.header.authorization': '[REDACTED:sensitive-key]',
      token_count: 12,
      max_tokens: 100,
    });
    expect(report.counts.get('sensitive-key')).toBe(5);
    for (const key of [
      'password',
      'PASSWD',
      'pwd',
      'secret',
      'token',
      'api_key',
      'apikey',
      'access_token',
      'refresh_token',
      'authorization',
      'cookie',
      'set-cookie',
      'private_key',
      'client_secret',
      'x-api-key',
      'http.request.header.authorization',
      'headers.cookie',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(true);
    }
    for (const key of [
      'user.id',
      'session.id',
      'author',
      'token_count',
      'keyboard',
      'http.route',
      'logward.redaction.count',
    ]) {
      expect(redactor.isSensitiveKey(key), key).toBe(false);
    }
  });

  it('returns the same reference when nothing changes and never mutates the input', () => {
    const clean = { a: ['x', { b: 1 }], c: 'hello' };
    expect(redactor.redactValue(clean)).toBe(clean);
    const dirty = { keep: { n: 1 }, list: ['ok', `t ${fakeSecrets['github-token']}`] };
    const snapshot = structuredClone(dirty);
    const out = redactor.redactValue(dirty) as typeof dirty;
    expect(dirty).toEqual(snapshot);
    expect(out.keep).toBe(dirty.keep); // untouched branches are shared, not copied
    expect(out.list[1]).toBe('t [REDACTED:github-token]');
  });

  it('scans large integers as card numbers', () => {
    expect(redactor.redactValue({ pan: 4111111111111111, n: 4111111111111112, small: 42 })).toEqual({
      pan: '[REDACTED:payment-card:...1111]',
      n: 4111111111111112,
      small: 42,
    });
  });

  it('bounds depth, so a cyclic body ends in a marker instead of a stack overflow', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const report = createRedactionReport();
    const out = createRedactor({ ...testRedactionConfig, maxDepth: 4 }).redactValue(cyclic, report) as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(out)).toContain('[REDACTED:max-depth]');
    expect(report.counts.get('max-depth')).toBe(1);
  });
});

describe('actions', () => {
  const text = `key ${fakeSecrets['github-token']} end`;
  it('mask, partial (at most a quarter visible), hash (keyed, stable) and drop', () => {
    const partial = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'github-token', action: 'partial', keep: 6 }],
    });
    expect(partial.redactString(text)).toBe(
      `key [REDACTED:github-token:...${fakeSecrets['github-token'].slice(-6)}] end`,
    );
    const hashed = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'github-token', action: 'hash' }],
      pseudonymKey: 'k'.repeat(32),
    });
    const first = hashed.redactString(text);
    expect(first).toMatch(/^key \[PSEUDO:github-token:[0-9a-f]{12}\] end$/);
    expect(hashed.redactString(`again ${fakeSecrets['github-token']}`)).toContain(first.slice(4, -4));
    const dropping = createRedactor({
      ...testRedactionConfig,
      rules: [{ id: 'github-token', action: 'drop' }],
    });
    expect(dropping.redactValue({ a: text, b: 'ok' })).toEqual({ b: 'ok' });
    expect(dropping.redactString(text)).toBe('[REDACTED:github-token]');
    expect(
      createRedactor({
        ...testRedactionConfig,
        rules: [{ id: 'us-ssn', action: 'partial', keep: 8 }],
      }).redactString('123-45-6789'),
    ).toBe('[REDACTED:us-ssn:...89]');
  });

  it('sensitive-key action and allow list are configurable', () => {
    const r = createRedactor({
      ...testRedactionConfig,
      sensitiveKeys: { action: 'drop', allow: ['csrf_token'], add: ['ssn_last4'] },
    });
    expect(r.redactValue({ password: 'x', csrf_token: 'abc', ssn_last4: '1234', ok: 1 })).toEqual({
      csrf_token: 'abc',
      ok: 1,
    });
  });
});

describe('time budget', () => {
  it('masks the remaining strings wholesale once the budget is spent, and counts it', () => {
    let clock = 0;
    // Each clock read advances 4 ms. The clock starts at the first string that needs regexes
    // (t=4, deadline t=14); the fourth such string reads t=16 and finds the budget spent.
    const r = createRedactor({ ...testRedactionConfig, budgetMs: 10 }, { now: () => (clock += 4) });
    const report = createRedactionReport();
    const out = r.redactValue(['password=a1', 'password=b2', 'password=c3', 'password=d4', 'clean'], report);
    expect(out).toEqual([
      'password=[REDACTED:password-assignment]',
      'password=[REDACTED:password-assignment]',
      'password=[REDACTED:password-assignment]',
      '[REDACTED:time-budget]',
      '[REDACTED:time-budget]',
    ]);
    expect(report.counts.get('time-budget')).toBe(2);
  });
});

describe('prefilter', () => {
  it('runs the assignment rules only where a keyword comes with an = or :', () => {
    // Security logs are full of prose naming credentials ("authentication failed", "password
    // reset requested"); without a separator no key=value assignment can match.
    const { rules } = resolveRedactionConfig(testRedactionConfig);
    const prefilter = new KeywordPrefilter(rules);
    const candidates = (text: string) => {
      const out: number[] = [];
      const n = prefilter.scan(text, out);
      return out.slice(0, n).map((index) => rules[index]!.id);
    };
    expect(candidates('authentication failed; password reset requested for the token owner')).toEqual([]);
    expect(candidates('password=Hunter2FAKE')).toContain('password-assignment');
    expect(candidates('api_token: Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd5FAKE')).toContain('generic-secret-assignment');
  });

  it('produces exactly the naive (every pattern, every string) output on the fixtures', () => {
    const naive = createRedactor({ ...testRedactionConfig }, { prefilter: false });
    const texts = [
      ...Object.values(fakeSecrets).map((s) => `x ${s} y`),
      ...fakeSecretsInContext.map((c) => c.text),
      'a clean line with nothing in it',
      // Shapes at the edges of the prefilter's digit-run bounds.
      'card 4222222222222 (13 digits)',
      'ssn 123-45-6789 alone',
      'iban GB82WEST12345698765432 and NO9386011117947',
      'iban DE89 3704 0044 0532 0130 00 spaced',
      'id req-370248999 is no card',
    ];
    for (const text of texts) expect(redactor.redactString(text)).toBe(naive.redactString(text));
  });
});
