// The gateway fed by the real OpenTelemetry JS OTLPLogExporter (http/protobuf and http/json), as a Go,
// Java or Python service's SDK exporter would send, and the gateway over TLS on both sides.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { severityFor } from '@logward/schema';
import { startGateway } from '../src/gateway/index.ts';
import { forwardedRecords, startFakeLoki } from './gateway-fake-loki.ts';

const fake = { awsKeyId: 'AKIAIOSFODNN7EXAMPLE', githubPat: `ghp_${'x1Y2'.repeat(9)}` };
const token = 'test-only-gateway-token';
// The redactor's per-record time budget is wall time: raised so a loaded test machine cannot trip it.
const processing = { redaction: { budgetMs: 2000 } };

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  it(`the real OTLPLogExporter (${protocol}) into the gateway: processed records reach Loki`, async () => {
    const loki = await startFakeLoki();
    cleanup.push(loki.close);
    const gateway = await startGateway({ port: 0, token, processing, forward: { lokiUrl: loki.url } });
    cleanup.push(gateway.close);
    const Exporter = protocol === 'http/protobuf' ? OTLPProtoLogExporter : OTLPJsonLogExporter;
    const exporter = new Exporter({
      url: `${gateway.url}/v1/logs`,
      headers: { Authorization: `Bearer ${token}` },
    });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'kratos' }),
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    cleanup.push(() => provider.shutdown());
    const logger = provider.getLogger('github.com/ory/kratos/selfservice');
    logger.emit({
      eventName: 'authn_login_fail',
      body: `password login failed; leaked ${fake.awsKeyId}`,
      attributes: { 'user.id': 'bob', 'logward.authn.method': 'password', 'client.address': '203.0.113.9' },
    });
    logger.emit({
      eventName: 'privilege_permissions_changed',
      body: 'role changed',
      attributes: {
        'logward.privilege.target_user': 'alice',
        'logward.privilege.new_role': 'admin',
        token: fake.githubPat,
      },
    });
    await provider.forceFlush();

    const wire = loki.pushes.map((p) => p.body.toString('latin1')).join('');
    for (const secret of Object.values(fake)) expect(wire).not.toContain(secret);
    const records = forwardedRecords(loki);
    expect(records.map((r) => r.eventName)).toEqual(['authn_login_fail', 'privilege_permissions_changed']);
    const [login, privilege] = records;
    expect(login?.resource['service.name']).toBe('kratos');
    expect(login?.scope).toBe('github.com/ory/kratos/selfservice');
    expect(login?.attributes).toMatchObject({
      'otel.event.name': 'authn_login_fail',
      'user.id': 'bob',
      'logward.redaction.rules': 'aws-access-key-id',
    });
    expect(login?.severityText).toBe('WARN');
    expect(privilege?.attributes['otel.event.name']).toBe('privilege_permissions_changed');
    // The taxonomy's severity policy decides (OWASP: WARN for this event).
    expect(privilege?.severityNumber).toBe(severityFor('privilege_permissions_changed').severityNumber);
    expect(privilege?.severityText).toBe(severityFor('privilege_permissions_changed').severityText);
    expect(privilege?.attributes['token']).not.toBe(fake.githubPat);
  });
}

describe('TLS', () => {
  let dir: string;
  let pem: { key: string; cert: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'logward-gateway-tls-'));
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

  function postTls(url: string, body: string, ca: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('listens with HTTPS and forwards over HTTPS trusting exactly the configured CA', async () => {
    const loki = await startFakeLoki(pem);
    cleanup.push(loki.close);
    const gateway = await startGateway({
      port: 0,
      processing,
      tls: pem,
      forward: { lokiUrl: loki.url, ca: pem.cert, maxRetries: 0 },
    });
    cleanup.push(gateway.close);
    expect(gateway.url).toMatch(/^https:/);
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: `tls ${fake.awsKeyId}` } }] }] }],
    });
    expect(await postTls(`${gateway.url}/v1/logs`, body, pem.cert)).toBe(200);
    expect(forwardedRecords(loki)[0]?.body).toBe('tls [REDACTED:aws-access-key-id]');

    // Without the CA the gateway does not trust Loki's certificate: nothing is sent, the client gets 503.
    const untrusting = await startGateway({ port: 0, forward: { lokiUrl: loki.url, maxRetries: 0 } });
    cleanup.push(untrusting.close);
    const res = await fetch(`${untrusting.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toMatch(/certificate/);
    expect(loki.pushes).toHaveLength(1);
  });
});
