// The record pipeline of the gateway: the same two processors, in the same order, as a Node service
// using @logward/otel (context → redaction), run over every record of a decoded OTLP request, with
// the taxonomy's attribute check of securityEvent() in between (services elsewhere cannot run it).
import {
  createRedactionProcessor,
  createSecurityContextProcessor,
  type LogRecordProcessorLike,
  type RedactionConfigInput,
  type RedactionLogRecordProcessor,
} from '@logward/otel';
import { keyValuesToMap } from './any-value.ts';
import type { LogRecordMessage, LogsRequestMessage } from './otlp-codec.ts';
import { GatewayLogRecord } from './record-adapter.ts';
import { checkEventSchema } from './schema-check.ts';

export interface GatewayProcessingConfig {
  /** Options of the redaction processor (rules, sensitive keys, pseudonymKey, ...). */
  redaction?: RedactionConfigInput;
  /** Options of the context processor; the request context does not exist in the gateway. */
  context?: {
    sessionIdKey?: string;
    attributeCountLimit?: number;
    reservedAttributeSlots?: number;
    protectedAttributes?: string[];
  };
}

export interface ProcessResult {
  /** How many records the request had. */
  records: number;
  /** The records a processor changed (the others can be forwarded byte for byte). */
  changed: Set<LogRecordMessage>;
}

export interface RecordPipeline {
  /** Processes every record of the request in place. */
  process(request: LogsRequestMessage): ProcessResult;
}

/** Loki keeps 128 structured-metadata entries per line by default, the SDK's default limit too. */
const defaultAttributeCountLimit = 128;

export function createRecordPipeline(config: GatewayProcessingConfig = {}): RecordPipeline {
  const limit = config.context?.attributeCountLimit ?? defaultAttributeCountLimit;
  const context: LogRecordProcessorLike = createSecurityContextProcessor({
    ...config.context,
    attributeCountLimit: limit,
    // The records come from other processes: there is no AsyncLocalStorage request context here.
    requestContext: false,
  });
  const redaction: RedactionLogRecordProcessor = createRedactionProcessor(config.redaction);
  return {
    process(request) {
      let records = 0;
      const changed = new Set<LogRecordMessage>();
      for (const resourceLogs of request.resourceLogs ?? []) {
        const resourceAttributes = keyValuesToMap(resourceLogs.resource?.attributes);
        for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
          for (const message of scopeLogs.logRecords ?? []) {
            const record = new GatewayLogRecord(message, resourceAttributes, limit);
            context.onEmit(record);
            checkEventSchema(record);
            redaction.onEmit(record);
            if (record.commit()) changed.add(message);
            records++;
          }
        }
      }
      return { records, changed };
    },
  };
}
