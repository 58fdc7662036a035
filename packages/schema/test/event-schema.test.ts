import { describe, expect, it } from 'vitest';
import {
  eventDefinitions,
  eventSchemas,
  securityEventNames,
  securityEventSchema,
  type SecurityEvent,
} from '../src/index.ts';

describe('event schemas', () => {
  it('parses a well-formed event and keeps extra attributes', () => {
    const record = {
      eventName: 'authn_login_fail',
      severityText: 'WARN',
      severityNumber: 13,
      timestamp: '2026-11-23T08:00:00+00:00',
      body: 'login failed for bob',
      attributes: {
        'user.id': 'bob',
        'client.address': '203.0.113.9',
        'client.port': 51234,
        'logward.authn.method': 'password',
        'app.tenant': 'shop',
      },
    } satisfies SecurityEvent;
    expect(securityEventSchema.parse(record)).toEqual(record);
  });

  it('rejects a wrong attribute type with the path of the attribute', () => {
    const result = securityEventSchema.safeParse({
      eventName: 'kcp_input_rejected',
      attributes: { 'logward.kcp.reason': 'cosmic_rays', 'client.port': 70000 },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('/'));
    expect(paths).toEqual(
      expect.arrayContaining(['attributes/logward.kcp.reason', 'attributes/client.port']),
    );
  });

  it('rejects names outside the taxonomy and OWASP strings with arguments', () => {
    expect(securityEventSchema.safeParse({ eventName: 'authn_login_fail:bob', attributes: {} }).success).toBe(
      false,
    );
    expect(securityEventSchema.safeParse({ eventName: 'made_up', attributes: {} }).success).toBe(false);
  });

  it('uses a different reason enum per KCP event', () => {
    const closed = eventSchemas.kcp_conn_closed;
    const failed = eventSchemas.kcp_conn_failed;
    const ok = (s: typeof closed | typeof failed, reason: string) =>
      s.safeParse({ eventName: s.shape.eventName.value, attributes: { 'logward.kcp.reason': reason } })
        .success;
    expect(ok(closed, 'idle_timeout')).toBe(true);
    expect(ok(closed, 'handshake_timeout')).toBe(false);
    expect(ok(failed, 'handshake_timeout')).toBe(true);
  });

  it('accepts every attribute defined for each event (all optional per OWASP)', () => {
    for (const name of securityEventNames) {
      const schema = eventSchemas[name];
      expect(schema.safeParse({ eventName: name, attributes: {} }).success, name).toBe(true);
      const keys = Object.keys(schema.shape.attributes.shape);
      expect(keys).toEqual(expect.arrayContaining(Object.keys(eventDefinitions[name].attributes)));
    }
  });
});
