// Re-encoding a request without re-encoding the records nobody changed. Most records of a batch pass
// the processors untouched (no event, nothing to neutralize or redact); copying their original bytes
// saves most of the encoding cost and keeps them exactly as the service sent them, including fields
// newer than the proto definitions the gateway knows.
//
// Wire layout (opentelemetry-proto logs/v1): ExportLogsServiceRequest { repeated ResourceLogs = 1 },
// ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3 },
// ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3 }.
import {
  encodeLogRecord,
  encodeLogsRequest,
  encodeResource,
  encodeScope,
  type LogRecordMessage,
  type LogsRequestMessage,
} from './otlp-codec.ts';

/**
 * The bytes of every LogRecord of a protobuf request, in wire order (resource by resource, scope by
 * scope), which is the order protobufjs decodes them in. Undefined when the bytes hold anything this
 * walker does not expect: the caller then encodes everything.
 */
export function indexLogRecords(body: Uint8Array): Uint8Array[] | undefined {
  const records: Uint8Array[] = [];
  try {
    for (const rl of fields(body, 1))
      for (const sl of fields(rl, 2)) for (const lr of fields(sl, 2)) records.push(lr);
  } catch {
    return undefined;
  }
  return records;
}

/** The length-delimited occurrences of field `wanted` in a message; other fields are skipped. */
function* fields(message: Uint8Array, wanted: number): Generator<Uint8Array> {
  let pos = 0;
  while (pos < message.length) {
    const [tag, afterTag] = varint(message, pos);
    pos = afterTag;
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (wireType === 0) pos = varint(message, pos)[1];
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const [length, start] = varint(message, pos);
      const end = start + length;
      if (end > message.length) throw new Error('truncated');
      if (field === wanted) yield message.subarray(start, end);
      pos = end;
    } else throw new Error(`wire type ${wireType}`);
  }
  if (pos !== message.length) throw new Error('truncated');
}

function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length || shift > 63) throw new Error('bad varint');
    const byte = bytes[pos++]!;
    // Lengths and tags fit in 32 bits; larger varints (skipped values) only need their end found.
    if (shift < 32) value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, pos];
  }
}

function header(field: number, length: number): Buffer {
  const out = [(field << 3) | 2];
  let v = length;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function lengthDelimited(field: number, content: Uint8Array, into: Uint8Array[]): number {
  const head = header(field, content.length);
  into.push(head, content);
  return head.length + content.length;
}

/**
 * Encodes the request; a record not in `changed` is copied from `originals` (the output of
 * indexLogRecords for the bytes it was decoded from). Without originals, or when their count does not
 * match, every record is encoded.
 */
export function encodeReusingRecords(
  message: LogsRequestMessage,
  originals: readonly Uint8Array[] | undefined,
  changed: ReadonlySet<LogRecordMessage>,
): Uint8Array {
  let count = 0;
  for (const rl of message.resourceLogs ?? [])
    for (const sl of rl.scopeLogs ?? []) count += sl.logRecords?.length ?? 0;
  if (!originals || originals.length !== count) return encodeLogsRequest(message);
  let index = 0;
  const out: Uint8Array[] = [];
  for (const rl of message.resourceLogs ?? []) {
    const rlParts: Uint8Array[] = [];
    let rlSize = 0;
    if (rl.resource) rlSize += lengthDelimited(1, encodeResource(rl.resource), rlParts);
    for (const sl of rl.scopeLogs ?? []) {
      const slParts: Uint8Array[] = [];
      let slSize = 0;
      if (sl.scope) slSize += lengthDelimited(1, encodeScope(sl.scope), slParts);
      for (const lr of sl.logRecords ?? []) {
        const original = originals[index++]!;
        slSize += lengthDelimited(2, changed.has(lr) ? encodeLogRecord(lr) : original, slParts);
      }
      if (sl.schemaUrl) slSize += lengthDelimited(3, Buffer.from(sl.schemaUrl, 'utf8'), slParts);
      rlParts.push(header(2, slSize), ...slParts);
      rlSize += header(2, slSize).length + slSize;
    }
    if (rl.schemaUrl) rlSize += lengthDelimited(3, Buffer.from(rl.schemaUrl, 'utf8'), rlParts);
    out.push(header(1, rlSize), ...rlParts);
  }
  return Buffer.concat(out);
}
