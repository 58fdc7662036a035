import { describe, expect, it } from 'vitest';
import { contextErrorKey, runWithRequestContext, type RequestContext } from '../src/context/index.ts';
import { contextPipeline } from './helpers.ts';

describe('fail-safe', () => {
  it('a body that throws when read is replaced by a marker; the record keeps the rest of the context', () => {
    const { logger, last } = contextPipeline();
    const hostile = {
      get trap(): string {
        throw new Error('getter exploded');
      },
    };
    runWithRequestContext({ userId: 'bob' }, () => {
      expect(() => logger.emit({ eventName: 'authz_fail', body: hostile })).not.toThrow();
    });
    const record = last();
    expect(record.attributes[contextErrorKey]).toBe('neutralize');
    expect(record.body).toBe('[logward: body could not be read: Error: getter exploded]');
    expect(record.attributes['user.id']).toBe('bob');
    expect(record.severityNumber).toBe(18);
    expect(record.attributes['otel.event.name']).toBe('authz_fail');
  });

  it('a broken request context costs only the request step', () => {
    const { logger, last } = contextPipeline();
    const broken = {
      requestId: 'ok',
      get userId(): string {
        throw new Error('session store down');
      },
    } as RequestContext;
    // runWithRequestContext copies the object, which would run the getter; put the getter on the copy.
    runWithRequestContext({}, () => {
      Object.defineProperties(
        (globalThis as unknown as Record<symbol, { getStore(): object }>)[
          Symbol.for('logward.otel.requestContext')
        ]!.getStore(),
        Object.getOwnPropertyDescriptors(broken),
      );
      expect(() => logger.emit({ eventName: 'authn_login_fail', body: 'x\ny' })).not.toThrow();
    });
    const record = last();
    expect(record.attributes[contextErrorKey]).toBe('request');
    expect(record.body).toBe('x\\ny');
    expect(record.severityNumber).toBe(13);
  });

  it('values the SDK rejects stay rejected and do not break the record', () => {
    const { logger, last } = contextPipeline();
    logger.emit({
      eventName: 'sys_crash',
      body: 42,
      attributes: { when: new Date(0) as never, big: 10n as never, fine: 'yes\n' },
    });
    const record = last();
    expect(record.attributes).toMatchObject({ fine: 'yes\\n', 'otel.event.name': 'sys_crash' });
    expect(record.body).toBe(42);
    expect(record.attributes[contextErrorKey]).toBeUndefined();
  });
});
