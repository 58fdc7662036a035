// The processors type against the structural LogRecordProcessor interface, so they must work under the
// previous OTel JS line too: sdk-logs 0.2xx with @opentelemetry/api-logs. These run the context
// processor inside real LoggerProviders of 0.208.0 (positional processor constructors, no private
// attribute counter) and 0.223.1 (last 0.x, options objects, private _attributesCount like 3.x).
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import * as sdk0208 from 'sdk-logs-0208';
import * as sdk0223 from 'sdk-logs-0223';
import * as sdk3 from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import {
  createSecurityContextProcessor,
  droppedAttributesKey,
  runWithRequestContext,
} from '../src/context/index.ts';
import { sessionHash, testSessionKey } from './helpers.ts';

interface ExportedRecord {
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body?: unknown;
  attributes: Record<string, unknown>;
  spanContext?: { traceId: string };
}
interface Line {
  name: string;
  build(processors: unknown[]): { emit(record: Record<string, unknown>): void; records(): ExportedRecord[] };
}

function summaryProcessor() {
  return {
    onEmit(record: { setAttribute(k: string, v: unknown): unknown }) {
      record.setAttribute('logward.redaction.count', 1);
      record.setAttribute('logward.redaction.rules', 'github-pat');
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

const lines: Line[] = [
  {
    name: 'sdk-logs 0.208.0 (@opentelemetry/api-logs)',
    build(processors) {
      const exporter = new sdk0208.InMemoryLogRecordExporter();
      const provider = new sdk0208.LoggerProvider({
        processors: [
          ...(processors as sdk0208.LogRecordProcessor[]),
          new sdk0208.SimpleLogRecordProcessor(exporter),
        ],
      });
      const logger = provider.getLogger('line-test');
      return {
        emit: (r) => logger.emit(r),
        records: () => exporter.getFinishedLogRecords() as ExportedRecord[],
      };
    },
  },
  {
    name: 'sdk-logs 0.223.1 (last 0.x)',
    build(processors) {
      const exporter = new sdk0223.InMemoryLogRecordExporter();
      const provider = new sdk0223.LoggerProvider({
        processors: [
          ...(processors as sdk0223.LogRecordProcessor[]),
          new sdk0223.SimpleLogRecordProcessor({ exporter }),
        ],
      });
      const logger = provider.getLogger('line-test');
      return {
        emit: (r) => logger.emit(r),
        records: () => exporter.getFinishedLogRecords() as ExportedRecord[],
      };
    },
  },
  {
    name: 'sdk-logs 3.x (@opentelemetry/api 1.10)',
    build(processors) {
      const exporter = new sdk3.InMemoryLogRecordExporter();
      const provider = new sdk3.LoggerProvider({
        processors: [
          ...(processors as sdk3.LogRecordProcessor[]),
          new sdk3.SimpleLogRecordProcessor({ exporter }),
        ],
      });
      const logger = provider.getLogger('line-test');
      return {
        emit: (r) => logger.emit(r),
        records: () => exporter.getFinishedLogRecords() as ExportedRecord[],
      };
    },
  },
];

const spanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

// Compile-time: the processor is a LogRecordProcessor of every line, without casts.
export const assignableToEveryLine: [
  sdk0208.LogRecordProcessor,
  sdk0223.LogRecordProcessor,
  sdk3.LogRecordProcessor,
] = [
  createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
  createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
  createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
];

describe.each(lines)('$name', (line) => {
  it('classifies, adds request context, neutralizes and keeps the span', () => {
    const pipeline = line.build([createSecurityContextProcessor({ sessionIdKey: testSessionKey })]);
    runWithRequestContext(
      { requestId: 'r-1', userId: 'bob', sessionId: 's-1', clientAddress: '192.0.2.7' },
      () => {
        pipeline.emit({
          eventName: 'session_use_after_expire',
          body: 'expired\nsession',
          attributes: { 'app.note': 'x\u001b[1m' },
          context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
        });
      },
    );
    const [record] = pipeline.records();
    expect(record).toMatchObject({
      eventName: 'session_use_after_expire',
      severityNumber: 18,
      severityText: 'CRITICAL',
      body: 'expired\\nsession',
      attributes: {
        'otel.event.name': 'session_use_after_expire',
        'logward.request.id': 'r-1',
        'user.id': 'bob',
        'session.id': sessionHash('s-1'),
        'client.address': '192.0.2.7',
        'app.note': 'x\\u001b[1m',
      },
    });
    expect(record?.spanContext?.traceId).toBe(spanContext.traceId);
  });

  it('keeps security attributes and the downstream summary within the attribute limit', () => {
    const pipeline = line.build([
      createSecurityContextProcessor({ sessionIdKey: testSessionKey }),
      summaryProcessor(),
    ]);
    const app = Object.fromEntries(Array.from({ length: 140 }, (_, i) => [`app.f${i}`, i]));
    runWithRequestContext({ requestId: 'r-2', userId: 'eve' }, () => {
      pipeline.emit({ eventName: 'authz_fail', attributes: app });
    });
    const attributes = pipeline.records()[0]!.attributes;
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(128);
    expect(attributes).toMatchObject({
      'otel.event.name': 'authz_fail',
      'logward.request.id': 'r-2',
      'user.id': 'eve',
      'logward.redaction.count': 1,
      'logward.redaction.rules': 'github-pat',
    });
    expect(attributes[droppedAttributesKey]).toBeGreaterThan(0);
  });
});
