// The OTLP → Loki mapping `logward scan` uses. The expected values are what Loki 3.7.6's
// /otlp/v1/logs stored for the same request (labels, line, structured metadata), except
// event_name, which Loki keeps only since PR #21229.
import { describe, expect, it } from 'vitest';
import { normalizeLabelName, otlpRecords } from '../src/index.ts';

const request = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'shop' } },
          { key: 'service.version', value: { stringValue: '1.2.3' } },
          { key: 'k8s.namespace.name', value: { stringValue: 'prod' } },
          { key: 'host.name', value: { stringValue: 'node-1' } },
          { key: 'deployment.environment', value: { stringValue: 'staging' } },
        ],
      },
      scopeLogs: [
        {
          scope: {
            name: '@logward/otel',
            version: '0.1.0',
            attributes: [{ key: 'scope.attr', value: { stringValue: 'x' } }],
          },
          logRecords: [
            {
              timeUnixNano: '1767225600000000000',
              observedTimeUnixNano: '1767225600000000005',
              severityNumber: 13,
              severityText: 'WARN',
              eventName: 'authn_login_fail',
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              flags: 1,
              body: { stringValue: 'login failed' },
              attributes: [
                { key: 'otel.event.name', value: { stringValue: 'authn_login_fail' } },
                { key: 'user.id', value: { stringValue: 'carol' } },
                { key: 'http.response.status_code', value: { intValue: '401' } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'ok', value: { boolValue: false } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                {
                  key: 'nested',
                  value: {
                    kvlistValue: {
                      values: [
                        { key: 'inner.key', value: { stringValue: 'v' } },
                        { key: 'n', value: { intValue: '1' } },
                      ],
                    },
                  },
                },
                { key: '3d-key', value: { stringValue: 'digit' } },
                { key: '_under', value: { stringValue: 'u' } },
              ],
            },
            {
              timeUnixNano: '1767225600000001000',
              body: {
                kvlistValue: {
                  values: [
                    { key: 'msg', value: { stringValue: 'structured body' } },
                    { key: 'n', value: { intValue: '3' } },
                  ],
                },
              },
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP records as Loki stores them', () => {
  it('promotes the default resource attributes to labels and keeps everything else as metadata', () => {
    const [first, second] = otlpRecords(request);
    expect(first!.labels).toEqual({
      service_name: 'shop',
      k8s_namespace_name: 'prod',
      deployment_environment: 'staging',
    });
    expect(first!.line).toBe('login failed');
    expect(first!.time).toBe(1767225600000000000n);
    expect(first!.metadata).toEqual({
      _under: 'u',
      detected_level: 'warn',
      event_name: 'authn_login_fail',
      flags: '1',
      host_name: 'node-1',
      http_response_status_code: '401',
      key_3d_key: 'digit',
      nested_inner_key: 'v',
      nested_n: '1',
      observed_timestamp: '1767225600000000005',
      ok: 'false',
      otel_event_name: 'authn_login_fail',
      ratio: '0.25',
      scope_attr: 'x',
      scope_name: '@logward/otel',
      scope_version: '0.1.0',
      service_version: '1.2.3',
      severity_number: '13',
      severity_text: 'WARN',
      span_id: 'eee19b7ec3c1b174',
      tags: '["a",2]',
      trace_id: '5b8efff798038103d269b633813fc60c',
      user_id: 'carol',
    });
    expect(second!.line).toBe('{"msg":"structured body","n":3}');
    expect(second!.metadata).toEqual({
      detected_level: 'unknown',
      host_name: 'node-1',
      scope_attr: 'x',
      scope_name: '@logward/otel',
      scope_version: '0.1.0',
      service_version: '1.2.3',
    });
  });

  it('names a missing service unknown_service and rejects what is not an export request', () => {
    const [record] = otlpRecords({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }],
    });
    expect(record!.labels).toEqual({ service_name: 'unknown_service' });
    expect(record!.time).toBeUndefined();
    expect(() => otlpRecords({ logs: [] })).toThrow(
      'not an OTLP ExportLogsServiceRequest (no resourceLogs array)',
    );
    expect(normalizeLabelName('http.request.method')).toBe('http_request_method');
  });
});
