// securityEvent(name, fields): the typed way to emit a security event from application code. Fields are
// typed per event by the taxonomy in @logward/schema; the record carries eventName, otel.event.name (Loki
// before PR #21229 drops EventName) and the policy's severity unless the caller gives `level`.
// Like the OTel API it never throws into the caller: bad fields are reported on the record
// (logward.schema.errors) and through diag, and the event is still emitted.
import { diag, logs, type Context, type Logger, type TimeInput } from '@opentelemetry/api';
import {
  eventDefinitions,
  eventSchemas,
  isSecurityEventName,
  severityFor,
  type ExplicitLevel,
  type SecurityEventName,
  type SecurityEventTypedAttributes,
  type Severity,
} from '@logward/schema';
import { uniqueTimestamp } from './unique-time.ts';

export const schemaErrorsKey = 'logward.schema.errors';
export const instrumentationScopeName = '@logward/otel';

/** What securityEvent accepts: the event's typed attributes plus these controls. */
export interface SecurityEventControls {
  /** Explicit level; wins over the severity policy ('WARN', 'critical', 17, ...). */
  level?: ExplicitLevel;
  /** Human-readable description; the Loki log line. Default: the event's description from the taxonomy. */
  message?: string;
  /** Extra attributes beyond the typed ones. */
  attributes?: Record<string, unknown>;
  /** Time of occurrence (Date, epoch ms, or OTel HrTime); default now, unique to the nanosecond. */
  timestamp?: TimeInput;
  /** OTel context (for the span); default the active context. */
  context?: Context;
}

export type SecurityEventFields<N extends SecurityEventName> = SecurityEventTypedAttributes<N> &
  SecurityEventControls;

const controlKeys = new Set(['level', 'message', 'attributes', 'timestamp', 'context']);

/** Emits a security event through the global LoggerProvider (the one startSecurityLogging registers). */
export function securityEvent<N extends SecurityEventName>(name: N, fields?: SecurityEventFields<N>): void {
  emitSecurityEvent(logs.getLogger(instrumentationScopeName), name, fields);
}

/** Same as securityEvent, through a given Logger (for apps that keep their provider out of the global). */
export function emitSecurityEvent<N extends SecurityEventName>(
  logger: Logger,
  name: N,
  fields?: SecurityEventFields<N>,
): void {
  try {
    const problems: string[] = [];
    const typed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (!controlKeys.has(key) && value !== undefined) typed[key] = value;
    }
    if (!isSecurityEventName(name)) {
      problems.push(`eventName: ${JSON.stringify(name)} is not in the @logward/schema taxonomy`);
    } else {
      const checked = eventSchemas[name].shape.attributes.safeParse(typed);
      if (!checked.success) {
        for (const issue of checked.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
      }
    }
    const severity = resolveSeverity(name, fields?.level, typed, problems);
    const attributes: Record<string, unknown> = { ...fields?.attributes, ...typed, 'otel.event.name': name };
    if (problems.length > 0) {
      attributes[schemaErrorsKey] = problems.join('; ');
      diag.warn(`@logward/otel securityEvent(${JSON.stringify(name)}): ${problems.join('; ')}`);
    }
    const description = isSecurityEventName(name) ? eventDefinitions[name].description : String(name);
    logger.emit({
      eventName: name,
      ...severity,
      body: fields?.message ?? description,
      attributes,
      // Loki drops a second entry with the same stream, timestamp and line, so events that share a
      // millisecond get distinct nanoseconds; a caller-given time is kept as it is.
      timestamp: fields?.timestamp ?? uniqueTimestamp(),
      ...(fields?.context !== undefined ? { context: fields.context } : {}),
    });
  } catch (error) {
    diag.error(`@logward/otel securityEvent(${JSON.stringify(name)}) could not emit`, error);
  }
}

function resolveSeverity(
  name: string,
  level: ExplicitLevel | undefined,
  attributes: Record<string, unknown>,
  problems: string[],
): Partial<Severity> {
  if (!isSecurityEventName(name))
    return level === undefined ? {} : tryLevel(name, level, attributes, problems);
  return tryLevel(name, level, attributes, problems);
}

function tryLevel(
  name: string,
  level: ExplicitLevel | undefined,
  attributes: Record<string, unknown>,
  problems: string[],
): Partial<Severity> {
  try {
    return severityFor(name as SecurityEventName, level, attributes);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return isSecurityEventName(name) ? severityFor(name, undefined, attributes) : {};
  }
}
