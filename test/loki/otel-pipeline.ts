// The service side of the OTLP wire test: what a Node service using @logward/otel emits, through
// startSecurityLogging's real pipeline (context → redaction → batch → OTLP/HTTP protobuf exporter).
import { emitSecurityEvent, startSecurityLogging } from '@logward/otel';
import { SeverityNumber } from '@opentelemetry/api';

export const wireServiceName = 'logward-wire-test';

/** Fake credentials of the real shapes (AWS documentation examples, repeated patterns). */
export const seededSecrets = [
  { name: 'AWS access key id', value: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'AWS secret access key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { name: 'GitHub token', value: `ghp_${'aB3dE5fG7hJ9'.repeat(3)}` },
  { name: 'password', value: 'Tr0ub4dor-fake-fake-fake' },
  { name: 'bearer token', value: `fakeBearer${'Xy9Zw8'.repeat(4)}` },
] as const;

const secret = (name: (typeof seededSecrets)[number]['name']): string =>
  seededSecrets.find((s) => s.name === name)!.value;

/** Records emitted by emitWireRecords. */
export const wireRecordCount = 3;

/** Emits two security events and one ordinary record full of seeded secrets, then flushes and stops. */
export async function emitWireRecords(endpoint: string, headers: Record<string, string>): Promise<void> {
  const handle = startSecurityLogging({
    serviceName: wireServiceName,
    endpoint,
    headers,
    registerGlobal: false,
    scheduledDelayMillis: 100,
  });
  const logger = handle.provider.getLogger('wire-test');
  emitSecurityEvent(logger, 'authn_login_fail', {
    'logward.authn.method': 'password',
    message: `login failed for alice (password=${secret('password')})`,
    attributes: { 'user.id': 'alice', 'client.address': '203.0.113.7', 'client.port': 51234 },
  });
  emitSecurityEvent(logger, 'authz_fail', {
    'logward.authz.resource': '/admin/users',
    message: 'bob tried to open /admin/users',
    attributes: {
      'user.id': 'bob',
      'client.address': '198.51.100.23',
      'http.request.header.authorization': `Bearer ${secret('bearer token')}`,
    },
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `syncing bucket with key ${secret('AWS access key id')} aws_secret_access_key=${secret('AWS secret access key')}`,
    attributes: {
      'logward.request.id': 'req-wire-1',
      'app.github_token': secret('GitHub token'),
      'app.config': `token: ${secret('GitHub token')}`,
    },
  });
  await handle.shutdown();
}
