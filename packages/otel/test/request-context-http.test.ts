// The request context through a real node:http server: the middleware pattern (runWithRequestContext
// around the handler, updateRequestContext after authentication) keeps concurrent requests apart
// across awaits, and every record of a request carries its own client and user.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runWithRequestContext, updateRequestContext } from '../src/context/index.ts';
import { emitSecurityEvent } from '../src/events/index.ts';
import { contextPipeline, sessionHash } from './helpers.ts';

// Stand-in for verified auth state (what koa-jwt puts in ctx.state.user): token → user.
const verifiedTokens = new Map([
  ['token-a', 'alice'],
  ['token-b', 'bob'],
  ['token-c', 'carol'],
]);

describe('request context over real HTTP', () => {
  it('attributes each record to its own request, client and authenticated user', async () => {
    const { logger, records } = contextPipeline();
    const server = createServer((req, res) =>
      runWithRequestContext(
        {
          requestId: String(req.headers['x-request-id']),
          clientAddress: req.socket.remoteAddress ?? '',
          clientPort: req.socket.remotePort ?? 0,
          httpMethod: req.method ?? '',
          urlPath: req.url ?? '',
        },
        async () => {
          const token = String(req.headers.authorization).replace('Bearer ', '');
          await sleep(Number(req.headers['x-delay']));
          updateRequestContext({
            userId: verifiedTokens.get(token) ?? 'anonymous',
            sessionId: `sid-${token}`,
          });
          await sleep(1);
          emitSecurityEvent(logger, 'sensitive_read', { 'logward.sensitive.object': req.url ?? '' });
          res.end('ok');
        },
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const ports = new Map<string, number>();
    const call = (id: string, token: string, delay: number) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/records/${id}`,
            headers: { 'x-request-id': id, authorization: `Bearer ${token}`, 'x-delay': String(delay) },
          },
          (res) => res.resume().on('end', resolve),
        );
        req.on('socket', (socket) => socket.on('connect', () => ports.set(id, socket.localPort ?? 0)));
        req.on('error', reject).end();
      });
    try {
      await Promise.all([call('r1', 'token-a', 15), call('r2', 'token-b', 0), call('r3', 'token-c', 7)]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const byRequest = new Map(records().map((r) => [r.attributes['logward.request.id'], r.attributes]));
    expect(byRequest.size).toBe(3);
    for (const [id, token] of [
      ['r1', 'token-a'],
      ['r2', 'token-b'],
      ['r3', 'token-c'],
    ] as const) {
      expect(byRequest.get(id)).toMatchObject({
        'user.id': verifiedTokens.get(token),
        'session.id': sessionHash(`sid-${token}`),
        'client.address': '127.0.0.1',
        'client.port': ports.get(id),
        'http.request.method': 'GET',
        'url.path': `/records/${id}`,
        'logward.sensitive.object': `/records/${id}`,
        'otel.event.name': 'sensitive_read',
      });
    }
  });
});
