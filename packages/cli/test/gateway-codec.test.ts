// The gateway's OTLP codec pieces on their own: splicing unchanged records back into a re-encoded
// request across several resources and scopes, and the fallbacks when the bytes are unexpected.
import { describe, expect, it } from 'vitest';
import { decodeLogsRequest, encodeReusingRecords, indexLogRecords } from '../src/gateway/index.ts';
import type { LogRecordMessage } from '../src/gateway/otlp-codec.ts';
import { RequestMessage } from './gateway-fake-loki.ts';

const str = (stringValue: string) => ({ stringValue });
const record = (body: string) => ({ timeUnixNano: '1763888400000000001', body: str(body) });

const request = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: str('a') }] },
      schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      scopeLogs: [
        { scope: { name: 's1', version: '1' }, logRecords: [record('a1'), record('a2')] },
        { scope: { name: 's2' }, schemaUrl: 'https://example.invalid/s2', logRecords: [record('a3')] },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: str('b') }] },
      scopeLogs: [{ logRecords: [record('b1')] }],
    },
    { scopeLogs: [] },
  ],
};
const bytes = RequestMessage.encode(RequestMessage.fromObject(request)).finish();

function plain(encoded: Uint8Array) {
  return RequestMessage.toObject(RequestMessage.decode(encoded), { longs: String });
}

describe('encodeReusingRecords', () => {
  it('finds every record in wire order and rebuilds an equal request, changed records re-encoded', () => {
    const originals = indexLogRecords(bytes);
    expect(originals).toHaveLength(4);
    const message = decodeLogsRequest(bytes, 'protobuf');
    const changed = new Set<LogRecordMessage>();
    const a3 = message.resourceLogs![0]!.scopeLogs![1]!.logRecords![0]!;
    a3.body = str('a3 changed');
    changed.add(a3);
    const out = encodeReusingRecords(message, originals, changed);
    const expected = structuredClone(request);
    expected.resourceLogs[0]!.scopeLogs[1]!.logRecords[0]!.body = str('a3 changed');
    expect(plain(out)).toEqual(plain(RequestMessage.encode(RequestMessage.fromObject(expected)).finish()));
  });

  it('with nothing changed the output is the input byte for byte', () => {
    const out = encodeReusingRecords(decodeLogsRequest(bytes, 'protobuf'), indexLogRecords(bytes), new Set());
    expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
  });

  it('truncated or odd bytes give no index, and a count mismatch falls back to encoding everything', () => {
    expect(indexLogRecords(bytes.subarray(0, bytes.length - 3))).toBeUndefined();
    expect(indexLogRecords(Uint8Array.from([0x0b]))).toBeUndefined(); // wire type 3 (groups)
    const message = decodeLogsRequest(bytes, 'protobuf');
    const out = encodeReusingRecords(message, [], new Set());
    expect(plain(out)).toEqual(plain(bytes));
  });
});
