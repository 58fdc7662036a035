// Structural types for the SDK objects the processors touch. Typing against these instead of
// @opentelemetry/sdk-logs classes lets one processor run under both OTel JS lines: the current one
// (sdk-logs 3.x, logs API in @opentelemetry/api 1.10) and the previous one (sdk-logs 0.2xx with
// @opentelemetry/api-logs), whose ReadWriteLogRecord/SdkLogRecord have the same shape.

export interface SpanContextLike {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** What a LogRecordProcessor's onEmit receives: the SDK's ReadWriteLogRecord (SdkLogRecord in 0.2xx). */
export interface WritableLogRecord {
  /** The record's own attribute map. Removing a key is only possible by `delete` on it (no SDK API). */
  readonly attributes: Record<string, unknown>;
  body?: unknown;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  spanContext?: SpanContextLike;
  readonly resource?: { readonly attributes: Record<string, unknown> };
  readonly droppedAttributesCount?: number;
  setAttribute(key: string, value?: unknown): unknown;
  setBody(body: unknown): unknown;
  setEventName?(eventName: string): unknown;
  setSeverityNumber(severityNumber: number): unknown;
  setSeverityText(severityText: string): unknown;
}

/** The LogRecordProcessor interface, identical in sdk-logs 0.2xx and 3.x. */
export interface LogRecordProcessorLike {
  onEmit(logRecord: WritableLogRecord, context?: unknown): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
