// The committed JSON Schema, checked by a real JSON Schema validator (Ajv, draft 2020-12) the way a Go
// or other non-TypeScript producer would use it: it must accept what the zod schemas accept and reject
// what they reject.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonSchemaPath } from '../scripts/generate.ts';
import { securityEventNames, securityEventSchema } from '../src/index.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(jsonSchemaPath, 'utf8')));

const samples: Array<{ record: unknown; valid: boolean; why: string }> = [
  {
    why: 'a full login failure',
    valid: true,
    record: {
      eventName: 'authn_login_fail',
      severityNumber: 13,
      severityText: 'WARN',
      timestamp: '2026-11-23T08:00:00+01:00',
      body: 'login failed',
      attributes: {
        'otel.event.name': 'authn_login_fail',
        'user.id': 'bob',
        'client.address': '203.0.113.1',
        'client.port': 443,
        'logward.authn.method': 'password',
        'app.extra': { nested: [1, 'two'] },
      },
    },
  },
  {
    why: 'a KCP close with its reason',
    valid: true,
    record: {
      eventName: 'kcp_conn_closed',
      attributes: { 'logward.kcp.reason': 'dead_link', 'logward.kcp.conv': 4294967295 },
    },
  },
  {
    why: 'a name outside the taxonomy',
    valid: false,
    record: { eventName: 'authn_login_fail:bob', attributes: {} },
  },
  {
    why: 'a reason of another KCP event',
    valid: false,
    record: { eventName: 'kcp_conn_closed', attributes: { 'logward.kcp.reason': 'handshake_timeout' } },
  },
  {
    why: 'otel.event.name disagreeing with eventName',
    valid: false,
    record: { eventName: 'authz_fail', attributes: { 'otel.event.name': 'authz_change' } },
  },
  {
    why: 'a port out of range',
    valid: false,
    record: { eventName: 'authz_fail', attributes: { 'client.port': 70000 } },
  },
  {
    why: 'a severity word not in the list',
    valid: false,
    record: { eventName: 'authz_fail', severityText: 'LOUD', attributes: {} },
  },
  { why: 'no attributes object', valid: false, record: { eventName: 'authz_fail' } },
];

describe('security-event.schema.json under a JSON Schema validator', () => {
  it.each(samples)('$why: valid=$valid, in agreement with zod', ({ record, valid }) => {
    expect(validate(record), JSON.stringify(validate.errors)).toBe(valid);
    expect(securityEventSchema.safeParse(record).success).toBe(valid);
  });

  it('accepts the minimal record of every event', () => {
    for (const eventName of securityEventNames) {
      expect(validate({ eventName, attributes: { 'otel.event.name': eventName } }), eventName).toBe(true);
    }
  });
});
