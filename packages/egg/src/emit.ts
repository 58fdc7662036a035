// Writes security events and plain log lines as OTel log records through the global LoggerProvider
// (the one startSecurityLogging registers), so the context and redaction processors see them.
import { logs, type Logger } from '@opentelemetry/api-logs';
import { emitSecurityEvent, uniqueTimestamp, type SecurityEventFields } from '@logward/otel';
import type { ExplicitLevel, SecurityEventName } from '@logward/schema';

export type EventAttributes = Record<string, string | number | boolean | string[]>;

let loggerOverride: Logger | undefined;

/** Routes this package's records to `logger` instead of the global provider (tests, multi-provider apps). */
export function setLogwardHttpLogger(logger: Logger | undefined): void {
  loggerOverride = logger;
}

function logger(): Logger {
  return loggerOverride ?? logs.getLogger('@logward/egg');
}

/** One security event through emitSecurityEvent: eventName, otel.event.name, the taxonomy's severity, schema check. */
export function emitEvent(
  name: SecurityEventName,
  attributes: EventAttributes,
  message: string,
  level?: ExplicitLevel,
): void {
  const fields = {
    ...attributes,
    message,
    ...(level !== undefined ? { level } : {}),
  } as SecurityEventFields<typeof name>;
  emitSecurityEvent(logger() as Parameters<typeof emitSecurityEvent>[0], name, fields);
}

/** A plain (non-event) log line, e.g. an unhandled error or a bridged framework logger line. */
export function emitLine(
  severityNumber: number,
  severityText: string,
  message: string,
  attributes: EventAttributes = {},
  target: Logger = logger(),
): void {
  target.emit({ severityNumber, severityText, body: message, attributes, timestamp: uniqueTimestamp() });
}
