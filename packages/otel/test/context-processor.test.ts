import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  createSecurityContextProcessor,
  getRequestContext,
  runWithRequestContext,
  SecurityLoggingConfigError,
  updateRequestContext,
} from '../src/context/index.ts';
import { contextPipeline, sessionHash } from './helpers.ts';

describe('classification and severity policy', () => {
  it('gives a taxonomy event its policy severity and writes otel.event.name', () => {
    const { logger, last } = contextPipeline();
    logger.emit({ eventName: 'authn_login_fail', body: 'login failed' });
    expect(last().severityNumber).toBe(13);
    expect(last().severityText).toBe('WARN');
    expect(last().eventName).toBe('authn_login_fail');
    expect(last().attributes['otel.event.name']).toBe('authn_login_fail');
  });

  it('keeps an explicit level from the caller (number, or text alone)', () => {
    const { logger, records } = contextPipeline();
    logger.emit({ eventName: 'authz_fail', severityNumber: 9 });
    logger.emit({ eventName: 'authn_login_success', severityText: 'critical' });
    logger.emit({ eventName: 'authn_login_success', severityNumber: 17, severityText: 'Error' });
    expect(records().map((r) => [r.severityNumber, r.severityText])).toEqual([
      [9, 'INFO'],
      [18, 'critical'],
      [17, 'Error'],
    ]);
  });

  it('raises upload_validation to CRITICAL when the scan FAILED', () => {
    const { logger, last } = contextPipeline();
    logger.emit({ eventName: 'upload_validation', attributes: { 'logward.upload.result': 'FAILED' } });
    expect([last().severityNumber, last().severityText]).toEqual([18, 'CRITICAL']);
  });

  it('writes otel.event.name for any event but applies the policy only to taxonomy events', () => {
    const { logger, last } = contextPipeline();
    logger.emit({ eventName: 'checkout.completed' });
    expect(last().attributes['otel.event.name']).toBe('checkout.completed');
    expect(last().severityNumber).toBeUndefined();
  });

  it('recovers the event name from an otel.event.name attribute (log bridges)', () => {
    const { logger, last } = contextPipeline();
    logger.emit({ body: 'via pino', attributes: { 'otel.event.name': 'sequence_fail' } });
    expect(last().eventName).toBe('sequence_fail');
    expect(last().severityNumber).toBe(18);
  });

  it('leaves plain logs alone', () => {
    const { logger, last } = contextPipeline();
    logger.emit({ body: 'cache warmed', severityNumber: 5, attributes: { 'cache.size': 3 } });
    expect(last().attributes).toEqual({ 'cache.size': 3 });
    expect(last().eventName).toBeUndefined();
  });
});

describe('request context', () => {
  it('adds the request context of the current async chain, hashing the session id', async () => {
    const { logger, last } = contextPipeline();
    await runWithRequestContext(
      {
        requestId: 'req-42',
        userId: 'bob',
        sessionId: 'raw-session-cookie-value',
        clientAddress: '203.0.113.9',
        clientPort: 51234,
        httpMethod: 'POST',
        httpRoute: '/login',
        userAgent: 'curl/8.5.0',
      },
      async () => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.emit({ eventName: 'authn_login_fail' });
      },
    );
    const attributes = last().attributes;
    expect(attributes).toMatchObject({
      'logward.request.id': 'req-42',
      'user.id': 'bob',
      'session.id': sessionHash('raw-session-cookie-value'),
      'client.address': '203.0.113.9',
      'client.port': 51234,
      'http.request.method': 'POST',
      'http.route': '/login',
      'user_agent.original': 'curl/8.5.0',
    });
    expect(JSON.stringify(attributes)).not.toContain('raw-session-cookie-value');
  });

  it('never overwrites what the caller set, but hashes a raw session.id the caller set', () => {
    const { logger, last } = contextPipeline();
    runWithRequestContext({ userId: 'alice', sessionId: 'ctx-session' }, () => {
      logger.emit({
        eventName: 'authz_change',
        attributes: { 'user.id': 'admin-7', 'session.id': 'caller-session' },
      });
    });
    expect(last().attributes['user.id']).toBe('admin-7');
    expect(last().attributes['session.id']).toBe(sessionHash('caller-session'));
  });

  it('hashes a caller session.id even with the request context switched off', () => {
    const { logger, last } = contextPipeline({ config: { requestContext: false } });
    runWithRequestContext({ userId: 'ignored' }, () => {
      logger.emit({ eventName: 'session_created', attributes: { 'session.id': 'cookie-abc' } });
    });
    expect(last().attributes['session.id']).toBe(sessionHash('cookie-abc'));
    expect(last().attributes['user.id']).toBeUndefined();
  });

  it('sees fields added later in the request (authentication runs after the outer middleware)', () => {
    const { logger, last } = contextPipeline();
    runWithRequestContext({ requestId: 'r1' }, () => {
      expect(updateRequestContext({ userId: 'carol' })).toBe(true);
      expect(getRequestContext()?.userId).toBe('carol');
      logger.emit({ eventName: 'authn_login_success' });
    });
    expect(last().attributes['user.id']).toBe('carol');
    expect(updateRequestContext({ userId: 'nobody' })).toBe(false);
    expect(getRequestContext()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const { logger, records } = contextPipeline();
    const request = (id: string, delay: number) =>
      runWithRequestContext({ requestId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        logger.emit({ body: id });
      });
    await Promise.all([request('a', 5), request('b', 0), request('c', 2)]);
    for (const record of records()) expect(record.attributes['logward.request.id']).toBe(record.body);
  });

  it('carries the span context of the active context', () => {
    const { logger, last } = contextPipeline();
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    logger.emit({ eventName: 'authz_fail', context: trace.setSpanContext(ROOT_CONTEXT, spanContext) });
    expect(last().spanContext).toMatchObject(spanContext);
  });
});

describe('configuration', () => {
  it('rejects a short session key and unknown options, naming the field', () => {
    expect(() => createSecurityContextProcessor({ sessionIdKey: 'short' })).toThrow(
      SecurityLoggingConfigError,
    );
    expect(() => createSecurityContextProcessor({ sessionIdKey: 'short' })).toThrow(
      /sessionIdKey: must be at least 32 bytes/,
    );
    expect(() => createSecurityContextProcessor({ sesionIdKey: 'x' } as never)).toThrow(/sesionIdKey/);
    expect(() => createSecurityContextProcessor({ reservedAttributeSlots: -1 })).toThrow(
      /reservedAttributeSlots/,
    );
  });
});
