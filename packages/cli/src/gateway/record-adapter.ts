// A decoded OTLP LogRecord message seen through the interface of the OTel SDK's ReadWriteLogRecord,
// which is what @logward/otel's processors are written against (WritableLogRecord). The processors
// change the adapter; commit() writes the changes back into the message, re-encoding only the values
// that changed so everything else reaches Loki byte for byte as the service sent it.
import type { WritableLogRecord } from '@logward/otel';
import { anyValueToJs, jsToAnyValue, keyValuesToMap, newMap, setEntry } from './any-value.ts';
import type { KeyValueMessage, LogRecordMessage } from './otlp-codec.ts';

export class GatewayLogRecord implements WritableLogRecord {
  readonly attributes: Record<string, unknown>;
  body: unknown;
  eventName: string | undefined;
  severityNumber: number | undefined;
  severityText: string | undefined;
  readonly resource: { readonly attributes: Record<string, unknown> };
  droppedAttributesCount: number;
  private readonly message: LogRecordMessage;
  private readonly originalBody: unknown;
  /** Each original attribute: its message and the value the processors were given. */
  private readonly originals = new Map<string, { kv: KeyValueMessage; value: unknown }>();
  private readonly attributeCountLimit: number;

  constructor(
    message: LogRecordMessage,
    resourceAttributes: Record<string, unknown>,
    attributeCountLimit: number,
  ) {
    this.message = message;
    this.resource = { attributes: resourceAttributes };
    this.attributeCountLimit = attributeCountLimit;
    this.originalBody = this.body = anyValueToJs(message.body);
    this.eventName = message.eventName || undefined;
    this.severityNumber = message.severityNumber || undefined;
    this.severityText = message.severityText || undefined;
    this.droppedAttributesCount = message.droppedAttributesCount ?? 0;
    const attributes = newMap();
    for (const kv of message.attributes ?? []) {
      const value = anyValueToJs(kv.value);
      setEntry(attributes, kv.key, value);
      this.originals.set(kv.key, { kv, value });
    }
    this.attributes = attributes;
  }

  /** Like the SDK: null/undefined are ignored, a new key beyond the count limit is dropped and counted. */
  setAttribute(key: string, value?: unknown): this {
    if (value === undefined || value === null || key === '') return this;
    if (
      !Object.hasOwn(this.attributes, key) &&
      Object.keys(this.attributes).length >= this.attributeCountLimit
    ) {
      this.droppedAttributesCount++;
      return this;
    }
    setEntry(this.attributes, key, value);
    return this;
  }

  setBody(body: unknown): this {
    this.body = body;
    return this;
  }

  setEventName(eventName: string): this {
    this.eventName = eventName;
    return this;
  }

  setSeverityNumber(severityNumber: number): this {
    this.severityNumber = severityNumber;
    return this;
  }

  setSeverityText(severityText: string): this {
    this.severityText = severityText;
    return this;
  }

  /**
   * Writes what the processors changed back into the message that will be encoded. Returns false when
   * nothing changed, so the record's original bytes can be forwarded as they came.
   */
  commit(): boolean {
    const message = this.message;
    let changed = false;
    if (this.body !== this.originalBody) {
      message.body = jsToAnyValue(this.body);
      changed = true;
    }
    const before = message.attributes ?? [];
    const list: KeyValueMessage[] = [];
    for (const key of Object.keys(this.attributes)) {
      const value = this.attributes[key];
      const original = this.originals.get(key);
      const kv = original && original.value === value ? original.kv : { key, value: jsToAnyValue(value) };
      if (kv !== before[list.length]) changed = true;
      list.push(kv);
    }
    if (list.length !== before.length) changed = true;
    if (changed) message.attributes = list;
    if (this.eventName !== (message.eventName || undefined)) {
      message.eventName = this.eventName ?? '';
      changed = true;
    }
    if (this.severityNumber !== (message.severityNumber || undefined)) {
      message.severityNumber = this.severityNumber ?? 0;
      changed = true;
    }
    if (this.severityText !== (message.severityText || undefined)) {
      message.severityText = this.severityText ?? '';
      changed = true;
    }
    if (this.droppedAttributesCount !== (message.droppedAttributesCount ?? 0)) {
      message.droppedAttributesCount = this.droppedAttributesCount;
      changed = true;
    }
    return changed;
  }
}

export { keyValuesToMap };
