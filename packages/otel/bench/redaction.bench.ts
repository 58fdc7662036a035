// Throughput of the redaction processor on one core, for a realistic mix of log records (mostly
// clean, some with secrets, string and structured bodies), with the full default rule set.
// Ratios are against baselines measured in the same run:
//   - naive: the same rules with the prefilter off (every pattern over every string);
//   - @pinojs/redact (pino's redaction) on a key-only config, which cannot see secrets in text.
// Run: pnpm --filter @logward/otel bench      (plain node, no test runner; prints, asserts nothing)
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import * as sdk from '@opentelemetry/sdk-logs';
import { createRedactionProcessor, type RedactableLogRecord } from '../src/redaction/index.ts';
import { fakeSecrets, fakeSecretsInContext } from '../test/redaction-fixtures.ts';

const require = createRequire(import.meta.url);
const pinoRedact = require('@pinojs/redact') as (options: {
  paths: string[];
  serialize?: false;
  censor?: string;
}) => (value: object) => object;

const measureMs = Number(process.env.BENCH_MS ?? 3000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);

/** Deterministic PRNG (mulberry32) so every run benchmarks the same records. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Template {
  body: unknown;
  attributes: Record<string, unknown>;
}

function buildMix(count: number): Template[] {
  const rand = prng(20261123);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const routes = [
    '/api/orders/:id',
    '/api/cart',
    '/login',
    '/api/users/:id/profile',
    '/healthz',
    '/api/search',
  ];
  const methods = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
  const agents = [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    'curl/8.5.0',
    'okhttp/4.12.0',
  ];
  const secrets = [...Object.values(fakeSecrets), ...fakeSecretsInContext.map((c) => c.text)];
  const httpAttributes = (i: number): Record<string, unknown> => ({
    'http.request.method': pick(methods),
    'http.route': pick(routes),
    'url.path': `/api/orders/${1000 + i}`,
    'http.response.status_code': pick([200, 200, 200, 201, 204, 302, 400, 401, 404, 500]),
    'user.id': `u-${Math.floor(rand() * 5000)}`,
    // Header values arrive as fresh strings per request, not as shared constants.
    'user_agent.original': [...pick(agents)].join(''),
    'logward.request.id': `req-${(i * 2654435761) % 1e9}`,
  });
  const out: Template[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rand();
    const attributes = httpAttributes(i);
    if (roll < 0.6) {
      out.push({
        body: `${attributes['http.request.method']} ${attributes['url.path']} completed with status ${attributes['http.response.status_code']} in ${Math.floor(rand() * 900)} ms for ${attributes['user.id']}`,
        attributes,
      });
    } else if (roll < 0.8) {
      out.push({
        body: {
          msg: 'order placed',
          order: {
            id: `o-${i}`,
            items: [
              { sku: `SKU-${i % 97}`, qty: 1 + (i % 3) },
              { sku: 'SKU-7', qty: 2 },
            ],
            total: 42.5,
          },
          user: { id: attributes['user.id'], plan: pick(['free', 'pro', 'team']) },
          durationMs: Math.floor(rand() * 300),
        },
        attributes,
      });
    } else if (roll < 0.9) {
      // Secrets in text, in a structured body, or in an attribute.
      const secret = pick(secrets);
      const where = rand();
      if (where < 0.4) out.push({ body: `upstream call failed: ${secret} (retry 1)`, attributes });
      else if (where < 0.7)
        out.push({
          body: {
            msg: 'webhook received',
            headers: { authorization: 'Bearer FAKE.tok3n-0123456789', 'content-type': 'application/json' },
            payload: { note: `ref ${secret}` },
          },
          attributes,
        });
      else
        out.push({
          body: 'config loaded',
          attributes: { ...attributes, 'app.config.dump': `db=postgres ${secret} pool=10` },
        });
    } else {
      out.push({
        body: 'request failed',
        attributes: {
          ...attributes,
          'exception.type': 'TimeoutError',
          'exception.message': `upstream timed out after 3000ms calling inventory-service for order o-${i}`,
          'exception.stacktrace': `TimeoutError: upstream timed out\n    at Client.request (/app/node_modules/undici/lib/client.js:112:15)\n    at async OrderService.reserve (/app/src/orders/service.ts:${40 + (i % 50)}:7)\n    at async handler (/app/src/routes/orders.ts:18:3)`,
        },
      });
    }
  }
  return out;
}

/** A record like the SDK's LogRecordImpl as far as a processor can tell (shallow-copied attributes). */
class BenchRecord implements RedactableLogRecord {
  body: unknown;
  readonly attributes: Record<string, unknown>;
  constructor(template: Template) {
    this.body = template.body;
    this.attributes = { ...template.attributes };
  }
  setBody(body: unknown): this {
    this.body = body;
    return this;
  }
  setAttribute(key: string, value?: unknown): this {
    this.attributes[key] = value;
    return this;
  }
}

interface Result {
  name: string;
  recordsPerSecond: number;
  wallRecordsPerSecond: number;
}

/**
 * Records per second of CPU time consumed by this (single-threaded) process, i.e. records/s on
 * one core. The machine may be shared, so contenders run interleaved in several rounds and each
 * keeps its best round (the one least disturbed by other processes); wall-clock is printed too.
 */
interface Contender {
  name: string;
  run: (template: Template) => void;
  best: Result;
}

function round(contender: Contender, templates: readonly Template[], ms: number): void {
  let done = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < templates.length; k++) contender.run(templates[k]!);
    done += templates.length;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  const recordsPerSecond = done / ((cpu.user + cpu.system) / 1e6);
  if (recordsPerSecond > contender.best.recordsPerSecond) {
    contender.best = {
      name: contender.name,
      recordsPerSecond,
      wallRecordsPerSecond: (done / elapsed) * 1000,
    };
  }
}

function contender(name: string, run: (template: Template) => void): Contender {
  return { name, run, best: { name, recordsPerSecond: 0, wallRecordsPerSecond: 0 } };
}

function measureAll(contenders: Contender[], templates: readonly Template[]): Result[] {
  for (const c of contenders) for (let k = 0; k < templates.length; k++) c.run(templates[k]!); // warm-up
  for (let r = 0; r < rounds; r++) for (const c of contenders) round(c, templates, measureMs / rounds);
  return contenders.map((c) => c.best);
}

const templates = buildMix(20_000);
const config = { pseudonymKey: 'bench-pseudonym-key-0123456789abcdef' };
const redaction = createRedactionProcessor(config);
const naive = createRedactionProcessor(config, { prefilter: false });
const pino = pinoRedact({
  serialize: false,
  censor: '[REDACTED]',
  paths: [
    'body.password',
    'body.token',
    'body.secret',
    'body.headers.authorization',
    'body.headers.cookie',
    'body.*.password',
    'body.*.token',
    'body.*.secret',
    'body.*.authorization',
    'body.*.cookie',
    'attributes["http.request.header.authorization"]',
    'attributes["http.request.header.cookie"]',
    'attributes.password',
    'attributes.token',
  ],
});

// How much of the mix actually carries something to redact (sanity check of the workload).
let changed = 0;
for (const template of templates) {
  const record = new BenchRecord(template);
  redaction.onEmit(record);
  if ('logward.redaction.count' in record.attributes) changed++;
}

// The same processor inside a real sdk-logs 3.x pipeline (Logger.emit, no exporter work), to show
// what redaction adds to an emit.
function pipeline(withRedaction: boolean) {
  const sink: sdk.LogRecordProcessor = { onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new sdk.LoggerProvider({
    processors: withRedaction ? [createRedactionProcessor(config) as sdk.LogRecordProcessor, sink] : [sink],
  });
  const logger = provider.getLogger('bench');
  return (t: Template) => logger.emit({ body: t.body, attributes: t.attributes });
}

if (process.env.BENCH_BREAKDOWN === '1') {
  const groups = new Map<string, { ns: number; n: number }>();
  for (let round = 0; round < 30; round++) {
    for (const t of templates) {
      const rec = new BenchRecord(t);
      const t0 = process.hrtime.bigint();
      redaction.onEmit(rec);
      const dt = Number(process.hrtime.bigint() - t0);
      const kind = `${typeof t.body}${'exception.stacktrace' in t.attributes ? '+exception' : ''}${'logward.redaction.count' in rec.attributes ? '+findings' : ''}`;
      const g = groups.get(kind) ?? { ns: 0, n: 0 };
      if (round > 2) {
        g.ns += dt;
        g.n++;
      }
      groups.set(kind, g);
    }
  }
  let total = 0;
  for (const g of groups.values()) total += g.ns;
  for (const [k, g] of groups)
    console.log(
      k.padEnd(30),
      (g.ns / g.n).toFixed(0).padStart(6),
      'ns/record',
      ((g.ns / total) * 100).toFixed(1) + '% of time',
      g.n / 27,
      'records',
    );
  process.exit(0);
}

if (process.env.BENCH_PROFILE === '1') {
  // Only the processor, for `node --cpu-prof`.
  measureAll([contender('profile', (t) => redaction.onEmit(new BenchRecord(t)))], templates);
  process.exit(0);
}

const results = measureAll(
  [
    contender('logward redaction processor (prefilter)', (t) => redaction.onEmit(new BenchRecord(t))),
    contender('naive: every pattern over every string', (t) => naive.onEmit(new BenchRecord(t))),
    contender('@pinojs/redact, key paths only', (t) => {
      pino({ body: t.body, attributes: { ...t.attributes } });
    }),
    contender('sdk-logs 3.x Logger.emit, no redaction', pipeline(false)),
    contender('sdk-logs 3.x Logger.emit + redaction', pipeline(true)),
  ],
  templates,
);
const emitPlain = results[3]!;
const emitRedacted = results[4]!;
const [ours, naiveResult, pinoResult] = results as [Result, Result, Result];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}), one thread; records/s = records per CPU-second of this process`,
);
console.log(
  `mix: ${templates.length} records, ${((changed / templates.length) * 100).toFixed(1)}% with findings; best of ${rounds} interleaved rounds, ${measureMs} ms per contender`,
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(46)} ${fmt(r.recordsPerSecond).padStart(11)} records/s   (wall ${fmt(r.wallRecordsPerSecond)}/s)`,
  );
}
const vsNaive = ours.recordsPerSecond / naiveResult.recordsPerSecond;
const vsPino = ours.recordsPerSecond / pinoResult.recordsPerSecond;
const emitCost = 1e6 / emitRedacted.recordsPerSecond - 1e6 / emitPlain.recordsPerSecond;
console.log(
  `ratio vs naive baseline:        ${vsNaive.toFixed(1)}x   (target >= 10x: ${vsNaive >= 10 ? 'met' : 'NOT met'})`,
);
console.log(`ratio vs @pinojs/redact (keys): ${vsPino.toFixed(2)}x`);
console.log(
  `records/s/core:                 ${fmt(ours.recordsPerSecond)}   (target >= 300,000: ${ours.recordsPerSecond >= 300_000 ? 'met' : 'NOT met'})`,
);
console.log(`redaction adds ${emitCost.toFixed(2)} us per Logger.emit in a real sdk-logs 3.x pipeline`);
