// Benchmark: what logwardKoa adds per request. Two Koa apps on 127.0.0.1, one bare and one with the
// middleware in front of the same handler (events to a real SDK LoggerProvider with logward's context
// processor), driven alternately with keep-alive requests; prints the ratio against the bare app
// measured in the same run. Run: pnpm --filter @logward/egg bench
import { createServer, Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createSecurityContextProcessor } from '@logward/otel';
import {
  createRequestSecurity,
  logwardKoa,
  setLogwardHttpLogger,
  type IncomingRequestInfo,
} from '../src/index.ts';

const exporter = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({
  processors: [
    createSecurityContextProcessor({ sessionIdKey: 'bench-only-session-hash-key-0123456789abcdef' }),
    new SimpleLogRecordProcessor({ exporter }),
  ],
});
setLogwardHttpLogger(provider.getLogger('@logward/egg'));

function app(withLogward: boolean): Server {
  const koa = new Koa();
  if (withLogward)
    koa.use(logwardKoa({ trustedProxies: ['loopback'], sessionCookie: 'sid' }) as Koa.Middleware);
  koa.use(async (ctx) => {
    ctx.state.user = { id: 'alice' };
    ctx.status = ctx.path === '/denied' ? 403 : 200;
    ctx.body = 'ok';
  });
  return createServer(koa.callback());
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function get(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        headers: { cookie: 'sid=abc', 'x-forwarded-for': '203.0.113.9' },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function round(port: number, path: string, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await get(port, path);
  return performance.now() - start;
}

const bare = app(false);
const instrumented = app(true);
const barePort = await listen(bare);
const logwardPort = await listen(instrumented);
const n = 1000;
await round(barePort, '/', 200);
await round(logwardPort, '/', 200);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const path of ['/', '/denied']) {
  const b: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < 7; i++) {
    b.push(await round(barePort, path, n));
    l.push(await round(logwardPort, path, n));
  }
  const bm = median(b);
  const lm = median(l);
  console.log(
    `GET ${path} (${path === '/' ? 'no event' : 'authz_fail event each'}), ${n} sequential keep-alive requests, median of 7 interleaved:`,
  );
  console.log(`  bare Koa          ${bm.toFixed(0)} ms  (${((n / bm) * 1000).toFixed(0)} req/s)  1.00x`);
  console.log(
    `  with logwardKoa   ${lm.toFixed(0)} ms  (${((n / lm) * 1000).toFixed(0)} req/s)  ${(lm / bm).toFixed(2)}x`,
  );
}
// The framework-neutral core alone (context open, lazy user/route, finish), without HTTP noise.
const security = createRequestSecurity({ trustedProxies: ['loopback'], sessionCookie: 'sid' });
const info: IncomingRequestInfo = {
  method: 'GET',
  path: '/',
  headers: { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'bench' },
  peerAddress: '127.0.0.1',
  peerPort: 50000,
  localAddress: '127.0.0.1',
  localPort: 80,
  cookie: () => 'abc',
  authUser: () => ({ id: 'alice' }),
  route: () => undefined,
};
const coreRuns: number[] = [];
for (let k = 0; k < 5; k++) {
  const start = performance.now();
  for (let i = 0; i < 100_000; i++) security.run(info, () => security.finish(security.current(), 200));
  coreRuns.push(((performance.now() - start) * 1000) / 100_000);
}
console.log(
  `request-context core without HTTP (100,000 requests, median of 5): ${median(coreRuns).toFixed(1)} µs per request`,
);
agent.destroy();
bare.close();
instrumented.close();
await provider.shutdown();
