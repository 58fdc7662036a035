// The example Egg app (examples/egg-shop) as a user starts it: a child process whose logward plugin
// starts the OTel pipeline from config.logward.otel and exports over OTLP/HTTP (JSON here) to a
// receiver in this test. Checks the events and a bridged ctx.logger line arrive with request context.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, close } from './helpers.ts';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/egg-shop');

interface Received {
  eventName?: string;
  body: string;
  attributes: Record<string, unknown>;
  service?: string;
}

const received: Received[] = [];
let receiver: Server;
let child: ChildProcess;
let appUrl = '';

function value(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v)
    return ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(value);
  return v;
}

async function waitFor<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const found = check();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rl of request.resourceLogs ?? []) {
        const service = rl.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name');
        for (const sl of rl.scopeLogs ?? []) {
          for (const lr of sl.logRecords ?? []) {
            received.push({
              eventName: lr.eventName,
              body: String(value(lr.body)),
              attributes: Object.fromEntries(
                (lr.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [
                  a.key,
                  value(a.value),
                ]),
              ),
              service: value(service?.value) as string,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const receiverUrl = await listen(receiver);
  child = spawn(process.execPath, ['server.js'], {
    cwd: exampleDir,
    env: {
      ...process.env,
      PORT: '0',
      LOGWARD_OTLP_ENDPOINT: `${receiverUrl}/otlp`,
      LOGWARD_OTLP_PROTOCOL: 'http/json',
      TRUSTED_PROXIES: 'loopback',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  appUrl = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1], 'the example to start');
}, 60_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await new Promise((r) => child?.once('exit', r));
  await close(receiver);
});

describe('examples/egg-shop', () => {
  it('exports app-reported and automatic events and bridged logger lines with request context', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${appUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/login', { username: 'alice', password: 'wrong' }, { 'x-forwarded-for': '203.0.113.5' }))
        .status,
    ).toBe(401);
    const ok = await post(
      '/login',
      { username: 'alice', password: 'demo-password-alice' },
      { 'x-request-id': 'egg-example-1' },
    );
    expect(ok.status).toBe(200);
    expect((await fetch(`${appUrl}/admin/users/1`)).status).toBe(403);

    const fail = await waitFor(
      () => received.find((r) => r.eventName === 'authn_login_fail'),
      'authn_login_fail',
    );
    expect(fail.service).toBe('egg-shop');
    expect(fail.attributes).toMatchObject({
      'user.id': 'alice',
      'client.address': '203.0.113.5',
      'url.path': '/login',
    });
    const denied = await waitFor(() => received.find((r) => r.eventName === 'authz_fail'), 'authz_fail');
    expect(denied.attributes).toMatchObject({
      'http.route': '/admin/users/:id',
      'http.response.status_code': 403,
    });
    const line = await waitFor(
      () => received.find((r) => r.body.includes('user alice logged in')),
      'the ctx.logger line',
    );
    expect(line.attributes).toMatchObject({ 'logward.request.id': 'egg-example-1', 'user.id': 'alice' });
    expect(received.filter((r) => r.eventName === 'authn_login_success')).toHaveLength(1);
  });
});
