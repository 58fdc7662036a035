import { diag, DiagLogLevel, logs } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { emitSecurityEvent, schemaErrorsKey, securityEvent } from '../src/events/index.ts';
import { contextPipeline } from './helpers.ts';

afterEach(() => {
  logs.disable();
  diag.disable();
});

describe('securityEvent', () => {
  it('emits through the global provider with eventName, otel.event.name, typed attributes and policy severity', () => {
    const { provider, last } = contextPipeline();
    logs.setGlobalLoggerProvider(provider);
    securityEvent('authn_login_lock', { 'user.id': 'bob', 'logward.authn.lock_reason': 'maxretries' });
    const record = last();
    expect(record.instrumentationScope.name).toBe('@logward/otel');
    expect(record.eventName).toBe('authn_login_lock');
    expect([record.severityNumber, record.severityText]).toEqual([13, 'WARN']);
    expect(record.body).toBe(
      'An account was locked (max retries, suspicious activity, customer request, other).',
    );
    expect(record.attributes).toEqual({
      'user.id': 'bob',
      'logward.authn.lock_reason': 'maxretries',
      'otel.event.name': 'authn_login_lock',
    });
  });

  it('takes the level, message, extra attributes and timestamp from the caller', () => {
    const { logger, last } = contextPipeline();
    emitSecurityEvent(logger, 'kcp_conn_closed', {
      'logward.kcp.reason': 'dead_link',
      'logward.kcp.conv': 0xdeadbeef,
      'client.port': 9000,
      level: 'error',
      message: 'peer went silent',
      attributes: { 'app.region': 'eu' },
      timestamp: new Date('2026-11-23T08:00:00Z'),
    });
    const record = last();
    expect([record.severityNumber, record.severityText]).toEqual([17, 'ERROR']);
    expect(record.body).toBe('peer went silent');
    expect(record.hrTime[0]).toBe(Date.parse('2026-11-23T08:00:00Z') / 1000);
    expect(record.attributes).toMatchObject({
      'app.region': 'eu',
      'logward.kcp.conv': 0xdeadbeef,
      'client.port': 9000,
    });
  });

  it('reports bad fields on the record instead of throwing, and still emits', () => {
    const { logger, last } = contextPipeline();
    const warnings: string[] = [];
    diag.setLogger(
      { warn: (m: string) => warnings.push(m), error() {}, info() {}, debug() {}, verbose() {} },
      DiagLogLevel.WARN,
    );
    expect(() =>
      emitSecurityEvent(logger, 'kcp_input_rejected', {
        'logward.kcp.reason': 'cosmic_rays' as never,
        level: 'LOUD' as never,
      }),
    ).not.toThrow();
    const record = last();
    expect(record.eventName).toBe('kcp_input_rejected');
    expect(record.severityNumber).toBe(13);
    expect(record.attributes[schemaErrorsKey]).toMatch(/logward\.kcp\.reason: Invalid option/);
    expect(record.attributes[schemaErrorsKey]).toMatch(/level: expected one of/);
    expect(warnings.join('\n')).toMatch(/securityEvent\("kcp_input_rejected"\)/);

    emitSecurityEvent(logger, 'not_an_event' as never, {});
    expect(last().eventName).toBe('not_an_event');
    expect(last().attributes[schemaErrorsKey]).toMatch(/not in the @logward\/schema taxonomy/);
  });

  it('is typed per event', () => {
    const { logger } = contextPipeline();
    emitSecurityEvent(logger, 'authz_fail', { 'logward.authz.resource': '/x' });
    // @ts-expect-error: a misspelt attribute is a type error
    emitSecurityEvent(logger, 'authz_fail', { 'logward.authz.resorce': '/x' });
    // @ts-expect-error: an attribute of another event is a type error
    emitSecurityEvent(logger, 'authz_fail', { 'logward.kcp.conv': 1 });
    // @ts-expect-error: a reason of kcp_conn_failed is not a reason of kcp_conn_closed
    emitSecurityEvent(logger, 'kcp_conn_closed', { 'logward.kcp.reason': 'handshake_timeout' });
    // @ts-expect-error: names outside the taxonomy do not compile
    emitSecurityEvent(logger, 'authz_fail:bob', {});
  });
});

describe('securityEvent timestamps', () => {
  // Loki keeps one entry per (stream, timestamp, line): identical events stamped with the same
  // millisecond collapse into one, so a brute-force burst could never reach a rule's threshold.
  it('gives a burst of identical events distinct, increasing timestamps', () => {
    const { logger, records } = contextPipeline();
    for (let i = 0; i < 50; i++) emitSecurityEvent(logger, 'authn_login_fail', { 'user.id': 'alice' });
    const stamps = records().map((r) => BigInt(r.hrTime[0]) * 1_000_000_000n + BigInt(r.hrTime[1]));
    expect(stamps).toHaveLength(50);
    expect(new Set(stamps).size).toBe(50);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! > stamps[i - 1]!).toBe(true);
  });

  it('keeps a caller-given timestamp as it is', () => {
    const { logger, last } = contextPipeline();
    emitSecurityEvent(logger, 'authn_login_fail', { timestamp: new Date('2026-11-23T08:00:00Z') });
    expect(last().hrTime).toEqual([Date.parse('2026-11-23T08:00:00Z') / 1000, 0]);
  });
});
