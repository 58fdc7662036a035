// A real OTLP/HTTP logs receiver for tests: node:http on 127.0.0.1 (random port), capturing the exact
// bytes each exporter request carries, plus decoders for both encodings. Protobuf is decoded with the
// protobufjs root generated from the OTLP .proto files that @opentelemetry/otlp-transformer 0.213 ships
// (the last release that carries it; it includes LogRecord.event_name).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface DecodedRecord {
  resource: Record<string, unknown>;
  scope: string;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body: unknown;
  attributes: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
}

/** Starts the receiver; with `tls` (PEM key and certificate) it speaks HTTPS. */
export async function startOtlpReceiver(tls?: { key: string; cert: string }) {
  const requests: CapturedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      // An empty ExportLogsServiceResponse means full success in both encodings.
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : Buffer.alloc(0));
    });
  };
  const server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    /** The OTLP base URL, as one would configure Loki's http://loki:3100/otlp. */
    baseUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/otlp`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        logs: {
          v1: {
            ExportLogsServiceRequest: {
              decode(bytes: Uint8Array): unknown;
              toObject(message: unknown, options: Record<string, unknown>): OtlpRequest;
            };
          };
        };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const protoRoot = require('otlp-transformer-0213/build/src/generated/root.js') as ProtoRoot;
const ExportLogsServiceRequest = protoRoot.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface KeyValue {
  key: string;
  value?: AnyValueMessage;
}
interface AnyValueMessage {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValueMessage[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface OtlpRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeLogs?: Array<{
      scope?: { name?: string };
      logRecords?: Array<{
        eventName?: string;
        severityNumber?: number;
        severityText?: string;
        body?: AnyValueMessage;
        attributes?: KeyValue[];
        traceId?: string;
        spanId?: string;
      }>;
    }>;
  }>;
}

function anyValue(value: AnyValueMessage | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue) return keyValues(value.kvlistValue.values);
  return null;
}

function keyValues(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function flatten(request: OtlpRequest, idToHex: (id: string) => string): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const rl of request.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({
          resource: keyValues(rl.resource?.attributes),
          scope: sl.scope?.name ?? '',
          ...(lr.eventName ? { eventName: lr.eventName } : {}),
          ...(lr.severityNumber !== undefined ? { severityNumber: lr.severityNumber } : {}),
          ...(lr.severityText !== undefined ? { severityText: lr.severityText } : {}),
          body: anyValue(lr.body),
          attributes: keyValues(lr.attributes),
          ...(lr.traceId ? { traceId: idToHex(lr.traceId) } : {}),
          ...(lr.spanId ? { spanId: idToHex(lr.spanId) } : {}),
        });
      }
    }
  }
  return out;
}

/** Decodes one captured request according to its content type. */
export function decodeRequest(request: CapturedRequest): DecodedRecord[] {
  const type = String(request.headers['content-type']);
  if (request.headers['content-encoding'] === 'gzip') {
    request = {
      ...request,
      body: gunzipSync(request.body),
      headers: { ...request.headers, 'content-encoding': undefined },
    };
  }
  if (type.includes('application/json')) {
    // OTLP/JSON: ids are hex strings, enums numbers, 64-bit ints strings or numbers.
    return flatten(JSON.parse(request.body.toString('utf8')) as OtlpRequest, (id) => id);
  }
  if (type.includes('application/x-protobuf')) {
    const message = ExportLogsServiceRequest.decode(request.body);
    const object = ExportLogsServiceRequest.toObject(message, {
      longs: String,
      enums: Number,
      bytes: String,
    });
    return flatten(object, (id) => Buffer.from(id, 'base64').toString('hex'));
  }
  throw new Error(`unexpected content type ${type}`);
}
