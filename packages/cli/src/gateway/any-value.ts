// Conversion between OTLP AnyValue messages and the plain JavaScript values the @logward/otel
// processors work on (the same shapes the OTel JS SDK gives them: strings, numbers, booleans,
// Uint8Array, arrays and maps).
import type { AnyValueMessage, KeyValueMessage, LongLike } from './otlp-codec.ts';

/** A plain object, as the SDK's attribute maps are (V8 keeps these fast, unlike prototype-less ones). */
export function newMap(): Record<string, unknown> {
  return {};
}

/** Sets an entry; `__proto__` becomes an ordinary own key instead of replacing the prototype. */
export function setEntry(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

export function anyValueToJs(value: AnyValueMessage | null | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return intToJs(value.intValue);
  if (value.doubleValue != null) return value.doubleValue;
  if (value.bytesValue != null) return value.bytesValue;
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(anyValueToJs);
  if (value.kvlistValue != null) return keyValuesToMap(value.kvlistValue.values);
  return undefined;
}

/** int64 beyond 2^53 stays exact as a bigint (the processors pass bigints through untouched). */
function intToJs(value: LongLike | number): number | bigint {
  if (typeof value === 'number') return value;
  const n = value.toNumber();
  return Number.isSafeInteger(n) ? n : BigInt(value.toString());
}

export function keyValuesToMap(list: readonly KeyValueMessage[] | null | undefined): Record<string, unknown> {
  const map = newMap();
  for (const kv of list ?? []) setEntry(map, kv.key, anyValueToJs(kv.value));
  return map;
}

/**
 * The AnyValue for a JavaScript value. Plain objects suffice: the generated encoder reads fields, it
 * does not need message instances. Integers become intValue, other numbers doubleValue (as the OTel
 * JS serializer does); values only re-encoded when a processor changed them, so an unchanged double
 * keeps its type.
 */
export function jsToAnyValue(value: unknown): AnyValueMessage {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
    case 'bigint':
      return { intValue: value.toString() as unknown as number };
    case 'object':
      if (value === null) return {};
      if (value instanceof Uint8Array) return { bytesValue: value };
      if (Array.isArray(value)) return { arrayValue: { values: value.map(jsToAnyValue) } };
      return { kvlistValue: { values: mapToKeyValues(value as Record<string, unknown>) } };
    default:
      // undefined, functions, symbols: an empty AnyValue, as the OTel JS serializer writes for null.
      return {};
  }
}

export function mapToKeyValues(map: Record<string, unknown>): KeyValueMessage[] {
  const out: KeyValueMessage[] = [];
  for (const key of Object.keys(map)) out.push({ key, value: jsToAnyValue(map[key]) });
  return out;
}
