// WIRE TEST: the real OTLPLogExporter (http/protobuf and http/json) sends to a real HTTP receiver on
// 127.0.0.1; the captured bytes are decoded and checked: context, severity, eventName, otel.event.name.
import { logs, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecurityContextProcessor, runWithRequestContext } from '../src/context/index.ts';
import { emitSecurityEvent } from '../src/events/index.ts';
import { logsUrlFor, securityEvent, startSecurityLogging } from '../src/setup/index.ts';
import { decodeRequest, startOtlpReceiver } from './otlp-receiver.ts';
import { sessionHash, testSessionKey } from './helpers.ts';

const spanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`wire (${protocol})`, () => {
    it('the exported bytes carry eventName, otel.event.name, the policy severity and the request context', async () => {
      const receiver = await startOtlpReceiver();
      cleanup.push(receiver.close);
      const url = logsUrlFor(receiver.baseUrl);
      const exporter =
        protocol === 'http/json'
          ? new OTLPJsonLogExporter({ url, headers: { 'X-Scope-OrgID': 'tenant-a' } })
          : new OTLPProtoLogExporter({ url, headers: { 'X-Scope-OrgID': 'tenant-a' } });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({
          'service.name': 'shop-api',
          'deployment.environment.name': 'test',
        }),
        processors: [
          createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
          new BatchLogRecordProcessor({ exporter }),
        ],
      });
      cleanup.push(() => provider.shutdown());
      const logger = provider.getLogger('wire-test');

      runWithRequestContext(
        {
          requestId: 'req-7',
          userId: 'bob',
          sessionId: 'raw-session-1',
          clientAddress: '203.0.113.5',
          clientPort: 4433,
        },
        () => {
          emitSecurityEvent(logger, 'authn_login_fail', {
            'logward.authn.method': 'password',
            message: 'bad password\r\nINFO forged',
            context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
          });
          emitSecurityEvent(logger, 'authz_fail', { 'logward.authz.resource': '/admin', level: 'WARN' });
        },
      );
      await provider.forceFlush();

      expect(receiver.requests.length).toBeGreaterThan(0);
      const request = receiver.requests[0]!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/otlp/v1/logs');
      expect(request.headers['x-scope-orgid']).toBe('tenant-a');
      expect(request.headers['content-type']).toContain(
        protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      );

      const records = receiver.requests.flatMap(decodeRequest);
      expect(records).toHaveLength(2);
      const [fail, authz] = records;
      expect(fail).toMatchObject({
        resource: { 'service.name': 'shop-api', 'deployment.environment.name': 'test' },
        eventName: 'authn_login_fail',
        severityNumber: 13,
        severityText: 'WARN',
        body: 'bad password\\r\\nINFO forged',
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        attributes: {
          'otel.event.name': 'authn_login_fail',
          'logward.authn.method': 'password',
          'logward.request.id': 'req-7',
          'user.id': 'bob',
          'session.id': sessionHash('raw-session-1'),
          'client.address': '203.0.113.5',
          'client.port': 4433,
        },
      });
      expect(authz).toMatchObject({
        eventName: 'authz_fail',
        severityNumber: 13,
        severityText: 'WARN',
        attributes: { 'otel.event.name': 'authz_fail', 'logward.authz.resource': '/admin' },
      });
      const wire = Buffer.concat(receiver.requests.map((r) => r.body)).toString('latin1');
      expect(wire).not.toContain('raw-session-1');
      expect(wire).not.toContain('\r\nINFO forged');
    });
  });
}

describe('wire fail-safe', () => {
  it('a record whose body throws when read does not cost the other records of its batch', async () => {
    const receiver = await startOtlpReceiver();
    cleanup.push(receiver.close);
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop-api' }),
      processors: [
        createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
        new BatchLogRecordProcessor({
          exporter: new OTLPProtoLogExporter({ url: logsUrlFor(receiver.baseUrl) }),
        }),
      ],
    });
    cleanup.push(() => provider.shutdown());
    const logger = provider.getLogger('wire-test');
    const hostile = {
      get detail(): string {
        throw new TypeError('lazy field failed');
      },
    };
    logger.emit({ eventName: 'sys_crash', body: 'before' });
    logger.emit({ eventName: 'sys_crash', body: hostile });
    logger.emit({ eventName: 'sys_crash', body: 'after' });
    await provider.forceFlush();
    const records = receiver.requests.flatMap(decodeRequest);
    expect(records.map((r) => r.body)).toEqual([
      'before',
      '[logward: body could not be read: TypeError: lazy field failed]',
      'after',
    ]);
    expect(records[1]?.attributes['logward.context.error']).toBe('neutralize');
  });
});

// Obviously fake credentials of the real shapes (see CONTRIBUTING: no real-looking secret anywhere).
const fakeSecrets = {
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  githubPat: `ghp_${'x1Y2'.repeat(9)}`,
  urlPassword: 'not-a-real-pass-7',
};

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`startSecurityLogging on the wire (${protocol})`, () => {
    it('context → redaction → OTLP: no seeded secret in the captured bytes, redaction summary present', async () => {
      const receiver = await startOtlpReceiver();
      cleanup.push(receiver.close);
      const handle = startSecurityLogging({
        serviceName: 'payments',
        deploymentEnvironment: 'staging',
        endpoint: receiver.baseUrl,
        protocol,
        headers: { Authorization: 'Basic dGVzdDp0ZXN0' },
        scheduledDelayMillis: 60_000,
        context: { sessionIdKey: testSessionKey },
        // The redaction time budget is wall-clock (10 ms by default): on a loaded machine it could mask
        // values wholesale and make this test depend on timing, so it is lifted here.
        redaction: { budgetMs: 60_000 },
      });
      cleanup.push(() => handle.shutdown());

      runWithRequestContext({ requestId: 'req-9', userId: 'dave', sessionId: 'raw-session-9' }, () => {
        securityEvent('authn_token_reuse', {
          'logward.token.id': 'tok-123',
          message: `revoked token reused; key ${fakeSecrets.awsKeyId} seen`,
          attributes: { 'app.leaked': fakeSecrets.githubPat },
        });
        logs.getLogger('app').emit({
          body: { msg: 'db connect', dsn: `postgres://svc:${fakeSecrets.urlPassword}@db.internal:5432/pay` },
          attributes: { 'app.note': `token=${fakeSecrets.githubPat}` },
        });
      });
      await handle.forceFlush();

      expect(receiver.requests.every((r) => r.path === '/otlp/v1/logs')).toBe(true);
      expect(receiver.requests[0]?.headers.authorization).toBe('Basic dGVzdDp0ZXN0');
      const wire = Buffer.concat(receiver.requests.map((r) => r.body)).toString('latin1');
      for (const [name, secret] of Object.entries(fakeSecrets)) expect(wire, name).not.toContain(secret);
      expect(wire).not.toContain('raw-session-9');

      const records = receiver.requests.flatMap(decodeRequest);
      expect(records).toHaveLength(2);
      const [event, appLog] = records;
      expect(event).toMatchObject({
        resource: { 'service.name': 'payments', 'deployment.environment.name': 'staging' },
        scope: '@logward/otel',
        eventName: 'authn_token_reuse',
        severityNumber: 18,
        severityText: 'CRITICAL',
        attributes: {
          'otel.event.name': 'authn_token_reuse',
          'logward.token.id': 'tok-123',
          'logward.request.id': 'req-9',
          'user.id': 'dave',
          'session.id': sessionHash('raw-session-9'),
        },
      });
      expect(typeof event?.resource['host.name']).toBe('string');
      expect(event?.attributes['logward.redaction.count']).toBeGreaterThanOrEqual(2);
      expect(String(event?.attributes['logward.redaction.rules'])).toMatch(/aws-access-key-id/);
      expect(String(event?.attributes['logward.redaction.rules'])).toMatch(/github-token/);
      expect(appLog?.attributes['logward.redaction.count']).toBeGreaterThanOrEqual(2);
      expect(appLog?.attributes['logward.request.id']).toBe('req-9');
    });
  });
}
