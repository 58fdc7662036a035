// Forwards encoded OTLP requests to Loki's OTLP endpoint (<base>/otlp/v1/logs) with the configured
// credentials, tenant and TLS, retrying what OTLP calls retryable (network errors, 429, 502, 503,
// 504) with exponential backoff, and probes Loki's /ready for the gateway's readiness.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { gzipSync } from 'node:zlib';
import { decodePartialSuccess, protobufContentType, type PartialSuccess } from './otlp-codec.ts';

export interface ForwarderOptions {
  /** Loki's base URL (http://loki:3100); records go to <base>/otlp/v1/logs. */
  lokiUrl: string;
  /** Authorization header value (Basic ... / Bearer ...). */
  authorization?: string;
  /** X-Scope-OrgID. */
  tenant?: string;
  /** PEM CA bundle for https forwarding to a private CA. */
  ca?: string | Buffer;
  /** gzip the forwarded bodies (default false). */
  gzip?: boolean;
  /** Retries after the first attempt for retryable failures (default 3). */
  maxRetries?: number;
  /** First backoff delay; doubled each retry (default 250 ms). */
  retryBackoffMs?: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Parallel connections to Loki (default 4). */
  maxSockets?: number;
}

export type ForwardResult =
  | { kind: 'ok'; partial?: PartialSuccess }
  /** Loki refused the data itself (4xx other than 429): retrying cannot help. */
  | { kind: 'rejected'; status: number; message: string }
  /** Loki kept answering 429 after every retry. */
  | { kind: 'throttled'; retryAfterSeconds: number; message: string }
  /** Loki unreachable or failing (network error, 5xx) after every retry. */
  | { kind: 'unavailable'; message: string };

interface Attempt {
  status?: number;
  body?: Buffer;
  contentType?: string;
  retryAfter?: string;
  error?: Error;
}

const retryableStatuses = new Set([429, 502, 503, 504]);

export class LokiForwarder {
  readonly logsUrl: URL;
  readonly readyUrl: URL;
  private readonly options: ForwarderOptions;
  private readonly agent: HttpAgent;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  /** Outcome of the last attempt that reached a verdict about Loki (true: Loki answered). */
  reachable: boolean | undefined;
  reachableCheckedAt = 0;

  constructor(options: ForwarderOptions) {
    this.options = options;
    const base = new URL(options.lokiUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(`--forward must be an http:// or https:// URL, not ${options.lokiUrl}`);
    }
    if (base.username || base.password) {
      throw new Error(
        '--forward must not carry credentials; use LOKI_USERNAME/LOKI_PASSWORD or LOKI_BEARER_TOKEN',
      );
    }
    const basePath = base.pathname.replace(/\/+$/, '');
    this.logsUrl = new URL(`${basePath}/otlp/v1/logs`, base);
    this.readyUrl = new URL(`${basePath}/ready`, base);
    const maxSockets = options.maxSockets ?? 4;
    this.agent =
      base.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets, ...(options.ca ? { ca: options.ca } : {}) })
        : new HttpAgent({ keepAlive: true, maxSockets });
    this.maxRetries = options.maxRetries ?? 3;
    this.backoffMs = options.retryBackoffMs ?? 250;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async forward(body: Uint8Array): Promise<ForwardResult> {
    const payload = this.options.gzip ? gzipSync(body) : body;
    let last: Attempt = {};
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (attempt > 0) await sleep(this.delayBefore(attempt, last));
      last = await this.send('POST', this.logsUrl, payload);
      if (last.error) {
        this.markReachable(false);
        continue;
      }
      const status = last.status!;
      this.markReachable(status < 500);
      if (status >= 200 && status < 300) {
        const partial = decodePartialSuccess(last.body!, last.contentType);
        return partial ? { kind: 'ok', partial } : { kind: 'ok' };
      }
      if (!retryableStatuses.has(status)) {
        return { kind: 'rejected', status, message: lokiMessage(last) };
      }
    }
    if (last.status === 429) {
      return {
        kind: 'throttled',
        retryAfterSeconds: retryAfterSeconds(last.retryAfter) ?? 5,
        message: lokiMessage(last),
      };
    }
    return { kind: 'unavailable', message: last.error ? describeError(last.error) : lokiMessage(last) };
  }

  /** GET <base>/ready: Loki answers 200 once it can ingest (503 while starting or shutting down). */
  async probe(): Promise<boolean> {
    const result = await this.send('GET', this.readyUrl, undefined);
    this.markReachable(result.status !== undefined && result.status < 300);
    return this.reachable === true;
  }

  close(): void {
    this.agent.destroy();
  }

  private markReachable(value: boolean): void {
    this.reachable = value;
    this.reachableCheckedAt = Date.now();
  }

  private delayBefore(attempt: number, last: Attempt): number {
    const fromLoki = retryAfterSeconds(last.retryAfter);
    const exponential = this.backoffMs * 2 ** (attempt - 1);
    // Jitter spreads the retries of many waiting requests so they do not hit Loki at once.
    const delay = fromLoki !== undefined ? Math.min(fromLoki * 1000, 30_000) : exponential;
    return delay * (0.75 + Math.random() * 0.5);
  }

  private send(method: 'GET' | 'POST', url: URL, body: Uint8Array | undefined): Promise<Attempt> {
    const headers: Record<string, string> = {};
    if (body) {
      headers['content-type'] = protobufContentType;
      headers['content-length'] = String(body.byteLength);
      if (this.options.gzip) headers['content-encoding'] = 'gzip';
    }
    if (this.options.authorization) headers['authorization'] = this.options.authorization;
    if (this.options.tenant) headers['x-scope-orgid'] = this.options.tenant;
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Attempt>((resolve) => {
      const req = request(
        url,
        { method, headers, agent: this.agent, timeout: this.timeoutMs },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
              ...(typeof res.headers['retry-after'] === 'string'
                ? { retryAfter: res.headers['retry-after'] }
                : {}),
            }),
          );
          res.on('error', (error) => resolve({ error }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from Loki within ${this.timeoutMs} ms`)));
      req.on('error', (error) => resolve({ error }));
      req.end(body);
    });
  }
}

function retryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function lokiMessage(attempt: Attempt): string {
  const text = attempt.body?.toString('utf8').trim().slice(0, 500) ?? '';
  return `Loki answered ${attempt.status}${text ? `: ${text}` : ''}`;
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return `Loki unreachable: ${code ? `${code} ` : ''}${error.message}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
