// The security context processor: the first processor of the pipeline. For every log record it
//  1. neutralizes control characters in the body, attributes and event name (log injection);
//  2. classifies taxonomy events: eventName (also recovered from an otel.event.name attribute), the
//     severity policy (an explicit level from the caller wins), and otel.event.name, which Loki before
//     PR #21229 needs because it drops the OTLP EventName field;
//  3. adds the request context from AsyncLocalStorage (logward.request.id, user.id, session.id as a
//     keyed hash, client.address, client.port, ...), never overwriting what the caller set;
//  4. makes sure the span context of the active context is on the record;
//  5. keeps the record within the attribute limit so none of this is silently dropped.
// Each step is fenced: a failure is reported (diag + logward.context.error) and the record still flows.
import { diag, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import {
  isSecurityEventName,
  parseExplicitLevel,
  severityFor,
  severityTextFor,
  type Severity,
} from '@logward/schema';
import { z } from 'zod';
import {
  attributeCountLimitOf,
  droppedAttributesKey,
  makeRoom,
  removeAttribute,
} from './attribute-budget.ts';
import type { LogRecordProcessorLike, WritableLogRecord } from './log-record.ts';
import { neutralizeString, neutralizeValue } from './neutralize.ts';
import { parseOptions } from './options-error.ts';
import { getRequestContext, type RequestContext } from './request-context.ts';
import { createSessionHasher, minimumKeyBytes, type SessionHasher } from './session-hash.ts';

export const securityContextConfigSchema = z
  .object({
    /** HMAC key for session.id hashes (≥ 32 bytes); default: env LOGWARD_SESSION_HASH_KEY, else random per process. */
    sessionIdKey: z
      .union([z.string(), z.instanceof(Uint8Array)])
      .refine((k) => (typeof k === 'string' ? Buffer.byteLength(k) : k.byteLength) >= minimumKeyBytes, {
        message: `must be at least ${minimumKeyBytes} bytes`,
      })
      .optional(),
    /** The provider's attributeCountLimit; default: read from the SDK record, else 128. */
    attributeCountLimit: z.int().min(8).optional(),
    /** Slots kept free for processors after this one (the redaction summary needs 2). */
    reservedAttributeSlots: z.int().min(0).max(32).default(3),
    /** More attribute names that must never be evicted to make room. */
    protectedAttributes: z.array(z.string().min(1)).default([]),
    /** Read the AsyncLocalStorage request context (default true). */
    requestContext: z.boolean().default(true),
  })
  .strict();

export type SecurityContextConfig = z.input<typeof securityContextConfigSchema>;

export const contextErrorKey = 'logward.context.error';

const requestContextAttributes: ReadonlyArray<[keyof RequestContext, string]> = [
  ['requestId', 'logward.request.id'],
  ['userId', 'user.id'],
  ['clientAddress', 'client.address'],
  ['clientPort', 'client.port'],
  ['serverAddress', 'server.address'],
  ['serverPort', 'server.port'],
  ['networkTransport', 'network.transport'],
  ['httpMethod', 'http.request.method'],
  ['urlPath', 'url.path'],
  ['httpRoute', 'http.route'],
  ['userAgent', 'user_agent.original'],
];

type Stage = 'neutralize' | 'classify' | 'session' | 'request' | 'attributes' | 'severity' | 'trace';

class SecurityContextProcessor implements LogRecordProcessorLike {
  private readonly hashSession: SessionHasher;
  private readonly limit: number | undefined;
  private readonly reserved: number;
  private readonly protectedKeys: ReadonlySet<string>;
  private readonly useRequestContext: boolean;
  private readonly reportedStages = new Set<Stage>();
  private resourceChecked = false;

  constructor(config: z.output<typeof securityContextConfigSchema>) {
    const envKey = process.env['LOGWARD_SESSION_HASH_KEY'];
    const key = config.sessionIdKey ?? (envKey ? envKey : undefined);
    this.hashSession = createSessionHasher(key);
    this.limit = config.attributeCountLimit;
    this.reserved = config.reservedAttributeSlots;
    this.protectedKeys = new Set(config.protectedAttributes);
    this.useRequestContext = config.requestContext;
  }

  onEmit(record: WritableLogRecord, context?: unknown): void {
    const additions = new Map<string, unknown>();
    this.stage('neutralize', record, () => neutralizeRecord(record));
    this.stage('classify', record, () => this.classify(record, additions));
    this.stage('session', record, () => this.hashCallerSession(record));
    if (this.useRequestContext)
      this.stage('request', record, () => this.addRequestContext(record, additions));
    this.stage('attributes', record, () => this.writeWithinLimit(record, additions));
    this.stage('severity', record, () => applySeverityPolicy(record));
    this.stage('trace', record, () => ensureSpanContext(record, context));
    if (!this.resourceChecked) this.checkResource(record);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private classify(record: WritableLogRecord, additions: Map<string, unknown>): void {
    let name = record.eventName;
    if (!name) {
      // Bridges (pino, winston, slog) often carry the name only as an attribute.
      const fromAttribute = record.attributes['otel.event.name'] ?? record.attributes['event.name'];
      if (isSecurityEventName(fromAttribute)) {
        name = fromAttribute;
        setEventName(record, name);
      }
    }
    if (name && record.attributes['otel.event.name'] !== name) additions.set('otel.event.name', name);
  }

  /** A session.id the caller set is taken to be raw: it is replaced by its keyed hash in place. */
  private hashCallerSession(record: WritableLogRecord): void {
    const attributes = record.attributes as Record<string, unknown>;
    const callerSession = attributes['session.id'];
    if (typeof callerSession === 'string' && callerSession !== '') {
      attributes['session.id'] = this.hashSession(callerSession);
    }
  }

  private addRequestContext(record: WritableLogRecord, additions: Map<string, unknown>): void {
    const attributes = record.attributes;
    const ctx = getRequestContext();
    if (!ctx) return;
    for (const [field, key] of requestContextAttributes) {
      const value = ctx[field];
      if (value === undefined || value === '' || Object.hasOwn(attributes, key)) continue;
      additions.set(key, typeof value === 'string' ? neutralizeString(value) : value);
    }
    if (ctx.sessionId && !Object.hasOwn(attributes, 'session.id')) {
      additions.set('session.id', this.hashSession(ctx.sessionId));
    }
  }

  private writeWithinLimit(record: WritableLogRecord, additions: Map<string, unknown>): void {
    const attributes = record.attributes as Record<string, unknown>;
    const newKeys: Array<[string, unknown]> = [];
    for (const [key, value] of additions) {
      // Overwriting an existing key never hits the limit; only new keys need room.
      if (Object.hasOwn(attributes, key)) attributes[key] = value;
      else newKeys.push([key, value]);
    }
    const limit = attributeCountLimitOf(record, this.limit);
    const sdkDropped = record.droppedAttributesCount ?? 0;
    let needed = newKeys.length + this.reserved;
    const overBudget = Object.keys(attributes).length + needed > limit;
    const countDropped = sdkDropped > 0 || overBudget;
    if (countDropped && !Object.hasOwn(attributes, droppedAttributesKey)) needed++;
    const evicted = makeRoom(record, needed, limit, this.protectedKeys);
    if (countDropped) newKeys.push([droppedAttributesKey, sdkDropped + evicted]);
    for (const [key, value] of newKeys) record.setAttribute(key, value);
  }

  private stage(stage: Stage, record: WritableLogRecord, step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!this.reportedStages.has(stage)) {
        this.reportedStages.add(stage);
        diag.error(
          `@logward/otel security context processor: step "${stage}" failed; the record is kept`,
          error,
        );
      }
      try {
        record.setAttribute(contextErrorKey, stage);
      } catch {
        // Nothing more can be done for this record; it is still exported.
      }
    }
  }

  private checkResource(record: WritableLogRecord): void {
    this.resourceChecked = true;
    const serviceName = record.resource?.attributes['service.name'];
    if (typeof serviceName !== 'string' || serviceName.startsWith('unknown_service')) {
      diag.warn(
        '@logward/otel: the LoggerProvider resource has no service.name; Loki indexes it as service_name and ' +
          'the logward rule packs select on it. Pass serviceName to startSecurityLogging or set OTEL_SERVICE_NAME.',
      );
    }
  }
}

function setEventName(record: WritableLogRecord, name: string): void {
  if (typeof record.setEventName === 'function') record.setEventName(name);
  else record.eventName = name;
}

function neutralizeRecord(record: WritableLogRecord): void {
  let bodyError: unknown;
  const body = record.body;
  if (body !== undefined && body !== null && typeof body !== 'number' && typeof body !== 'boolean') {
    try {
      const safe = neutralizeValue(body);
      if (safe !== body) record.setBody(safe);
    } catch (error) {
      // A body that cannot be read (a getter that throws) would also break the OTLP serializer and
      // with it the whole batch; a marker keeps this record and every other record of the batch.
      bodyError = error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      record.setBody(`[logward: body could not be read: ${neutralizeString(reason)}]`);
    }
  }
  neutralizeFields(record);
  if (bodyError !== undefined) throw bodyError;
}

function neutralizeFields(record: WritableLogRecord): void {
  if (typeof record.eventName === 'string') {
    const safe = neutralizeString(record.eventName);
    if (safe !== record.eventName) setEventName(record, safe);
  }
  if (typeof record.severityText === 'string') {
    const safe = neutralizeString(record.severityText);
    if (safe !== record.severityText) record.setSeverityText(safe);
  }
  const attributes = record.attributes as Record<string, unknown>;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    const safeValue = neutralizeValue(value);
    const safeKey = neutralizeString(key);
    // Existing keys are rewritten in place: the value already passed the SDK's validation and keeps its
    // shape, and a rename removes one key for one, so the count limit is untouched.
    if (safeKey !== key) {
      removeAttribute(record, key);
      attributes[safeKey] = safeValue;
    } else if (safeValue !== value) {
      attributes[key] = safeValue;
    }
  }
}

function applySeverityPolicy(record: WritableLogRecord): void {
  const name = record.eventName;
  if (!isSecurityEventName(name)) return;
  const explicitNumber = record.severityNumber;
  if (explicitNumber !== undefined && explicitNumber !== 0) {
    if (record.severityText === undefined) record.setSeverityText(severityTextFor(explicitNumber));
    return;
  }
  let severity: Severity = severityFor(name, undefined, record.attributes);
  if (record.severityText) {
    // A level given only as text ("warn") is still the caller's explicit level.
    try {
      severity = parseExplicitLevel(record.severityText.toUpperCase() as 'WARN');
      severity = { severityNumber: severity.severityNumber, severityText: record.severityText };
    } catch {
      // Unknown words (e.g. "notice") keep the policy's number and the caller's text.
      severity = { severityNumber: severity.severityNumber, severityText: record.severityText };
    }
  }
  record.setSeverityNumber(severity.severityNumber);
  record.setSeverityText(severity.severityText);
}

function ensureSpanContext(record: WritableLogRecord, context: unknown): void {
  if (record.spanContext || !isContext(context)) return;
  const spanContext = trace.getSpanContext(context);
  if (spanContext && isSpanContextValid(spanContext)) record.spanContext = spanContext;
}

function isContext(value: unknown): value is Context {
  return typeof value === 'object' && value !== null && typeof (value as Context).getValue === 'function';
}

/**
 * Creates the security context processor. Put it first in the LoggerProvider's processors, before the
 * redaction processor and the exporting processor. Throws SecurityLoggingConfigError naming any bad field.
 */
export function createSecurityContextProcessor(config?: SecurityContextConfig): LogRecordProcessorLike {
  return new SecurityContextProcessor(
    parseOptions('createSecurityContextProcessor', securityContextConfigSchema, config),
  );
}
