// Obviously fake credentials of the real shapes, shared by the redaction tests and the benchmark.
// Each repeats a pattern or says FAKE/EXAMPLE so no one can mistake it for a live secret.

/**
 * Config every test redactor starts from: a fixed pseudonym key, and a time budget far above
 * anything a test needs, so a loaded machine can never turn a test's output into budget masks
 * (the budget itself is tested with an injected clock).
 */
export const testRedactionConfig = {
  pseudonymKey: 'test-pseudonym-key-0123456789abcdef',
  budgetMs: 60_000,
} as const;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function fakeJwt(payload: Record<string, unknown>): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(payload)}.${'FAKEsignature_'.repeat(4)}`;
}

/** Secret strings that must never survive redaction, keyed by the rule expected to catch them. */
export const fakeSecrets = {
  'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE',
  'github-token': `ghp_${'aB3dE5'.repeat(6)}`,
  'github-fine-grained': `github_pat_${'11FAKE0000'.repeat(2)}_${'FAKEfake12'.repeat(6)}`,
  'gitlab-token': 'glpat-FAKEfake1234FAKEfake',
  'slack-token': `xoxb-1234567890-1234567890123-${'FAKEfake'.repeat(3)}`,
  'slack-webhook': `https://hooks.slack.com/services/T00000000/B00000000/${'FAKEfake'.repeat(3)}`,
  'stripe-key': `sk_test_${'FAKEfake12'.repeat(3)}`,
  'openai-api-key': `sk-proj-${'FAKEfake_1234-'.repeat(4)}`,
  'anthropic-api-key': `sk-ant-api03-${'FAKEfake'.repeat(11)}`,
  'google-api-key': `AIza${'FAKEfake'.repeat(4)}012`,
  'google-oauth-token': `ya29.${'FAKE-fake_'.repeat(4)}`,
  'npm-token': `npm_${'FAKEfake'.repeat(4)}FAKE`,
  jwt: fakeJwt({ sub: 'fake-user', iss: 'https://auth.example.com', exp: 1_900_000_000 }),
  'kubernetes-service-account-token': fakeJwt({
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': 'default',
    sub: 'system:serviceaccount:default:fake',
  }),
  'private-key': `-----BEGIN RSA PRIVATE KEY-----\n${'FAKEKEYMATERIALfake0123456789+/'.repeat(4)}\n-----END RSA PRIVATE KEY-----`,
  'k3s-token': `K10${'0f'.repeat(32)}::server:${'fakefake'.repeat(4)}`,
  'payment-card': '4111 1111 1111 1111',
  iban: 'DE89370400440532013000',
  'us-ssn': '123-45-6789',
} as const;

/** Secrets whose detection depends on surrounding text: the text and the part that must vanish. */
export const fakeSecretsInContext: readonly { rule: string; text: string; secret: string }[] = [
  {
    rule: 'aws-secret-access-key',
    text: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  { rule: 'password-assignment', text: 'password=Hunter2FAKE', secret: 'Hunter2FAKE' },
  {
    rule: 'generic-secret-assignment',
    text: 'api_key: "Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd5FAKE"',
    secret: 'Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd5FAKE',
  },
  {
    rule: 'authorization-header',
    text: 'Authorization: Bearer FAKE.tok3n-0123456789',
    secret: 'FAKE.tok3n-0123456789',
  },
  {
    rule: 'authorization-header',
    text: `Authorization: Basic ${Buffer.from('fakeuser:FakePass99').toString('base64')}`,
    secret: Buffer.from('fakeuser:FakePass99').toString('base64'),
  },
  { rule: 'cookie-header', text: 'Cookie: sid=FAKEsession0123; theme=dark', secret: 'sid=FAKEsession0123' },
  {
    rule: 'url-credentials',
    text: 'postgres://app:FakePassw0rd@db.example.com:5432/app',
    secret: 'FakePassw0rd',
  },
  {
    rule: 'url-sensitive-query-param',
    text: 'GET https://s3.example.com/b/o?X-Amz-Signature=FAKE0123456789abcdef&x=1',
    secret: 'FAKE0123456789abcdef',
  },
  {
    rule: 'kubeconfig-credential',
    text: `client-key-data: ${Buffer.from('FAKE PRIVATE KEY DATA FAKE').toString('base64')}`,
    secret: Buffer.from('FAKE PRIVATE KEY DATA FAKE').toString('base64'),
  },
  { rule: 'email', text: 'login failed for alice.fake@example.com', secret: 'alice.fake@example.com' },
];
