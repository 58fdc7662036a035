// createSecurityLogProcessors under NodeSDK (the README's recipe): NodeSDK installs the async context
// manager and a tracer provider, so a record emitted inside a real active span carries that span, and
// securityEvent goes out through the global provider NodeSDK registered.
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../src/context/index.ts';
import { createSecurityLogProcessors, securityEvent } from '../src/setup/index.ts';
import { testSessionKey } from './helpers.ts';
import { decodeRequest, startOtlpReceiver } from './otlp-receiver.ts';

const spanSink = {
  onStart() {},
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

describe('NodeSDK', () => {
  it('runs the security pipeline and takes the span from the active context', async () => {
    const receiver = await startOtlpReceiver();
    const sdk = new NodeSDK({
      serviceName: 'node-sdk-svc',
      autoDetectResources: false,
      instrumentations: [],
      // Any span processor makes NodeSDK register its tracer provider; spans themselves go nowhere.
      spanProcessors: [spanSink],
      logRecordProcessors: createSecurityLogProcessors({
        serviceName: 'node-sdk-svc',
        endpoint: receiver.baseUrl,
        context: { sessionIdKey: testSessionKey },
        redaction: { budgetMs: 60_000 },
      }),
    });
    sdk.start();
    let traceId = '';
    try {
      await trace.getTracer('test').startActiveSpan('POST /login', async (span) => {
        traceId = span.spanContext().traceId;
        await runWithRequestContext({ userId: 'erin' }, async () => {
          await new Promise((resolve) => setImmediate(resolve));
          securityEvent('authn_login_success', { 'logward.authn.method': 'oidc' });
        });
        span.end();
      });
    } finally {
      await sdk.shutdown();
      await receiver.close();
    }
    const records = receiver.requests.flatMap(decodeRequest);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      resource: { 'service.name': 'node-sdk-svc' },
      eventName: 'authn_login_success',
      severityNumber: 9,
      traceId,
      attributes: {
        'otel.event.name': 'authn_login_success',
        'user.id': 'erin',
        'logward.authn.method': 'oidc',
      },
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
