// One service's logging pipeline for the demo: logward's own processors (context → redaction → batch
// OTLP export, exactly what startSecurityLogging builds) in a LoggerProvider of that service, with two
// taps around them so the demo can print what the code logged beside what was exported.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { createSecurityLogProcessors, type SecurityLoggingOptions } from '@logward/otel';

export interface RecordView {
  eventName: string | undefined;
  body: unknown;
  attributes: Record<string, unknown>;
  /** Unix ns of the record's timestamp. */
  time: bigint;
}

export interface TappedRecord {
  service: string;
  /** As the application emitted it, before any processor. */
  logged: RecordView;
  /** As handed to the exporter, after context and redaction. */
  exported: RecordView;
}

function view(record: ReadWriteLogRecord): RecordView {
  const [seconds, nanos] = record.hrTime;
  return {
    eventName: record.eventName,
    body: structuredClone(record.body),
    attributes: structuredClone({ ...record.attributes }) as Record<string, unknown>,
    time: BigInt(seconds) * 1_000_000_000n + BigInt(nanos),
  };
}

/** A processor that only observes; `onEmit` sees the record at its place in the chain. */
function tap(onEmit: (record: ReadWriteLogRecord) => void): LogRecordProcessor {
  return { onEmit, forceFlush: async () => {}, shutdown: async () => {} };
}

export interface ServicePipeline {
  provider: LoggerProvider;
  tapped: TappedRecord[];
  shutdown(): Promise<void>;
}

export function servicePipeline(options: SecurityLoggingOptions): ServicePipeline {
  const before = new WeakMap<ReadWriteLogRecord, RecordView>();
  const tapped: TappedRecord[] = [];
  const [context, redaction, batch] = createSecurityLogProcessors(options);
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceNamespace ? { 'service.namespace': options.serviceNamespace } : {}),
      ...(options.resource ?? {}),
    }),
    processors: [
      tap((record) => before.set(record, view(record))),
      context!,
      redaction!,
      tap((record) => {
        const logged = before.get(record);
        if (logged) tapped.push({ service: options.serviceName, logged, exported: view(record) });
      }),
      batch!,
    ],
  });
  return { provider, tapped, shutdown: () => provider.shutdown() };
}
