// The OpenTelemetry LogRecordProcessor. Register it after every processor that changes records and
// before the exporting one: `processors: [context, redaction, new BatchLogRecordProcessor(...)]`.
// onEmit is synchronous and runs on the same record the exporter will serialize, so what this
// leaves in the record is what goes on the wire.
import { diag, type MeterProvider } from '@opentelemetry/api';
import type { RedactionConfigInput } from './config.ts';
import { RedactionMetrics } from './metrics.ts';
import {
  createRedactor,
  DROPPED,
  maskMarker,
  type RedactionScope,
  type Redactor,
  type RedactorOptions,
} from './redactor.ts';
import { createRedactionReport, type RedactionReport } from './types.ts';

export const redactionAttributeNames = {
  count: 'logward.redaction.count',
  rules: 'logward.redaction.rules',
  error: 'logward.redaction.error',
} as const;

/** Body of a record whose redaction failed: nothing of the original body is kept. */
export const redactionFailedMarker = '[REDACTION_FAILED]';

/**
 * The part of the SDK's ReadWriteLogRecord this processor uses. Structural, so one processor works
 * with sdk-logs 3.x (types from @opentelemetry/api) and the 0.2xx line (@opentelemetry/api-logs).
 */
export interface RedactableLogRecord {
  readonly body?: unknown;
  readonly attributes: object;
  setBody(body: unknown): unknown;
  setAttribute(key: string, value?: unknown): unknown;
}

export interface RedactionLogRecordProcessor {
  onEmit(logRecord: RedactableLogRecord, context?: unknown): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  readonly redactor: Redactor;
}

export interface RedactionProcessorOptions extends RedactorOptions {
  /** Where the counters go; defaults to the global MeterProvider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
}

/**
 * String attributes kept when a record fails closed: fixed-vocabulary fields that rules and
 * dashboards key on. Their values are kept only if they look like vocabulary (letters and `_`),
 * which no credential format does.
 */
const failClosedStringKeys = new Set([
  'otel.event.name',
  'http.request.method',
  'network.transport',
  'logward.kcp.reason',
  'logward.kcp.outcome',
]);
const vocabularyValue = /^[A-Za-z_]{1,64}$/;

let warnedAboutRandomKey = false;

class RedactionProcessor implements RedactionLogRecordProcessor {
  readonly redactor: Redactor;
  private readonly metrics: RedactionMetrics;
  /** One scope reused for every record: onEmit is synchronous, so records never interleave. */
  private readonly scope: RedactionScope;

  constructor(redactor: Redactor, meterProvider: MeterProvider | undefined) {
    this.redactor = redactor;
    this.scope = redactor.beginScope(createRedactionReport());
    this.metrics = new RedactionMetrics(meterProvider);
  }

  onEmit(logRecord: RedactableLogRecord): void {
    // Never throws into the application: any internal error fails the record closed.
    try {
      this.redact(logRecord);
    } catch (error) {
      try {
        this.failClosed(logRecord, error);
      } catch {
        // The record itself is unusable (throwing setters); nothing more can be done safely.
      }
    }
  }

  private redact(record: RedactableLogRecord): void {
    const scope = this.scope;
    scope.reset();
    const report = scope.report;
    const body = record.body;
    if (body !== undefined && body !== null) {
      const out = scope.value(body, 0);
      if (out !== body) record.setBody(out === DROPPED ? maskMarker(scope.lastDropRule ?? 'drop') : out);
    }
    const attributes = record.attributes as Record<string, unknown>;
    let deleted = false;
    scope.startAttributes();
    // for-in over the SDK's plain attribute object: no key array allocated per record; deleting
    // the current key during the loop is allowed.
    for (const key in attributes) {
      const value = attributes[key];
      const out = scope.entry(key, value, 0);
      if (out === value) continue;
      if (out === DROPPED) {
        // The SDK has no remove API; deleting from its attribute map is the documented way.
        delete attributes[key];
        deleted = true;
        continue;
      }
      record.setAttribute(key, out);
      // A setter that refused the value (limits, or 0.2xx rejecting an empty map) left the original
      // in place: remove it rather than export it.
      if (attributes[key] === value) {
        delete attributes[key];
        deleted = true;
      }
    }
    if (deleted) syncAttributeCount(record);
    if (report.total > 0) this.summarize(record, report);
    if (scope.budgetExceeded) this.metrics.recordBudgetExceeded();
  }

  private summarize(record: RedactableLogRecord, report: RedactionReport): void {
    setSummaryAttribute(record, redactionAttributeNames.count, report.total);
    setSummaryAttribute(record, redactionAttributeNames.rules, ruleList(report));
    this.metrics.recordMatches(report);
  }

  private failClosed(record: RedactableLogRecord, error: unknown): void {
    const errorType = error instanceof Error ? error.constructor.name : typeof error;
    record.setBody(redactionFailedMarker);
    const attributes = record.attributes as Record<string, unknown>;
    for (const key of Object.keys(attributes)) {
      let value: unknown;
      try {
        value = attributes[key];
      } catch {
        delete attributes[key];
        continue;
      }
      const harmless =
        (typeof value === 'boolean' || (typeof value === 'number' && Math.abs(value) < 1e12)) &&
        !this.redactor.isSensitiveKey(key);
      const vocabulary =
        failClosedStringKeys.has(key) && typeof value === 'string' && vocabularyValue.test(value);
      if (!harmless && !vocabulary) delete attributes[key];
    }
    syncAttributeCount(record);
    setSummaryAttribute(record, redactionAttributeNames.error, errorType);
    this.metrics.recordError(errorType);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Rule ids of a report, sorted and comma-joined; most records have one, which needs no sort. */
function ruleList(report: RedactionReport): string {
  const counts = report.counts;
  if (counts.size === 1) for (const rule of counts.keys()) return rule;
  return [...counts.keys()].sort().join(',');
}

/**
 * sdk-logs 3.x and 0.22x count attributes in a private `_attributesCount` that a delete does not
 * decrement; left stale, later setAttribute calls would hit the count limit early. Keep it in
 * step (the context processor does the same).
 */
function syncAttributeCount(record: RedactableLogRecord): void {
  const internals = record as unknown as { _attributesCount?: unknown };
  if (typeof internals._attributesCount === 'number') {
    internals._attributesCount = Object.keys(record.attributes).length;
  }
}

/**
 * Summary attributes must survive the attribute count limit (128 by default): when the SDK drops
 * the new key, it is written directly, as the SDK's own attribute map allows.
 */
function setSummaryAttribute(record: RedactableLogRecord, key: string, value: string | number): void {
  record.setAttribute(key, value);
  const attributes = record.attributes as Record<string, unknown>;
  if (attributes[key] !== value) attributes[key] = value;
}

/**
 * Creates the redaction processor. The config is validated here, so a wrong config fails at
 * startup with RedactionConfigError naming the field.
 */
export function createRedactionProcessor(
  config?: RedactionConfigInput,
  options: RedactionProcessorOptions = {},
): RedactionLogRecordProcessor {
  const redactor = createRedactor(config, options);
  const hashes =
    redactor.config.rules.some((rule) => rule.action === 'hash') ||
    (redactor.config.sensitiveKeys.enabled && redactor.config.sensitiveKeys.action === 'hash');
  if (hashes && redactor.usesRandomPseudonymKey && !warnedAboutRandomKey) {
    warnedAboutRandomKey = true;
    diag.warn(
      '@logward/otel redaction: no pseudonymKey configured; pseudonyms use a random per-process key and will not match across restarts or replicas',
    );
  }
  return new RedactionProcessor(redactor, options.meterProvider);
}
