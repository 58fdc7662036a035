// startSecurityLogging over HTTPS with a private CA and gzip: the exporter trusts exactly the CA given in
// `tls.ca`. The certificate is made for this run by the openssl CLI (self-signed, CN/SAN 127.0.0.1).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityEvent, startSecurityLogging } from '../src/setup/index.ts';
import { testSessionKey } from './helpers.ts';
import { decodeRequest, startOtlpReceiver } from './otlp-receiver.ts';

let pem: { key: string; cert: string };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logward-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'])
      .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    { stdio: 'ignore' },
  );
  pem = {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS and compression', () => {
  it('exports gzip-compressed OTLP/JSON over HTTPS to a server signed by the configured CA', async () => {
    const receiver = await startOtlpReceiver(pem);
    const handle = startSecurityLogging({
      serviceName: 'tls-svc',
      endpoint: receiver.baseUrl,
      protocol: 'http/json',
      compression: 'gzip',
      tls: { ca: pem.cert },
      context: { sessionIdKey: testSessionKey },
      redaction: { budgetMs: 60_000 }, // wall-clock budget lifted: no timing dependence in tests
    });
    try {
      securityEvent('sys_monitor_disabled', { 'logward.sys.monitor': 'waf' });
      await handle.forceFlush();
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]?.headers['content-encoding']).toBe('gzip');
      const [record] = decodeRequest(receiver.requests[0]!);
      expect(record).toMatchObject({
        resource: { 'service.name': 'tls-svc' },
        eventName: 'sys_monitor_disabled',
        severityNumber: 13,
        attributes: { 'otel.event.name': 'sys_monitor_disabled', 'logward.sys.monitor': 'waf' },
      });
    } finally {
      await handle.shutdown();
      await receiver.close();
    }
  });

  it('sends nothing to a server whose certificate the configured CA did not sign', async () => {
    const receiver = await startOtlpReceiver(pem);
    const handle = startSecurityLogging({
      serviceName: 'tls-svc',
      endpoint: receiver.baseUrl,
      exportTimeoutMillis: 2000,
      context: { sessionIdKey: testSessionKey },
      registerGlobal: false,
    });
    try {
      handle.provider.getLogger('t').emit({ eventName: 'sys_startup' });
      await handle.forceFlush().catch(() => undefined);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await handle.shutdown().catch(() => undefined);
      await receiver.close();
    }
  });
});
