// The gateway end to end on 127.0.0.1: a real gateway (startGateway) in front of a local node:http
// "Loki" that captures the forwarded bytes. No test is timed; waits poll the gateway's own state.
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type Gateway, type GatewayOptions } from '../src/gateway/index.ts';
import {
  closedPort,
  decodeForwarded,
  forwardedRecords,
  LogRecordMessage,
  RequestMessage,
  ResponseMessage,
  startFakeLoki,
  until,
  type FakeLoki,
} from './gateway-fake-loki.ts';

// Obviously fake credentials of the real shapes.
const fake = {
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  githubPat: `ghp_${'x1Y2'.repeat(9)}`,
  urlPassword: 'not-a-real-pass-7',
};
const sessionKey = 'test-only-session-hash-key-0123456789abcdef';
// The redactor's per-record time budget (10 ms by default) is wall time; on a loaded test machine a
// descheduled process can exceed it and the record is masked wholesale, by design. Tests raise it.
const budgetMs = 2000;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(options: Partial<GatewayOptions> = {}, loki?: FakeLoki) {
  const fakeLoki = loki ?? (await startFakeLoki());
  if (!loki) cleanup.push(fakeLoki.close);
  const gateway: Gateway = await startGateway({
    port: 0,
    processing: { context: { sessionIdKey: sessionKey }, redaction: { budgetMs } },
    ...options,
    forward: { retryBackoffMs: 5, ...options.forward, lokiUrl: options.forward?.lokiUrl || fakeLoki.url },
  });
  cleanup.push(gateway.close);
  return { loki: fakeLoki, gateway };
}

const str = (stringValue: string) => ({ stringValue });
const kv = (key: string, value: object) => ({ key, value });

/** An OTLP/JSON ExportLogsServiceRequest as a Go service's SDK would send it. */
function kratosRequest() {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [kv('service.name', str('kratos')), kv('service.namespace', str('identity'))],
        },
        scopeLogs: [
          {
            scope: { name: 'github.com/ory/kratos', attributes: [kv('scope.kind', str('go'))] },
            logRecords: [
              {
                timeUnixNano: '1763888400123456789',
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                eventName: 'authn_login_fail',
                body: str(`login failed for bob, aws key ${fake.awsKeyId}\nINFO forged line`),
                attributes: [
                  kv('user.id', str('bob')),
                  kv('client.address', str('203.0.113.9')),
                  kv('session.id', str('raw-session-cookie-value')),
                  kv('logward.authn.method', str('password')),
                  kv('request.count', { intValue: '9007199254740993' }),
                  kv('ratio', { doubleValue: 2 }),
                  kv('__proto__', str('an ordinary key')),
                ],
              },
              {
                // A bridge (slog, zap) that carries the event only as an attribute.
                timeUnixNano: '1763888400223456789',
                body: {
                  kvlistValue: {
                    values: [
                      kv('msg', str('db connect')),
                      kv('dsn', str(`postgres://svc:${fake.urlPassword}@db.internal:5432/pay`)),
                    ],
                  },
                },
                attributes: [
                  kv('otel.event.name', str('authz_fail')),
                  kv('github.token', str(fake.githubPat)),
                ],
              },
              {
                timeUnixNano: '1763888400323456789',
                severityNumber: 17,
                severityText: 'ERROR',
                eventName: 'sys_crash',
                body: str('explicit level wins'),
              },
              { timeUnixNano: '1763888400423456789', body: str('an ordinary log line') },
            ],
          },
        ],
      },
    ],
  };
}

/** A length-delimited protobuf field (tag + length + bytes), for requests built by hand. */
function field(number: number, content: Buffer): Buffer {
  const length: number[] = [];
  let v = content.length;
  while (v > 0x7f) {
    length.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  length.push(v);
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), content]);
}

async function post(gateway: Gateway, body: Uint8Array | string, headers: Record<string, string>) {
  const res = await fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function expectProcessed(loki: FakeLoki) {
  expect(loki.pushes).toHaveLength(1);
  const push = loki.pushes[0]!;
  expect(push.path).toBe('/otlp/v1/logs');
  // Exactly this type: Loki rejects parameters such as charset.
  expect(push.headers['content-type']).toBe('application/x-protobuf');
  const wire = push.body.toString('latin1');
  for (const secret of Object.values(fake)) expect(wire).not.toContain(secret);
  expect(wire).not.toContain('raw-session-cookie-value');

  const [login, authz, crash, plain] = decodeForwarded(push);
  expect(login?.resource).toEqual({ 'service.name': 'kratos', 'service.namespace': 'identity' });
  expect(login?.scope).toBe('github.com/ory/kratos');
  expect(login?.eventName).toBe('authn_login_fail');
  expect(login?.attributes['otel.event.name']).toBe('authn_login_fail');
  expect(login?.severityNumber).toBe(13); // authn_login_fail is WARN by the OWASP vocabulary
  expect(login?.severityText).toBe('WARN');
  // The forged line break is encoded visibly, the key redacted, the rest of the line kept.
  expect(login?.body).toBe('login failed for bob, aws key [REDACTED:aws-access-key-id]\\nINFO forged line');
  expect(login?.attributes['session.id']).toBe(
    createHmac('sha256', sessionKey).update('raw-session-cookie-value').digest('hex').slice(0, 32),
  );
  expect(login?.attributes['user.id']).toBe('bob');
  expect(login?.attributes['logward.schema.errors']).toBeUndefined(); // attributes as the schema types them
  expect(login?.attributes['logward.redaction.count']).toBe('int:1');
  expect(login?.attributes['logward.redaction.rules']).toBe('aws-access-key-id');
  // Untouched fields reach Loki exactly as sent: trace ids, time, int64 beyond 2^53, a double.
  expect(login?.traceId).toBe('5b8efff798038103d269b633813fc60c');
  expect(login?.spanId).toBe('eee19b7ec3c1b174');
  expect(login?.timeUnixNano).toBe('1763888400123456789');
  expect(login?.attributes['request.count']).toBe('int:9007199254740993');
  expect(login?.attributes['ratio']).toBe(2);
  expect(Object.getOwnPropertyDescriptor(login?.attributes, '__proto__')?.value).toBe('an ordinary key');

  expect(authz?.eventName).toBe('authz_fail'); // recovered from the attribute
  expect(authz?.severityNumber).toBe(18); // CRITICAL
  expect(JSON.stringify(authz?.body)).not.toContain(fake.urlPassword);
  expect(authz?.attributes['logward.redaction.count']).toBe('int:2');

  expect(crash?.severityNumber).toBe(17); // the service's explicit level wins
  expect(crash?.severityText).toBe('ERROR');
  expect(crash?.attributes['otel.event.name']).toBe('sys_crash');

  expect(plain?.eventName).toBeUndefined();
  expect(plain?.severityNumber).toBeUndefined();
  expect(plain?.attributes).toEqual({});
}

describe('logward gateway: records in, processed records out', () => {
  it('OTLP/JSON in (charset parameter accepted): classified, neutralized, redacted, forwarded as protobuf', async () => {
    const { loki, gateway } = await setup();
    const res = await post(gateway, JSON.stringify(kratosRequest()), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(res.body.toString())).toEqual({});
    expectProcessed(loki);
    expect(gateway.stats()).toMatchObject({ receivedRequests: 1, receivedRecords: 4, forwardedRequests: 1 });
  });

  it('OTLP protobuf with gzip in: the same processing; answered with a protobuf response', async () => {
    const { loki, gateway } = await setup();
    const json = kratosRequest();
    // The protobuf form of the same request (ids as bytes).
    const lr = json.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]! as Record<string, unknown>;
    lr['traceId'] = Buffer.from(lr['traceId'] as string, 'hex');
    lr['spanId'] = Buffer.from(lr['spanId'] as string, 'hex');
    const bytes = RequestMessage.encode(RequestMessage.fromObject(json)).finish();
    const res = await post(gateway, gzipSync(bytes), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(ResponseMessage.toObject(ResponseMessage.decode(res.body), {})).toEqual({});
    expectProcessed(loki);
  });

  it('records no processor changed are forwarded byte for byte (even fields newer than the gateway knows)', async () => {
    const { loki, gateway } = await setup();
    const LogRecord = LogRecordMessage;
    // A plain record plus field 99 (varint 1), which no proto the gateway has defines.
    const plain = Buffer.concat([
      Buffer.from(
        LogRecord.encode(
          LogRecord.fromObject({ timeUnixNano: '1763888400000000001', body: str('plain') }),
        ).finish(),
      ),
      Buffer.from([0x98, 0x06, 0x01]),
    ]);
    const event = Buffer.from(
      LogRecord.encode(
        LogRecord.fromObject({ eventName: 'authz_fail', body: str(`denied ${fake.awsKeyId}`) }),
      ).finish(),
    );
    const request = field(1, Buffer.concat([field(2, Buffer.concat([field(2, plain), field(2, event)]))]));
    const res = await post(gateway, request, { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    const forwarded = loki.pushes[0]!.body;
    expect(forwarded.includes(field(2, plain))).toBe(true);
    expect(forwarded.includes(event)).toBe(false);
    const [first, second] = decodeForwarded(loki.pushes[0]!);
    expect(first?.body).toBe('plain');
    expect(second).toMatchObject({
      eventName: 'authz_fail',
      severityText: 'CRITICAL',
      body: 'denied [REDACTED:aws-access-key-id]',
    });
  });

  it('redaction rules from the gateway config apply (a custom rule and a disabled default)', async () => {
    const { loki, gateway } = await setup({
      processing: {
        redaction: {
          budgetMs,
          rules: [{ id: 'order-token', pattern: 'ORD-[0-9]{6}', action: 'mask' }],
          disable: ['aws-access-key-id'],
        },
      },
    });
    const body = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ body: str(`order ORD-123456 key ${fake.awsKeyId}`) }] }] },
      ],
    };
    expect((await post(gateway, JSON.stringify(body), { 'content-type': 'application/json' })).status).toBe(
      200,
    );
    const [record] = forwardedRecords(loki);
    expect(record?.body).toBe(`order [REDACTED:order-token] key ${fake.awsKeyId}`);
    expect(record?.attributes['logward.redaction.rules']).toBe('order-token');
  });

  it('taxonomy events with attributes of the wrong type get logward.schema.errors and still go through', async () => {
    const { loki, gateway } = await setup();
    const body = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  eventName: 'authn_login_fail',
                  attributes: [
                    kv('client.port', str('not-a-port')),
                    kv('custom.thing', { bytesValue: 'AAE=' }),
                  ],
                },
                { eventName: 'not_in_taxonomy', attributes: [kv('client.port', str('x'))] },
              ],
            },
          ],
        },
      ],
    };
    expect((await post(gateway, JSON.stringify(body), { 'content-type': 'application/json' })).status).toBe(
      200,
    );
    const [wrong, other] = forwardedRecords(loki);
    expect(wrong?.attributes['logward.schema.errors']).toMatch(/^client\.port: /);
    expect(wrong?.attributes['custom.thing']).toBe('bytes:AAE=');
    expect(other?.attributes['logward.schema.errors']).toBeUndefined(); // other event names are the service's own
  });

  it('an empty request is answered without bothering Loki', async () => {
    const { loki, gateway } = await setup();
    const res = await post(gateway, '{}', { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(loki.pushes).toHaveLength(0);
  });
});

describe('logward gateway: bad requests', () => {
  it('415 for other content types, 400 for broken bodies, 404/405 elsewhere', async () => {
    const { loki, gateway } = await setup();
    const plain = await post(gateway, 'hello', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body.toString()).message).toMatch(/application\/x-protobuf or application\/json/);
    const badJson = await post(gateway, '{"resourceLogs": [', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body.toString()).message).toMatch(/invalid JSON/);
    const badShape = await post(gateway, '{"resourceLogs": [{"scopeLogs": [{"logRecords": 5}]}]}', {
      'content-type': 'application/json',
    });
    expect(badShape.status).toBe(400);
    expect(JSON.parse(badShape.body.toString()).message).toMatch(/logRecords: array expected/);
    const badProto = await post(gateway, Buffer.from([0x0a, 0xff, 0xff, 0xff]), {
      'content-type': 'application/x-protobuf',
    });
    expect(badProto.status).toBe(400);
    const badGzip = await post(gateway, 'not gzip', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(badGzip.status).toBe(400);
    expect((await fetch(`${gateway.url}/v1/logs`)).status).toBe(405);
    expect((await fetch(`${gateway.url}/v1/traces`, { method: 'POST' })).status).toBe(404);
    expect(loki.pushes).toHaveLength(0);
  });

  it('a client that disconnects mid-body gives its queue slot back', async () => {
    const { loki, gateway } = await setup({ queueSize: 1 });
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resource',
    );
    await until(() => gateway.stats().queued === 1, 'the half-sent request to hold a slot');
    socket.destroy();
    await until(() => gateway.stats().queued === 0, 'the slot to be released');
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(loki.pushes).toHaveLength(1);
  });

  it('413 beyond the body limit, also after decompression', async () => {
    const { gateway } = await setup({ maxBodyBytes: 1000 });
    const big = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: str('x'.repeat(5000)) }] }] }],
    });
    expect((await post(gateway, big, { 'content-type': 'application/json' })).status).toBe(413);
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(1000);
    const res = await post(gateway, zipped, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(413);
  });
});

describe('logward gateway: auth', () => {
  it('requires the bearer token when one is configured; health endpoints stay open', async () => {
    const { loki, gateway } = await setup({ token: 'test-only-gateway-token' });
    const body = JSON.stringify(kratosRequest());
    const none = await post(gateway, body, { 'content-type': 'application/json' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post(gateway, body, {
      'content-type': 'application/json',
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect(loki.pushes).toHaveLength(0);
    const right = await post(gateway, body, {
      'content-type': 'application/json',
      authorization: 'Bearer test-only-gateway-token',
    });
    expect(right.status).toBe(200);
    expect(loki.pushes).toHaveLength(1);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('sends the configured credentials and tenant to Loki', async () => {
    const { loki, gateway } = await setup({
      forward: { lokiUrl: '', authorization: 'Basic dGVzdDp0ZXN0', tenant: 'shop' },
    });
    await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(loki.pushes[0]?.headers['authorization']).toBe('Basic dGVzdDp0ZXN0');
    expect(loki.pushes[0]?.headers['x-scope-orgid']).toBe('shop');
  });
});

describe('logward gateway: backpressure and Loki failures', () => {
  it('429 with Retry-After when the queue is full; the held requests go through once Loki answers', async () => {
    const { loki, gateway } = await setup({ queueSize: 2, concurrency: 1 });
    loki.behaviour = { kind: 'hang' };
    const body = JSON.stringify(kratosRequest());
    const first = post(gateway, body, { 'content-type': 'application/json' });
    const second = post(gateway, body, { 'content-type': 'application/json' });
    await loki.waitForPushes(1);
    await until(() => gateway.stats().queued === 2, 'two held requests');
    const third = await post(gateway, body, { 'content-type': 'application/json' });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(third.body.toString())).toMatchObject({
      code: 8,
      message: expect.stringMatching(/queue is full/),
    });
    expect(gateway.stats().queueFullRejections).toBe(1);
    // Only one request at a time goes to Loki (concurrency 1): the second is still waiting.
    expect(loki.pushes).toHaveLength(1);
    loki.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(loki.pushes).toHaveLength(2);
  });

  it('503 with Retry-After when Loki is unreachable and retries are exhausted; /readyz says so', async () => {
    const port = await closedPort();
    const { gateway } = await setup({ forward: { lokiUrl: `http://127.0.0.1:${port}`, maxRetries: 2 } });
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(res.body.toString())).toMatchObject({
      code: 14,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/Loki not reachable/);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('retries a failing Loki (503) exactly max-retries times, then answers 503', async () => {
    const { loki, gateway } = await setup({ forward: { lokiUrl: '', maxRetries: 3 } });
    loki.behaviour = { kind: 'status', status: 503, body: 'ingester not ready' };
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body.toString()).message).toMatch(/Loki answered 503: ingester not ready/);
    expect(loki.pushes).toHaveLength(4);
  });

  it('a Loki 429 is retried, then passed on as 429 with its Retry-After', async () => {
    const { loki, gateway } = await setup({ forward: { lokiUrl: '', maxRetries: 1 } });
    loki.behaviour = { kind: 'status', status: 429, body: 'rate limited', headers: { 'retry-after': '0' } };
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(loki.pushes).toHaveLength(2);
  });

  it("Loki refusing the data (400) is not retried and reaches the client as 400 with Loki's text", async () => {
    const { loki, gateway } = await setup();
    loki.behaviour = { kind: 'status', status: 400, body: 'entry too far behind' };
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).message).toBe('Loki answered 400: entry too far behind');
    expect(loki.pushes).toHaveLength(1);
  });

  it("Loki's partial_success reaches the client in the client's encoding", async () => {
    const { loki, gateway } = await setup();
    const partial = { partialSuccess: { rejectedLogRecords: 2, errorMessage: 'stream limit exceeded' } };
    loki.behaviour = {
      kind: 'status',
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(ResponseMessage.encode(ResponseMessage.fromObject(partial)).finish()),
    };
    const res = await post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual(partial);
  });
});

describe('logward gateway: health and shutdown', () => {
  it('/healthz answers while running; /readyz asks Loki /ready', async () => {
    const { loki, gateway } = await setup();
    expect(await (await fetch(`${gateway.url}/healthz`)).text()).toBe('ok\n');
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(loki.readyChecks).toBe(1);
  });

  it('close() stops accepting, forwards what is queued, then resolves', async () => {
    const { loki, gateway } = await setup();
    loki.behaviour = { kind: 'hang' };
    const pending = post(gateway, JSON.stringify(kratosRequest()), { 'content-type': 'application/json' });
    await loki.waitForPushes(1);
    let closed = false;
    const closing = gateway.close().then(() => (closed = true));
    await until(() => gateway.stats().queued === 1, 'the held request');
    expect(closed).toBe(false);
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    loki.release();
    expect((await pending).status).toBe(200);
    await closing;
    expect(closed).toBe(true);
    expect(forwardedRecords(loki)).toHaveLength(4);
  });
});
