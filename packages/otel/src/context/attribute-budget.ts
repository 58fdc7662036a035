// Keeps a record within the SDK's attribute count limit (128 by default) without losing security
// attributes. The SDK drops any *new* key once the limit is reached (DROP_LIMIT_REACHED, one diag
// warning per record), so context added by this processor, or the redaction summary added after it,
// would vanish silently from a record the application filled up. We make room by evicting
// low-priority application attributes first and record how many were lost in logward.attributes.dropped.
import { commonAttributes, eventDefinitions, securityEventNames } from '@logward/schema';
import type { WritableLogRecord } from './log-record.ts';

export const droppedAttributesKey = 'logward.attributes.dropped';

const taxonomyKeys: ReadonlySet<string> = new Set([
  ...Object.keys(commonAttributes),
  ...securityEventNames.flatMap((name) => Object.keys(eventDefinitions[name].attributes)),
  'otel.event.name',
  'event.name',
]);
const protectedPrefixes = ['logward.', 'otel.', 'exception.', 'security_rule.'];

/** Security attributes are never evicted: everything in the taxonomy, logward.*, otel.*, exception.*. */
export function isProtectedAttribute(key: string, extra: ReadonlySet<string>): boolean {
  return taxonomyKeys.has(key) || extra.has(key) || protectedPrefixes.some((p) => key.startsWith(p));
}

// sdk-logs 3.x and 0.22x keep a private count of added keys (_attributesCount) that `delete` does not
// decrease, so after evicting we bring it back in line; 0.20x counts Object.keys(attributes) and has no
// such field. Checked against both lines in test/sdk-lines.test.ts.
interface SdkInternals {
  _attributesCount?: unknown;
  _logRecordLimits?: { attributeCountLimit?: unknown };
}

export function syncAttributeCount(record: WritableLogRecord): void {
  const internals = record as unknown as SdkInternals;
  if (typeof internals._attributesCount === 'number') {
    internals._attributesCount = Object.keys(record.attributes).length;
  }
}

/** The record's attribute count limit: the configured one, else the SDK's own, else the SDK default 128. */
export function attributeCountLimitOf(record: WritableLogRecord, configured: number | undefined): number {
  if (configured !== undefined) return configured;
  const fromSdk = (record as unknown as SdkInternals)._logRecordLimits?.attributeCountLimit;
  return typeof fromSdk === 'number' && fromSdk > 0 ? fromSdk : 128;
}

/** Removes a key through the only route the SDK allows, keeping its count in step. */
export function removeAttribute(record: WritableLogRecord, key: string): void {
  delete (record.attributes as Record<string, unknown>)[key];
  syncAttributeCount(record);
}

/**
 * Evicts low-priority attributes, newest first (the SDK likewise drops the newest), until `needed` new
 * keys fit under `limit`. Returns how many were evicted.
 */
export function makeRoom(
  record: WritableLogRecord,
  needed: number,
  limit: number,
  extraProtected: ReadonlySet<string>,
): number {
  const keys = Object.keys(record.attributes);
  let excess = keys.length + needed - limit;
  if (excess <= 0) return 0;
  let evicted = 0;
  for (let i = keys.length - 1; i >= 0 && excess > 0; i--) {
    const key = keys[i]!;
    if (isProtectedAttribute(key, extraProtected)) continue;
    delete (record.attributes as Record<string, unknown>)[key];
    evicted++;
    excess--;
  }
  syncAttributeCount(record);
  return evicted;
}
