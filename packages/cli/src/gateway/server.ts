// The gateway's HTTP(S) server: POST /v1/logs (OTLP/HTTP logs, protobuf or JSON, optionally gzip),
// GET /healthz (the process runs) and GET /readyz (Loki reachable, not shutting down).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { ForwardQueue } from './forward-queue.ts';
import { LokiForwarder, type ForwarderOptions, type ForwardResult } from './forwarder.ts';
import {
  decodeLogsRequest,
  encodeLogsResponse,
  encodeStatus,
  encodingOf,
  jsonContentType,
  OtlpDecodeError,
  protobufContentType,
  type OtlpEncoding,
} from './otlp-codec.ts';
import { createRecordPipeline, type GatewayProcessingConfig, type RecordPipeline } from './pipeline.ts';
import { encodeReusingRecords, indexLogRecords } from './splice-encode.ts';

const gunzipAsync = promisify(gunzip);

export interface GatewayOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 4318, the OTLP/HTTP port; 0 picks a free one). */
  port?: number;
  /** PEM certificate and key: the gateway then speaks HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** When set, POST /v1/logs requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Where and how to forward. */
  forward: ForwarderOptions;
  /** Redaction and context options of the processors. */
  processing?: GatewayProcessingConfig;
  /** Replaces the processors (the benchmark's pass-through baseline); default: createRecordPipeline(processing). */
  pipeline?: RecordPipeline;
  /** Requests held at once (being processed, waiting or being forwarded); beyond: 429 (default 64). */
  queueSize?: number;
  /** Requests sent to Loki at once (default 4). */
  concurrency?: number;
  /** Largest request body, compressed and decompressed (default 16 MiB). */
  maxBodyBytes?: number;
  /** Retry-After (seconds) sent with 429 and 503 (default 5). */
  retryAfterSeconds?: number;
  /** How long close() waits for queued requests to be forwarded (default 30 s). */
  shutdownTimeoutMs?: number;
  /** Operational messages (startup problems, Loki failures); default: none. */
  log?: (message: string) => void;
}

export interface GatewayStats {
  /** Requests held now (admitted, not yet answered). */
  queued: number;
  /** Requests being sent to Loki now. */
  inFlight: number;
  receivedRequests: number;
  receivedRecords: number;
  forwardedRequests: number;
  /** Answered 429 because the queue was full. */
  queueFullRejections: number;
  /** Answered 503 or 429 because Loki failed after every retry. */
  lokiFailures: number;
}

export interface Gateway {
  /** http(s)://host:port of the listening gateway. */
  readonly url: string;
  stats(): GatewayStats;
  /** Stops accepting, forwards what is queued (up to shutdownTimeoutMs), then closes. */
  close(): Promise<void>;
}

/** gRPC status codes for the google.rpc.Status bodies of OTLP/HTTP errors. */
const rpcCode = {
  invalidArgument: 3,
  resourceExhausted: 8,
  unauthenticated: 16,
  unavailable: 14,
  internal: 13,
};

class HttpError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const pipeline = options.pipeline ?? createRecordPipeline(options.processing);
  const forwarder = new LokiForwarder({ maxSockets: options.concurrency ?? 4, ...options.forward });
  const queue = new ForwardQueue(options.queueSize ?? 64, options.concurrency ?? 4);
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const token = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  const log = options.log ?? (() => {});
  const stats: GatewayStats = {
    queued: 0,
    inFlight: 0,
    receivedRequests: 0,
    receivedRecords: 0,
    forwardedRequests: 0,
    queueFullRejections: 0,
    lokiFailures: 0,
  };
  let closing = false;
  let probing: Promise<boolean> | undefined;

  const authorized = (req: IncomingMessage): boolean => {
    if (!token) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === token.length && timingSafeEqual(given, token);
  };

  async function readyz(res: ServerResponse): Promise<void> {
    if (closing) return text(res, 503, 'shutting down\n');
    // A verdict from real traffic in the last 5 s is enough; otherwise ask Loki's /ready (one probe at a time).
    let reachable = forwarder.reachable;
    if (reachable === undefined || Date.now() - forwarder.reachableCheckedAt > 5000) {
      probing ??= forwarder.probe().finally(() => (probing = undefined));
      reachable = await probing;
    }
    if (reachable) text(res, 200, 'ready\n');
    else text(res, 503, `Loki not reachable at ${forwarder.readyUrl.origin}\n`);
  }

  async function receiveLogs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const encoding = encodingOf(req.headers['content-type']);
    const answerAs: OtlpEncoding = encoding ?? 'json';
    try {
      if (closing) {
        res.setHeader('retry-after', retryAfter);
        throw new HttpError(503, rpcCode.unavailable, 'the gateway is shutting down');
      }
      if (!authorized(req)) {
        res.setHeader('www-authenticate', 'Bearer realm="logward-gateway"');
        throw new HttpError(401, rpcCode.unauthenticated, 'a valid bearer token is required');
      }
      if (!encoding) {
        throw new HttpError(
          415,
          rpcCode.invalidArgument,
          `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}: use ${protobufContentType} or ${jsonContentType}`,
        );
      }
      const contentEncoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
        throw new HttpError(
          415,
          rpcCode.invalidArgument,
          `unsupported content encoding ${contentEncoding}: use gzip or none`,
        );
      }
      if (!queue.tryAdmit()) {
        stats.queueFullRejections++;
        res.setHeader('retry-after', retryAfter);
        throw new HttpError(
          429,
          rpcCode.resourceExhausted,
          `the gateway queue is full (${queue.capacity} requests)`,
        );
      }
      try {
        await handleAdmitted(req, res, encoding, contentEncoding === 'gzip');
      } finally {
        queue.release();
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      respond(res, error.status, answerAs, encodeStatus(answerAs, error.code, error.message));
    }
  }

  async function handleAdmitted(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: OtlpEncoding,
    gzipped: boolean,
  ) {
    let body = await readBody(req, maxBodyBytes);
    if (gzipped) {
      try {
        body = await gunzipAsync(body, { maxOutputLength: maxBodyBytes });
      } catch (error) {
        const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        throw tooBig
          ? new HttpError(413, rpcCode.invalidArgument, `the decompressed body exceeds ${maxBodyBytes} bytes`)
          : new HttpError(400, rpcCode.invalidArgument, `invalid gzip body: ${(error as Error).message}`);
      }
    }
    let message;
    try {
      message = decodeLogsRequest(body, encoding);
    } catch (error) {
      if (error instanceof OtlpDecodeError) throw new HttpError(400, rpcCode.invalidArgument, error.message);
      throw error;
    }
    stats.receivedRequests++;
    const { records, changed } = pipeline.process(message);
    stats.receivedRecords += records;
    if (records === 0) {
      respond(res, 200, encoding, encodeLogsResponse(encoding));
      return;
    }
    // Protobuf in: records no processor changed are forwarded as the bytes they came in.
    const originals = encoding === 'protobuf' ? indexLogRecords(body) : undefined;
    const forwarded = encodeReusingRecords(message, originals, changed);
    const result = await queue.run(() => forwarder.forward(forwarded));
    answerForward(res, encoding, result);
  }

  function answerForward(res: ServerResponse, encoding: OtlpEncoding, result: ForwardResult): void {
    switch (result.kind) {
      case 'ok':
        stats.forwardedRequests++;
        respond(res, 200, encoding, encodeLogsResponse(encoding, result.partial));
        return;
      case 'rejected': {
        // Loki refused the data (400, 413, ...): the client must not retry it. Loki refusing the
        // gateway's own credentials or URL (401, 403, 404) is the gateway's configuration: 502.
        const dataProblem = result.status === 400 || result.status === 413 || result.status === 422;
        log(`forward rejected: ${result.message}`);
        throw new HttpError(
          dataProblem ? result.status : 502,
          dataProblem ? rpcCode.invalidArgument : rpcCode.internal,
          result.message,
        );
      }
      case 'throttled':
        stats.lokiFailures++;
        log(`forward throttled after retries: ${result.message}`);
        res.setHeader('retry-after', String(Math.max(1, Math.ceil(result.retryAfterSeconds))));
        throw new HttpError(429, rpcCode.resourceExhausted, result.message);
      case 'unavailable':
        stats.lokiFailures++;
        log(`forward failed after retries: ${result.message}`);
        res.setHeader('retry-after', retryAfter);
        throw new HttpError(503, rpcCode.unavailable, result.message);
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const done = (promise: Promise<void>) =>
      promise.catch((error: unknown) => {
        // A gateway bug must not take the process down with it; the client gets a 500.
        log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!res.headersSent)
          respond(res, 500, 'json', encodeStatus('json', rpcCode.internal, 'internal gateway error'));
        else res.destroy();
      });
    if (path === '/v1/logs') {
      if (req.method !== 'POST') return void text(res, 405, 'use POST\n', { allow: 'POST' });
      return void done(receiveLogs(req, res));
    }
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD'))
      return void text(res, 200, 'ok\n');
    if (path === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) return void done(readyz(res));
    text(res, 404, 'not found: the gateway serves POST /v1/logs, GET /healthz, GET /readyz\n');
  };

  const server: Server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4318, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    stats: () => ({ ...stats, queued: queue.size, inFlight: queue.inFlight }),
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timeoutMs = options.shutdownTimeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)),
        );
        const gaveUp = await Promise.race([queue.idle().then(() => false), timedOut]);
        clearTimeout(timer);
        if (gaveUp)
          log(`shutdown: ${queue.size} request(s) still queued after ${timeoutMs} ms; closing anyway`);
        server.closeAllConnections();
        await stopped;
        forwarder.close();
      })();
      return closed;
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, rpcCode.invalidArgument, `the body exceeds ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, rpcCode.invalidArgument, `the body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that goes away mid-body surfaces here (ECONNRESET, 'aborted'): a client problem, not
    // a gateway bug, and the handler's unwinding releases its queue slot.
    req.on('error', (error) =>
      reject(
        new HttpError(400, rpcCode.invalidArgument, `the request body could not be read: ${error.message}`),
      ),
    );
  });
}

function respond(res: ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array): void {
  res.writeHead(status, {
    'content-type': encoding === 'json' ? jsonContentType : protobufContentType,
    'content-length': body.byteLength,
  });
  res.end(body);
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}
