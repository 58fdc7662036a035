// The security events @logward/kcp writes, and where they go. The event names and attribute keys are
// the cross-part contract (@logward/schema's taxonomy, Loki rules and dashboards filter on them).
import type { Logger, LoggerProvider } from '@opentelemetry/api-logs';
import { logs } from '@opentelemetry/api-logs';
import { emitSecurityEvent, type SecurityEventFields } from '@logward/otel';
import { kcpReasons, securityEventNames, type SecurityEventName } from '@logward/schema';

// The names and reason enums come from the taxonomy in @logward/schema, the one place that defines them.
export type KcpEventName = Extract<SecurityEventName, `kcp_${string}`>;
export const kcpEventNames: readonly KcpEventName[] = securityEventNames.filter(
  (name): name is KcpEventName => name.startsWith('kcp_'),
);

export type KcpCloseReason = (typeof kcpReasons.kcp_conn_closed)[number];
export type KcpFailReason = (typeof kcpReasons.kcp_conn_failed)[number];
export type KcpRejectReason = (typeof kcpReasons.kcp_input_rejected)[number];

/** Attribute values are flat strings and numbers: Loki turns each into one structured-metadata field. */
export type KcpEventAttributes = Record<string, string | number>;

export interface KcpEventOptions {
  /** An explicit level wins over the taxonomy's default (kcp_conn_stats is written at DEBUG). */
  level?: 'DEBUG' | 'INFO' | 'WARN';
  /** Human-readable line; Loki stores it as the log line. Never contains payload bytes. */
  body: string;
}

/** Receives every KCP event. The default writes OTel log records; tests and apps may pass their own. */
export type KcpEventSink = (
  name: KcpEventName,
  attributes: KcpEventAttributes,
  options: KcpEventOptions,
) => void;

/**
 * A sink that writes each event with @logward/otel's emitSecurityEvent: eventName, `otel.event.name`
 * (Loki before PR #21229 drops the EventName field; rules filter on otel_event_name), the taxonomy's
 * severity, and a schema check of the attributes. The provider's processors (context, redaction) run
 * on every record.
 */
export function loggerSink(logger: Logger): KcpEventSink {
  return (name, attributes, options) => {
    const fields = {
      ...attributes,
      message: options.body,
      ...(options.level ? { level: options.level } : {}),
    } as SecurityEventFields<KcpEventName>;
    emitSecurityEvent(logger as Parameters<typeof emitSecurityEvent>[0], name, fields);
  };
}

/** The sink used when none is given: a logger of `provider`, or of the globally registered provider. */
export function defaultSink(provider?: LoggerProvider): KcpEventSink {
  const logger = (provider ?? logs.getLoggerProvider()).getLogger('@logward/kcp');
  return loggerSink(logger);
}

/** ikcp_input's return codes (ikcp.c) mapped to the contract's reasons. */
export function rejectReasonForInputCode(code: number): KcpRejectReason {
  if (code === -2) return 'bad_length';
  if (code === -3) return 'unknown_command';
  return 'conv_mismatch';
}

/** Outcome of a close: the two orderly reasons are successes, everything else a failure. */
export function outcomeForClose(reason: KcpCloseReason): 'success' | 'failure' {
  return reason === 'peer_close' || reason === 'local_close' ? 'success' : 'failure';
}

/**
 * Caps how many events one key (a peer address) may cause per window, so a packet flood cannot turn
 * into a log flood. Keys are forgotten when the window ends; the table is bounded by `maxKeys`.
 */
export class EventRateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  #windowStart = 0;
  #counts = new Map<string, number>();
  suppressed = 0;

  constructor(limit: number, windowMs: number, maxKeys = 10_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  allow(key: string, now: number): boolean {
    if (now - this.#windowStart >= this.#windowMs || this.#counts.size >= this.#maxKeys) {
      this.#windowStart = now;
      this.#counts.clear();
    }
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count > this.#limit) {
      this.suppressed++;
      return false;
    }
    return true;
  }
}
