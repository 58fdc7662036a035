// The processor inside real LoggerProviders of both OTel JS lines (sdk-logs 3.x and the 0.2xx
// line, with their own SimpleLogRecordProcessor + InMemoryLogRecordExporter), a real MeterProvider
// for the counters, and a real OTLP/HTTP exporter whose request bytes must carry no secret.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import * as sdk3 from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import * as sdk0208 from 'sdk-logs-0208';
import * as sdk0223 from 'sdk-logs-0223';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedactionProcessor,
  redactionFailedMarker,
  type RedactionConfigInput,
  type RedactionProcessorOptions,
} from '../src/redaction/index.ts';
import { fakeSecrets, testRedactionConfig } from './redaction-fixtures.ts';

interface Exported {
  body?: unknown;
  attributes: Record<string, unknown>;
}
interface Harness {
  emit(record: Record<string, unknown>): void;
  records(): Exported[];
}
interface Line {
  name: string;
  hasExceptionField: boolean;
  build(processor: unknown, limits?: { attributeCountLimit: number }): Harness;
}

const lines: Line[] = [
  {
    name: 'sdk-logs 3.x',
    hasExceptionField: true,
    build(processor, limits) {
      const exporter = new sdk3.InMemoryLogRecordExporter();
      const provider = new sdk3.LoggerProvider({
        ...(limits ? { logRecordLimits: limits } : {}),
        processors: [processor as sdk3.LogRecordProcessor, new sdk3.SimpleLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('redaction-test');
      return {
        emit: (r) => logger.emit(r),
        records: () => exporter.getFinishedLogRecords() as unknown as Exported[],
      };
    },
  },
  {
    name: 'sdk-logs 0.223.1',
    hasExceptionField: true,
    build(processor, limits) {
      const exporter = new sdk0223.InMemoryLogRecordExporter();
      const provider = new sdk0223.LoggerProvider({
        ...(limits ? { logRecordLimits: limits } : {}),
        processors: [
          processor as sdk0223.LogRecordProcessor,
          new sdk0223.SimpleLogRecordProcessor({ exporter }),
        ],
      });
      const logger = provider.getLogger('redaction-test');
      return {
        emit: (r) => logger.emit(r as Parameters<typeof logger.emit>[0]),
        records: () => exporter.getFinishedLogRecords() as unknown as Exported[],
      };
    },
  },
  {
    name: 'sdk-logs 0.208.0',
    hasExceptionField: false,
    build(processor, limits) {
      const exporter = new sdk0208.InMemoryLogRecordExporter();
      const provider = new sdk0208.LoggerProvider({
        ...(limits ? { logRecordLimits: limits } : {}),
        processors: [processor as sdk0208.LogRecordProcessor, new sdk0208.SimpleLogRecordProcessor(exporter)],
      });
      const logger = provider.getLogger('redaction-test');
      return {
        emit: (r) => logger.emit(r as Parameters<typeof logger.emit>[0]),
        records: () => exporter.getFinishedLogRecords() as unknown as Exported[],
      };
    },
  },
];

function processor(config: RedactionConfigInput = {}, options: RedactionProcessorOptions = {}) {
  return createRedactionProcessor({ ...testRedactionConfig, ...config }, options);
}

function meterHarness() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    /** Sum per attribute value of one counter, read from a real collection. */
    async sums(name: string, attribute: string): Promise<Record<string, number>> {
      const { resourceMetrics } = await reader.collect();
      const out: Record<string, number> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints) {
            const key = String(point.attributes[attribute] ?? '');
            out[key] = (out[key] ?? 0) + (point.value as number);
          }
        }
      }
      return out;
    },
  };
}

afterEach(() => {
  metrics.disable();
});

for (const line of lines) {
  describe(`inside a real LoggerProvider: ${line.name}`, () => {
    it('redacts string and structured bodies and all attributes, and writes the summary', () => {
      const harness = line.build(processor());
      harness.emit({ body: `deploy with ${fakeSecrets['github-token']}`, attributes: { 'user.id': 'u-1' } });
      harness.emit({
        body: { msg: 'login', user: { email: 'alice.fake@example.com', password: 'Hunter2FAKE' } },
        attributes: {
          'http.request.header.authorization': 'Bearer FAKE.tok3n-0123456789',
          'url.full': 'https://app:FakePassw0rd@db.example.com/x',
          'logward.request.id': 'req-1',
          'http.response.status_code': 401,
        },
      });
      const [first, second] = harness.records();
      expect(first!.body).toBe('deploy with [REDACTED:github-token]');
      expect(first!.attributes).toMatchObject({
        'user.id': 'u-1',
        'logward.redaction.count': 1,
        'logward.redaction.rules': 'github-token',
      });
      const body = second!.body as { user: Record<string, string> };
      expect(body.user.password).toBe('[REDACTED:sensitive-key]');
      expect(body.user.email).toMatch(/^\[PSEUDO:email:[0-9a-f]{12}\]$/);
      expect(second!.attributes).toMatchObject({
        'http.request.header.authorization': '[REDACTED:sensitive-key]',
        'url.full': 'https://app:[REDACTED:url-credentials]@db.example.com/x',
        'logward.request.id': 'req-1',
        'http.response.status_code': 401,
        'logward.redaction.count': 4,
        'logward.redaction.rules': 'email,sensitive-key,url-credentials',
      });
    });

    it('leaves clean records untouched and without summary attributes', () => {
      const harness = line.build(processor());
      harness.emit({ body: 'user logged in', attributes: { 'user.id': 'u-1', 'http.route': '/login' } });
      const [record] = harness.records();
      expect(record!.body).toBe('user logged in');
      expect(record!.attributes).toEqual({ 'user.id': 'u-1', 'http.route': '/login' });
    });

    it('judges each key on its own when records of another shape put a new key at a known position', () => {
      // The processor memoizes key verdicts by position in the record; a sensitive key where a
      // harmless one stood before, in attributes and in a body map, must still be caught.
      const harness = line.build(processor());
      const shapes = [
        { body: { user: 'u-1', note: 'ok' }, attributes: { 'user.id': 'u-1', 'http.route': '/a' } },
        {
          body: { user: 'u-1', token: 'FAKEtoken1' },
          attributes: { 'user.id': 'u-1', password: 'FAKEpass1' },
        },
        { body: 'plain', attributes: { cookie: 'sid=FAKE', 'http.route': '/a' } },
        { body: { user: 'u-1', note: 'ok' }, attributes: { 'user.id': 'u-1', 'http.route': '/a' } },
      ];
      for (const shape of shapes) harness.emit(shape);
      const [clean, second, third, again] = harness.records();
      expect(clean!.body).toEqual({ user: 'u-1', note: 'ok' });
      expect(second!.body).toEqual({ user: 'u-1', token: '[REDACTED:sensitive-key]' });
      expect(second!.attributes.password).toBe('[REDACTED:sensitive-key]');
      expect(third!.attributes.cookie).toBe('[REDACTED:sensitive-key]');
      expect(again!.attributes).toEqual({ 'user.id': 'u-1', 'http.route': '/a' });
    });

    it("never mutates the application's body or attribute objects", () => {
      const harness = line.build(processor());
      const body = { note: `key ${fakeSecrets['aws-access-key-id']}`, nested: [{ token: 'x' }] };
      const attributes = { request: { headers: { cookie: 'sid=FAKE' }, path: '/a' } };
      const bodySnapshot = structuredClone(body);
      const attributesSnapshot = structuredClone(attributes);
      harness.emit({ body, attributes });
      expect(body).toEqual(bodySnapshot);
      expect(attributes).toEqual(attributesSnapshot);
      const [record] = harness.records();
      expect(record!.attributes.request).toEqual({
        headers: { cookie: '[REDACTED:sensitive-key]' },
        path: '/a',
      });
    });

    it('drops attributes whose rule action is drop', () => {
      const harness = line.build(processor({ sensitiveKeys: { action: 'drop' } }));
      harness.emit({ body: 'x', attributes: { password: 'p', 'db.password': 'q', keep: 'k' } });
      const [record] = harness.records();
      expect(Object.keys(record!.attributes).sort()).toEqual([
        'keep',
        'logward.redaction.count',
        'logward.redaction.rules',
      ]);
      // Lines with a private attribute counter (3.x, 0.22x) have it kept in step with the deletes.
      const count = (record as unknown as { _attributesCount?: number })._attributesCount;
      if (count !== undefined) expect(count).toBe(3);
    });

    it('keeps the summary when the attribute count limit is reached', () => {
      const harness = line.build(processor(), { attributeCountLimit: 2 });
      harness.emit({ body: 'b', attributes: { a: `t ${fakeSecrets['npm-token']}`, b: 'clean' } });
      const [record] = harness.records();
      expect(record!.attributes).toMatchObject({
        a: 't [REDACTED:npm-token]',
        b: 'clean',
        'logward.redaction.count': 1,
        'logward.redaction.rules': 'npm-token',
      });
    });

    it('fails closed when a body cannot be read, and counts the error', async () => {
      const meters = meterHarness();
      const harness = line.build(processor({}, { meterProvider: meters.meterProvider }));
      const hostile = {
        get payload(): string {
          throw new TypeError('getter exploded');
        },
      };
      harness.emit({
        body: hostile,
        attributes: {
          'otel.event.name': 'authn_login_fail',
          'http.response.status_code': 401,
          'user.id': 'alice',
          note: `password=Hunter2FAKE ${fakeSecrets['github-token']}`,
          card_like: 4111111111111111,
        },
      });
      const [record] = harness.records();
      expect(record!.body).toBe(redactionFailedMarker);
      expect(record!.attributes).toEqual({
        'otel.event.name': 'authn_login_fail',
        'http.response.status_code': 401,
        'logward.redaction.error': 'TypeError',
      });
      expect(await meters.sums('logward.redaction.errors', 'error.type')).toEqual({ TypeError: 1 });
    });

    if (line.hasExceptionField) {
      it('redacts exception.message and exception.stacktrace', () => {
        const harness = line.build(processor());
        const error = new Error(`connect to postgres://app:FakePassw0rd@db.example.com failed`);
        harness.emit({ body: 'db error', exception: error });
        const [record] = harness.records();
        expect(record!.attributes['exception.message']).toBe(
          'connect to postgres://app:[REDACTED:url-credentials]@db.example.com failed',
        );
        expect(String(record!.attributes['exception.stacktrace'])).not.toContain('FakePassw0rd');
        expect(String(record!.attributes['exception.stacktrace'])).toContain('[REDACTED:url-credentials]');
      });
    }
  });
}

describe('metrics', () => {
  it('counts matches per rule id on an explicit MeterProvider', async () => {
    const meters = meterHarness();
    const harness = lines[0]!.build(processor({}, { meterProvider: meters.meterProvider }));
    harness.emit({ body: `a ${fakeSecrets['github-token']} b ${fakeSecrets['github-token']}` });
    harness.emit({ body: 'c', attributes: { password: 'x', mail: 'alice.fake@example.com' } });
    expect(await meters.sums('logward.redaction.matches', 'logward.redaction.rule')).toEqual({
      'github-token': 2,
      'sensitive-key': 1,
      email: 1,
    });
  });

  it('uses the global MeterProvider, even one registered after the processor was created', async () => {
    const redaction = processor();
    const harness = lines[0]!.build(redaction);
    harness.emit({ body: `before ${fakeSecrets['npm-token']}` }); // no provider yet: no-op meter
    const meters = meterHarness();
    metrics.setGlobalMeterProvider(meters.meterProvider);
    harness.emit({ body: `after ${fakeSecrets['npm-token']}` });
    expect(await meters.sums('logward.redaction.matches', 'logward.redaction.rule')).toEqual({
      'npm-token': 1,
    });
  });

  it('counts records whose time budget ran out', async () => {
    const meters = meterHarness();
    let clock = 0;
    const harness = lines[0]!.build(
      processor({ budgetMs: 1 }, { meterProvider: meters.meterProvider, now: () => (clock += 5) }),
    );
    // The clock starts at the body (t=5, deadline t=6); the attribute reads t=10: over budget.
    harness.emit({ body: 'password=a1', attributes: { b: 'password=b2' } });
    const [record] = harness.records();
    expect(record!.body).toBe('password=[REDACTED:password-assignment]');
    expect(record!.attributes).toMatchObject({
      b: '[REDACTED:time-budget]',
      'logward.redaction.rules': 'password-assignment,time-budget',
    });
    expect(await meters.sums('logward.redaction.budget_exceeded', '')).toEqual({ '': 1 });
  });
});

describe('on the wire', () => {
  it('no seeded secret reaches the bytes a real OTLP/HTTP exporter sends', async () => {
    const bodies: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${port}/v1/logs` });
      const provider = new sdk3.LoggerProvider({
        processors: [processor(), new sdk3.BatchLogRecordProcessor({ exporter })],
      });
      const logger = provider.getLogger('wire');
      const secrets = Object.values(fakeSecrets);
      secrets.forEach((secret, i) => {
        logger.emit({
          body: i % 2 === 0 ? `event ${i}: ${secret}` : { detail: { list: ['x', `v ${secret}`] } },
          attributes: { [`attr.${i}`]: `value ${secret}`, nested: { deep: [`${secret} `] } },
        });
      });
      await provider.forceFlush();
      await provider.shutdown();
      const wire = Buffer.concat(bodies).toString('utf8');
      expect(wire).toContain('[REDACTED:github-token]');
      for (const secret of secrets) {
        // JSON encoding escapes newlines; check the first line of multi-line secrets too.
        expect(wire).not.toContain(JSON.stringify(secret).slice(1, -1));
        expect(wire).not.toContain(secret.split('\n')[0]!.slice(-24));
      }
    } finally {
      server.close();
    }
  });
});
