import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { droppedAttributesKey, runWithRequestContext } from '../src/context/index.ts';
import { contextPipeline } from './helpers.ts';

// A real processor that runs after the context processor and adds two summary attributes, as the
// redaction processor does (logward.redaction.count / .rules).
function summaryProcessor(): LogRecordProcessor {
  return {
    onEmit(record: ReadWriteLogRecord) {
      record.setAttribute('logward.redaction.count', 2);
      record.setAttribute('logward.redaction.rules', 'aws-access-token,github-pat');
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function appAttributes(n: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`app.field_${String(i).padStart(3, '0')}`, `v${i}`]),
  );
}

const requestContext = {
  requestId: 'req-1',
  userId: 'bob',
  sessionId: 'raw-session',
  clientAddress: '198.51.100.4',
  clientPort: 40000,
};

describe('attribute count limit', () => {
  it('keeps security context and the downstream summary on a record the app filled past 128', () => {
    const { logger, last } = contextPipeline({ after: [summaryProcessor()] });
    runWithRequestContext(requestContext, () => {
      logger.emit({
        eventName: 'authz_fail',
        attributes: { 'logward.authz.resource': '/admin', ...appAttributes(140) },
      });
    });
    const attributes = last().attributes;
    const keys = Object.keys(attributes);
    expect(keys.length).toBeLessThanOrEqual(128);
    for (const key of [
      'logward.authz.resource',
      'otel.event.name',
      'logward.request.id',
      'user.id',
      'session.id',
      'client.address',
      'client.port',
      'logward.redaction.count',
      'logward.redaction.rules',
    ]) {
      expect(keys, key).toContain(key);
    }
    // 141 given, the SDK kept 128 (13 dropped before any processor ran); we evicted app attributes
    // for 6 context attributes, the dropped counter and 3 reserved slots: 13 + 10 = 23 lost in all.
    const appKept = keys.filter((k) => k.startsWith('app.')).length;
    expect(attributes[droppedAttributesKey]).toBe(141 - 1 - appKept);
    expect(attributes[droppedAttributesKey]).toBe(23);
    // the oldest application attributes are the ones kept
    expect(keys).toContain('app.field_000');
    expect(keys).not.toContain('app.field_126');
  });

  it('does nothing to a record with room to spare', () => {
    const { logger, last } = contextPipeline({ after: [summaryProcessor()] });
    runWithRequestContext(requestContext, () =>
      logger.emit({ eventName: 'authz_fail', attributes: appAttributes(100) }),
    );
    const keys = Object.keys(last().attributes);
    expect(keys.filter((k) => k.startsWith('app.'))).toHaveLength(100);
    expect(keys).not.toContain(droppedAttributesKey);
  });

  it('never evicts protected attributes, even when they alone fill the record', () => {
    const { logger, last } = contextPipeline({
      attributeCountLimit: 16,
      config: { protectedAttributes: ['tenant'] },
    });
    const semconv = {
      'user.id': 'bob',
      'client.address': '192.0.2.1',
      'exception.message': 'boom',
      'logward.kcp.conv': 7,
      tenant: 'acme',
    };
    runWithRequestContext({ requestId: 'r' }, () =>
      logger.emit({ eventName: 'kcp_conv_reset', attributes: { ...semconv, ...appAttributes(20) } }),
    );
    const attributes = last().attributes;
    expect(attributes).toMatchObject(semconv);
    expect(attributes['logward.request.id']).toBe('r');
    expect(attributes['otel.event.name']).toBe('kcp_conv_reset');
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(16 - 3);
  });

  it('reads the limit the LoggerProvider was configured with', () => {
    const { logger, last } = contextPipeline({ attributeCountLimit: 10, after: [summaryProcessor()] });
    logger.emit({ eventName: 'sys_crash', attributes: appAttributes(9) });
    const attributes = last().attributes;
    // 9 app + otel.event.name + counter + 3 reserved slots = 14 > 10: four app attributes make room,
    // two reserved slots go to the summary, one stays free.
    expect(Object.keys(attributes)).toHaveLength(9);
    expect(attributes['logward.redaction.count']).toBe(2);
    expect(attributes['otel.event.name']).toBe('sys_crash');
    expect(attributes[droppedAttributesKey]).toBe(4);
    expect(Object.keys(attributes).filter((k) => k.startsWith('app.'))).toHaveLength(5);
  });
});
