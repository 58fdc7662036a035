// A small client for Loki's ruler API (GET/POST/DELETE /loki/api/v1/rules/...), over node:http(s)
// so a private CA (--ca-file) and --insecure-skip-verify work without extra dependencies.
// Credentials come only from the environment, never from argv, and never appear in messages.
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { UsageError, InputError } from '../exit-codes.ts';
import { describeFsError } from '../files.ts';

export class LokiError extends Error {
  override name = 'LokiError';
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export interface LokiClientOptions {
  url: string;
  tenant?: string;
  caFile?: string;
  insecureSkipVerify?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface LokiResponse {
  status: number;
  body: string;
}

export interface LokiClient {
  /** The base URL as shown in messages (no credentials). */
  readonly displayUrl: string;
  request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: string): Promise<LokiResponse>;
}

function authorizationFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const { LOKI_USERNAME: user, LOKI_PASSWORD: password, LOKI_BEARER_TOKEN: token } = env;
  if (token && (user || password)) {
    throw new UsageError('set either LOKI_BEARER_TOKEN or LOKI_USERNAME/LOKI_PASSWORD, not both');
  }
  if (token) return `Bearer ${token}`;
  if (user || password) {
    if (!user || password === undefined)
      throw new UsageError('LOKI_USERNAME and LOKI_PASSWORD must be set together');
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return undefined;
}

export async function createLokiClient(options: LokiClientOptions): Promise<LokiClient> {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new UsageError(`--loki must be a URL such as http://localhost:3100, not '${options.url}'`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new UsageError(`--loki must be an http:// or https:// URL, not ${base.protocol}`);
  }
  if (base.username || base.password) {
    // Command lines end up in shell history and process lists.
    throw new UsageError(
      'do not put credentials in --loki; use LOKI_USERNAME/LOKI_PASSWORD or LOKI_BEARER_TOKEN',
    );
  }
  const authorization = authorizationFromEnv(options.env ?? process.env);
  let ca: Buffer | undefined;
  if (options.caFile) {
    try {
      ca = await readFile(options.caFile);
    } catch (error) {
      throw new InputError(`${options.caFile}: cannot read CA file: ${describeFsError(error)}`);
    }
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const displayUrl = `${base.protocol}//${base.host}${basePath}`;
  const transport = base.protocol === 'https:' ? https : http;
  return {
    displayUrl,
    request(method, path, body) {
      const url = `${displayUrl}${path}`;
      const headers: Record<string, string> = { Accept: 'application/yaml, application/json, */*' };
      if (authorization) headers.Authorization = authorization;
      if (options.tenant) headers['X-Scope-OrgID'] = options.tenant;
      if (body !== undefined) {
        headers['Content-Type'] = 'application/yaml';
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
      return new Promise<LokiResponse>((resolve, reject) => {
        const req = transport.request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port || undefined,
            path: `${basePath}${path}`,
            method,
            headers,
            timeout: options.timeoutMs ?? 30_000,
            ...(base.protocol === 'https:' ? { ca, rejectUnauthorized: !options.insecureSkipVerify } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
            res.on('error', (e) => reject(new LokiError(`${method} ${url}: ${e.message}`)));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (e: NodeJS.ErrnoException) => {
          const reason = e.code === 'ECONNREFUSED' ? 'connection refused' : e.message;
          reject(new LokiError(`cannot reach Loki: ${method} ${url}: ${reason}`));
        });
        if (body !== undefined) req.write(body);
        req.end();
      });
    },
  };
}

/** Loki's error bodies are plain text or JSON `{ "message": ... }` / `{ "error": ... }`. */
export function lokiMessage(body: string): string {
  const text = body.trim();
  try {
    const parsed = JSON.parse(text) as { message?: string; error?: string };
    if (parsed.message || parsed.error) return (parsed.message ?? parsed.error)!;
  } catch {
    // plain text
  }
  return text.length > 500 ? text.slice(0, 500) + '...' : text || '(empty body)';
}

export function httpError(method: string, url: string, response: LokiResponse): LokiError {
  const reason = http.STATUS_CODES[response.status] ?? '';
  return new LokiError(
    `Loki answered ${response.status} ${reason} to ${method} ${url}: ${lokiMessage(response.body)}`,
    response.status,
  );
}
