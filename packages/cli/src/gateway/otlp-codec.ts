// OTLP/HTTP logs encoding and decoding. The message classes are the protobufjs static module that
// @opentelemetry/otlp-transformer 0.213 generated from the opentelemetry-proto files (the last
// release shipping it; it has LogRecord.event_name). Later transformer releases only serialize SDK
// records and do not decode requests, which a receiver must do.
//
// The gateway decodes a request into these message objects, lets the processors change the records
// in place (record-adapter.ts) and encodes the same objects again, so every field the processors do
// not touch (scope attributes, flags, observed time, dropped counts, int vs double) reaches Loki
// exactly as the service sent it.
import { createRequire } from 'node:module';

/** The decoded message types, as far as the gateway reads and writes them (protobufjs objects). */
export interface LongLike {
  toString(): string;
  toNumber(): number;
  low: number;
  high: number;
}
export interface AnyValueMessage {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: LongLike | number | null;
  doubleValue?: number | null;
  bytesValue?: Uint8Array | null;
  arrayValue?: { values?: AnyValueMessage[] | null } | null;
  kvlistValue?: { values?: KeyValueMessage[] | null } | null;
}
export interface KeyValueMessage {
  key: string;
  value?: AnyValueMessage | null;
}
export interface LogRecordMessage {
  body?: AnyValueMessage | null;
  attributes?: KeyValueMessage[] | null;
  eventName?: string | null;
  severityNumber?: number | null;
  severityText?: string | null;
  droppedAttributesCount?: number | null;
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
}
export interface ScopeLogsMessage {
  scope?: { name?: string | null } | null;
  logRecords?: LogRecordMessage[] | null;
  schemaUrl?: string | null;
}
export interface ResourceLogsMessage {
  resource?: { attributes?: KeyValueMessage[] | null } | null;
  scopeLogs?: ScopeLogsMessage[] | null;
  schemaUrl?: string | null;
}
export interface LogsRequestMessage {
  resourceLogs?: ResourceLogsMessage[] | null;
}
export interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

interface MessageClass<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: unknown): T;
  toObject(message: T, options: Record<string, unknown>): Record<string, unknown>;
}
interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        logs: {
          v1: {
            ExportLogsServiceRequest: MessageClass<LogsRequestMessage>;
            ExportLogsServiceResponse: MessageClass<{ partialSuccess?: Partial<PartialSuccess> | null }>;
          };
        };
      };
      common: {
        v1: {
          AnyValue: MessageClass<AnyValueMessage>;
          KeyValue: MessageClass<KeyValueMessage>;
          InstrumentationScope: MessageClass<NonNullable<ScopeLogsMessage['scope']>>;
        };
      };
      resource: { v1: { Resource: MessageClass<NonNullable<ResourceLogsMessage['resource']>> } };
      logs: { v1: { LogRecord: MessageClass<LogRecordMessage> } };
    };
  };
}

const require = createRequire(import.meta.url);
const root = require('otlp-transformer-0213/build/src/generated/root.js') as ProtoRoot;
const logsV1 = root.opentelemetry.proto.collector.logs.v1;
const RequestClass = logsV1.ExportLogsServiceRequest;
const ResponseClass = logsV1.ExportLogsServiceResponse;
const ScopeClass = root.opentelemetry.proto.common.v1.InstrumentationScope;
const ResourceClass = root.opentelemetry.proto.resource.v1.Resource;
const LogRecordClass = root.opentelemetry.proto.logs.v1.LogRecord;

/** The two content types of OTLP/HTTP, exactly as Loki accepts them (no parameters). */
export const protobufContentType = 'application/x-protobuf';
export const jsonContentType = 'application/json';
export type OtlpEncoding = 'protobuf' | 'json';

/** Thrown for a request body that is not a valid OTLP logs request; the message says what is wrong. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

/** Which encoding a Content-Type header names (parameters such as charset are ignored), or undefined. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === protobufContentType) return 'protobuf';
  if (type === jsonContentType) return 'json';
  return undefined;
}

export function decodeLogsRequest(body: Uint8Array, encoding: OtlpEncoding): LogsRequestMessage {
  if (encoding === 'protobuf') {
    try {
      return RequestClass.decode(body);
    } catch (error) {
      throw new OtlpDecodeError(`invalid OTLP protobuf: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError('invalid OTLP JSON: the body must be an ExportLogsServiceRequest object');
  }
  try {
    hexIdsToBytes(parsed as Record<string, unknown>);
    return RequestClass.fromObject(parsed);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    throw new OtlpDecodeError(`invalid OTLP JSON: ${(error as Error).message}`);
  }
}

/** OTLP/JSON writes trace and span ids as hex (protobuf's JSON mapping would use base64). */
function hexIdsToBytes(request: Record<string, unknown>): void {
  for (const rl of arrayField(request, 'resourceLogs')) {
    for (const sl of arrayField(rl, 'scopeLogs')) {
      for (const lr of arrayField(sl, 'logRecords')) {
        for (const field of ['traceId', 'spanId'] as const) {
          const id = lr[field];
          if (id === undefined || id === null || id === '') continue;
          if (typeof id !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(id)) {
            throw new OtlpDecodeError(`invalid OTLP JSON: logRecords[].${field} must be a hex string`);
          }
          lr[field] = Buffer.from(id, 'hex');
        }
      }
    }
  }
}

function arrayField(object: unknown, key: string): Array<Record<string, unknown>> {
  if (typeof object !== 'object' || object === null) return [];
  const value = (object as Record<string, unknown>)[key];
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as never) : [];
}

/** What the gateway forwards: always protobuf, the compact encoding Loki decodes fastest. */
export function encodeLogsRequest(message: LogsRequestMessage): Uint8Array {
  return RequestClass.encode(message).finish();
}

export function encodeLogRecord(record: LogRecordMessage): Uint8Array {
  return LogRecordClass.encode(record).finish();
}

export function encodeResource(resource: NonNullable<ResourceLogsMessage['resource']>): Uint8Array {
  return ResourceClass.encode(resource).finish();
}

export function encodeScope(scope: NonNullable<ScopeLogsMessage['scope']>): Uint8Array {
  return ScopeClass.encode(scope).finish();
}

export function countLogRecords(message: LogsRequestMessage): number {
  let n = 0;
  for (const rl of message.resourceLogs ?? [])
    for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  return n;
}

/** An ExportLogsServiceResponse in the client's encoding; empty means full success. */
export function encodeLogsResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Uint8Array {
  if (encoding === 'json') {
    const object = partial ? { partialSuccess: partial } : {};
    return Buffer.from(JSON.stringify(object));
  }
  return ResponseClass.encode(ResponseClass.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

/** Reads the partial_success of an upstream (Loki) response, if it has one with rejections or a message. */
export function decodePartialSuccess(
  body: Uint8Array,
  contentType: string | undefined,
): PartialSuccess | undefined {
  if (body.byteLength === 0) return undefined;
  const encoding = encodingOf(contentType);
  let partial: Partial<PartialSuccess> | null | undefined;
  try {
    if (encoding === 'protobuf') {
      const object = ResponseClass.toObject(ResponseClass.decode(body), { longs: Number });
      partial = object['partialSuccess'] as Partial<PartialSuccess> | undefined;
    } else if (encoding === 'json') {
      const object = JSON.parse(Buffer.from(body).toString('utf8')) as {
        partialSuccess?: Partial<PartialSuccess>;
      };
      partial = object.partialSuccess;
    }
  } catch {
    return undefined;
  }
  if (!partial) return undefined;
  const rejected = Number(partial.rejectedLogRecords ?? 0);
  const message = String(partial.errorMessage ?? '');
  return rejected > 0 || message !== '' ? { rejectedLogRecords: rejected, errorMessage: message } : undefined;
}

/**
 * A google.rpc.Status (the OTLP/HTTP error body) in the client's encoding. Hand-encoded: two fields
 * (code = 1 int32, message = 2 string) are all OTLP asks for, and the generated root has no google.rpc.
 */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08]), varint(code), Buffer.from([0x12]), varint(text.length), text]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
