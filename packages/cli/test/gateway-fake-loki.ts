// Test helpers for the gateway tests: a local node:http "Loki" that captures what the gateway
// forwards to /otlp/v1/logs (and can hang, fail or answer like Loki does), and a decoder for the
// captured OTLP protobuf built on the protobufjs root of @opentelemetry/otlp-transformer 0.213.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

export interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the fake Loki answers POST /otlp/v1/logs: 204 like Loki, hang, or a given status/body. */
export type LokiBehaviour =
  | { kind: 'accept' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; body?: Buffer | string; headers?: Record<string, string> };

export interface FakeLoki {
  url: string;
  /** Every POST to /otlp/v1/logs, in arrival order (a hanging request is captured on arrival). */
  pushes: Captured[];
  /** How many GET /ready it answered. */
  readyChecks: number;
  behaviour: LokiBehaviour;
  /** Answers every hanging request with 204 and stops hanging. */
  release(): void;
  /** Resolves once `n` pushes arrived. */
  waitForPushes(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeLoki(tls?: { key: string; cert: string }): Promise<FakeLoki> {
  const hanging: ServerResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const loki: FakeLoki = {
    url: '',
    pushes: [],
    readyChecks: 0,
    behaviour: { kind: 'accept' },
    release() {
      loki.behaviour = { kind: 'accept' };
      for (const res of hanging.splice(0)) res.writeHead(204).end();
    },
    waitForPushes(n) {
      return loki.pushes.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () => Promise.resolve(),
  };
  const handler = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/ready') {
        loki.readyChecks++;
        res.writeHead(200).end('ready\n');
        return;
      }
      loki.pushes.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      for (const w of waiters.filter((w) => loki.pushes.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const b = loki.behaviour;
      if (b.kind === 'hang') hanging.push(res);
      else if (b.kind === 'accept') res.writeHead(204).end();
      else res.writeHead(b.status, b.headers ?? {}).end(b.body ?? '');
    });
  };
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  loki.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  loki.close = () => {
    for (const res of hanging.splice(0)) res.destroy();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return loki;
}

/** A port on 127.0.0.1 that nothing listens on (taken, then freed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Message {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
  fromObject(object: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
const require = createRequire(import.meta.url);
const root = require('otlp-transformer-0213/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: { logs: { v1: { ExportLogsServiceRequest: Message; ExportLogsServiceResponse: Message } } };
      logs: { v1: { LogRecord: Message } };
    };
  };
};
export const RequestMessage = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
export const LogRecordMessage = root.opentelemetry.proto.logs.v1.LogRecord;
export const ResponseMessage = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;

export interface ForwardedRecord {
  resource: Record<string, unknown>;
  scope: string;
  eventName?: string;
  severityNumber?: number;
  severityText?: string;
  body: unknown;
  attributes: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  timeUnixNano?: string;
}

type AnyValue = Record<string, unknown> & {
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: Array<{ key: string; value?: AnyValue }> };
};

function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v['stringValue'] !== undefined) return v['stringValue'];
  if (v['boolValue'] !== undefined) return v['boolValue'];
  if (v['intValue'] !== undefined) return `int:${String(v['intValue'])}`;
  if (v['doubleValue'] !== undefined) return v['doubleValue'];
  if (v['bytesValue'] !== undefined) return `bytes:${String(v['bytesValue'])}`;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue)
    return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
  return null;
}

type KeyValues = Array<{ key: string; value: AnyValue }> | undefined;
interface DecodedRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: KeyValues };
    scopeLogs?: Array<{
      scope?: { name?: string };
      logRecords?: Array<{
        eventName?: string;
        severityNumber?: number;
        severityText?: string;
        body?: AnyValue;
        attributes?: KeyValues;
        traceId?: string;
        spanId?: string;
        timeUnixNano?: string;
      }>;
    }>;
  }>;
}

const toMap = (list: KeyValues) => Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));

/** The records of one forwarded request (protobuf, maybe gzip). Integers come out as `int:<decimal>`. */
export function decodeForwarded(push: Captured): ForwardedRecord[] {
  const bytes = push.headers['content-encoding'] === 'gzip' ? gunzipSync(push.body) : push.body;
  const object = RequestMessage.toObject(RequestMessage.decode(bytes), {
    longs: String,
    enums: Number,
    bytes: String,
  }) as DecodedRequest;
  const out: ForwardedRecord[] = [];
  for (const rl of object.resourceLogs ?? []) {
    const resource = toMap(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({
          resource,
          scope: sl.scope?.name ?? '',
          ...(lr.eventName ? { eventName: lr.eventName } : {}),
          ...(lr.severityNumber ? { severityNumber: lr.severityNumber } : {}),
          ...(lr.severityText ? { severityText: lr.severityText } : {}),
          body: anyValue(lr.body),
          attributes: toMap(lr.attributes),
          ...(lr.traceId ? { traceId: Buffer.from(lr.traceId, 'base64').toString('hex') } : {}),
          ...(lr.spanId ? { spanId: Buffer.from(lr.spanId, 'base64').toString('hex') } : {}),
          ...(lr.timeUnixNano ? { timeUnixNano: String(lr.timeUnixNano) } : {}),
        });
      }
    }
  }
  return out;
}

/** Every forwarded record of every push. */
export function forwardedRecords(loki: FakeLoki): ForwardedRecord[] {
  return loki.pushes.flatMap(decodeForwarded);
}

/** Polls a condition on the gateway's own state (no timing assertion: it only waits). */
export async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
