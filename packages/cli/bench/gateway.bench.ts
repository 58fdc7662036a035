// Throughput and added latency of `logward gateway`, as ratios against baselines measured in the same
// run: (1) the client posting straight to the sink, (2) the gateway forwarding without processing
// (decode → encode → forward), (3) the gateway with the @logward/otel processors. Batches of 100
// records (OTLP protobuf) from concurrent keep-alive clients to a local sink on 127.0.0.1.
// Everything runs in this one process (one event loop), so the figures are per core.
//   pnpm --filter @logward/cli bench:gateway   (env: BENCH_REQUESTS, BENCH_ROUNDS, BENCH_CONCURRENCY)
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeLogsRequest, startGateway, type Gateway } from '../src/gateway/index.ts';
import { countLogRecords, type LogsRequestMessage } from '../src/gateway/otlp-codec.ts';
import type { RecordPipeline } from '../src/gateway/pipeline.ts';

const batchSize = 100;
const requestsPerRound = Number(process.env['BENCH_REQUESTS'] ?? 300);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 8);

const str = (stringValue: string) => ({ stringValue });
const kv = (key: string, value: object) => ({ key, value });

/** A batch like a Go identity service sends: mostly ordinary lines, some security events, a few secrets. */
function batch(): LogsRequestMessage {
  const records = [];
  for (let i = 0; i < batchSize; i++) {
    const event = i % 10 === 0 ? 'authn_login_fail' : i % 25 === 0 ? 'authz_fail' : undefined;
    const secret = i % 20 === 0 ? ` token=ghp_${'x1Y2'.repeat(9)}` : '';
    records.push({
      timeUnixNano: String(1763888400000000000n + BigInt(i) * 1000000n),
      severityNumber: event ? 0 : 9,
      ...(event ? { eventName: event } : {}),
      body: str(`request ${i} handled for user u${i % 50} path /self-service/login/flows?id=${i}${secret}`),
      attributes: [
        kv('http.request.method', str('POST')),
        kv('url.path', str('/self-service/login')),
        kv('http.response.status_code', { intValue: event ? 401 : 200 }),
        kv('client.address', str(`203.0.113.${i % 250}`)),
        kv('user.id', str(`u${i % 50}`)),
        kv('logward.request.id', str(`req-${i}`)),
        kv('duration_ms', { doubleValue: 12.5 }),
      ],
    });
  }
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', str('kratos'))] },
        scopeLogs: [{ scope: { name: 'github.com/ory/kratos' }, logRecords: records }],
      },
    ],
  } as unknown as LogsRequestMessage;
}

const body = Buffer.from(encodeLogsRequest(batch()));

async function startSink() {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.writeHead(204).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytes: () => bytes,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function post(url: string): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${res.statusCode} from ${url}`));
          else resolve(Number(process.hrtime.bigint() - start) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Round {
  recordsPerSecond: number;
  medianMs: number;
  p99Ms: number;
}

async function round(url: string): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requestsPerRound) {
        next++;
        latencies.push(await post(url));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    recordsPerSecond: (requestsPerRound * batchSize) / seconds,
    medianMs: latencies[Math.floor(latencies.length / 2)]!,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const passThrough: RecordPipeline = {
  process: (request) => ({ records: countLogRecords(request), changed: new Set() }),
};

const sink = await startSink();
const gateways: Record<string, Gateway> = {
  'gateway, no processing': await startGateway({
    port: 0,
    pipeline: passThrough,
    concurrency,
    forward: { lokiUrl: sink.url, maxSockets: concurrency },
  }),
  'gateway with processors': await startGateway({
    port: 0,
    concurrency,
    processing: { context: { sessionIdKey: 'bench-only-session-hash-key-0123456789abcdef' } },
    forward: { lokiUrl: sink.url, maxSockets: concurrency },
  }),
};
const targets: Record<string, string> = {
  'direct to sink': `${sink.url}/otlp/v1/logs`,
  ...Object.fromEntries(Object.entries(gateways).map(([name, g]) => [name, `${g.url}/v1/logs`])),
};

console.log(
  `logward gateway benchmark: ${rounds} rounds x ${requestsPerRound} requests x ${batchSize} records, ` +
    `${concurrency} concurrent clients, ${body.length} bytes per request (protobuf), node ${process.version}`,
);
for (const url of Object.values(targets)) await round(url); // warm-up: JIT, connections, redactor caches
const results: Record<string, Round[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  // Interleaved so drift on a shared machine hits every scenario alike.
  for (const [name, url] of Object.entries(targets)) results[name]!.push(await round(url));
}

const summary = Object.fromEntries(
  Object.entries(results).map(([name, list]) => [
    name,
    {
      recordsPerSecond: median(list.map((r) => r.recordsPerSecond)),
      medianMs: median(list.map((r) => r.medianMs)),
      p99Ms: median(list.map((r) => r.p99Ms)),
    },
  ]),
);
const direct = summary['direct to sink']!;
const plain = summary['gateway, no processing']!;
console.log('');
console.log(
  'scenario                   records/s   median ms/req   p99 ms/req   throughput vs direct   vs no processing',
);
for (const [name, s] of Object.entries(summary)) {
  console.log(
    `${name.padEnd(25)} ${s.recordsPerSecond.toFixed(0).padStart(10)} ${s.medianMs.toFixed(2).padStart(15)} ` +
      `${s.p99Ms.toFixed(2).padStart(12)} ${(s.recordsPerSecond / direct.recordsPerSecond).toFixed(2).padStart(21)}x ` +
      `${(s.recordsPerSecond / plain.recordsPerSecond).toFixed(2).padStart(17)}x`,
  );
}
const full = summary['gateway with processors']!;
console.log('');
console.log(
  `latency added per ${batchSize}-record request (median): gateway ${(plain.medianMs - direct.medianMs).toFixed(2)} ms, ` +
    `processors ${(full.medianMs - plain.medianMs).toFixed(2)} ms more; ` +
    `processing cost per record ≈ ${(1e6 / full.recordsPerSecond - 1e6 / plain.recordsPerSecond).toFixed(1)} µs`,
);
console.log(`sink received ${(sink.bytes() / 1e6).toFixed(1)} MB`);

for (const g of Object.values(gateways)) await g.close();
agent.destroy();
await sink.close();
