// `logward gateway`: an OTLP/HTTP logs receiver for services not written in Node (Go, Java, Python,
// collectors). It applies the same context and redaction processors as @logward/otel and forwards to
// Loki's OTLP endpoint. The implementation is in ../gateway/.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exitCodes, InputError, UsageError } from '../exit-codes.ts';
import { GatewayConfigError, loadGatewayConfig } from '../gateway/config-file.ts';
import { startGateway, type GatewayOptions } from '../gateway/server.ts';

export const help = `usage: logward gateway --forward <loki base url> [options]

Receives OTLP/HTTP logs (POST /v1/logs, application/x-protobuf or application/json, optionally
gzip), applies the @logward/otel security context and redaction processors to every record
(classification of taxonomy events, severity policy, otel.event.name, log-injection neutralizing,
redaction with its summary attributes) and forwards them to <loki base url>/otlp/v1/logs.

  --listen <host:port>      where to listen (default 127.0.0.1:4318; ':4318' for every interface)
  --forward <url>           Loki's base URL, e.g. http://loki:3100 (required)
  --config <file>           YAML/JSON with \`redaction:\` (rules, disable, enable, sensitiveKeys, ...) and
                            \`context:\` (sessionIdKey, protectedAttributes, attributeCountLimit)
  --tls-cert <file>         PEM certificate: listen with HTTPS (with --tls-key)
  --tls-key <file>          PEM private key
  --ca-file <file>          PEM CA bundle to trust when forwarding to an https:// Loki
  --tenant <id>             X-Scope-OrgID sent to Loki (multi-tenant Loki)
  --queue-size <n>          requests held at once; beyond it clients get 429 + Retry-After (default 64)
  --concurrency <n>         requests sent to Loki at once (default 4)
  --max-retries <n>         retries of a failed forward (network, 429, 502-504; default 3), then 503/429
  --timeout <seconds>       per forward attempt (default 10)
  --compression gzip|none   compression of the forwarded bodies (default none)

Environment:
  LOGWARD_GATEWAY_TOKEN     when set, POST /v1/logs requires "Authorization: Bearer <token>"
  LOKI_USERNAME, LOKI_PASSWORD   basic auth towards Loki
  LOKI_BEARER_TOKEN         bearer auth towards Loki (instead of basic)
  LOGWARD_SESSION_HASH_KEY  HMAC key (>= 32 bytes) for session.id hashes, as in @logward/otel

Endpoints: POST /v1/logs, GET /healthz (alive), GET /readyz (Loki reachable; 503 otherwise).
SIGTERM/SIGINT stop accepting, forward what is queued, then exit 0.`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, not '${value}'`);
  return n;
}

/** host:port, [v6]:port or :port (every interface). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || port > 65535)
    throw new UsageError(`--listen must be host:port (e.g. 127.0.0.1:4318), not '${value}'`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InputError(
      `--${option} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Outbound credentials from the environment: basic (LOKI_USERNAME/PASSWORD) or bearer. */
export function lokiAuthorization(env: NodeJS.ProcessEnv): string | undefined {
  const user = env['LOKI_USERNAME'];
  const password = env['LOKI_PASSWORD'];
  const bearer = env['LOKI_BEARER_TOKEN'];
  if (bearer && (user || password)) {
    throw new UsageError('set either LOKI_BEARER_TOKEN or LOKI_USERNAME/LOKI_PASSWORD, not both');
  }
  if (bearer) return `Bearer ${bearer}`;
  if (user || password) {
    if (!user || !password) throw new UsageError('LOKI_USERNAME and LOKI_PASSWORD must be set together');
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return undefined;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      listen: { type: 'string' },
      forward: { type: 'string' },
      config: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'ca-file': { type: 'string' },
      tenant: { type: 'string' },
      'queue-size': { type: 'string' },
      concurrency: { type: 'string' },
      'max-retries': { type: 'string' },
      timeout: { type: 'string' },
      compression: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.forward) throw new UsageError('--forward <loki base url> is required');
  const listen = parseListen(values.listen ?? '127.0.0.1:4318');
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  const compression = values.compression ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') {
    throw new UsageError(`--compression must be gzip or none, not '${compression}'`);
  }
  const timeout = Number(values.timeout ?? 10);
  if (!(timeout > 0))
    throw new UsageError(`--timeout must be a positive number of seconds, not '${values.timeout}'`);
  let processing;
  if (values.config) {
    try {
      processing = await loadGatewayConfig(values.config);
    } catch (error) {
      if (!(error instanceof GatewayConfigError)) throw error;
      console.error(`logward gateway: ${error.message}`);
      return exitCodes.usage;
    }
  }
  const authorization = lokiAuthorization(process.env);
  const gatewayToken = process.env['LOGWARD_GATEWAY_TOKEN'];
  const options: GatewayOptions = {
    ...listen,
    forward: {
      lokiUrl: values.forward,
      ...(authorization ? { authorization } : {}),
      ...(values.tenant ? { tenant: values.tenant } : {}),
      ...(values['ca-file'] ? { ca: readPem('ca-file', values['ca-file']) } : {}),
      gzip: compression === 'gzip',
      maxRetries: positiveInt('max-retries', values['max-retries'], 3),
      timeoutMs: timeout * 1000,
    },
    ...(values['tls-cert'] && values['tls-key']
      ? { tls: { cert: readPem('tls-cert', values['tls-cert']), key: readPem('tls-key', values['tls-key']) } }
      : {}),
    ...(gatewayToken ? { token: gatewayToken } : {}),
    ...(processing ? { processing } : {}),
    queueSize: Math.max(1, positiveInt('queue-size', values['queue-size'], 64)),
    concurrency: Math.max(1, positiveInt('concurrency', values.concurrency, 4)),
    log: (message) => console.error(`logward gateway: ${message}`),
  };
  let gateway;
  try {
    gateway = await startGateway(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      code === 'EADDRINUSE' ||
      code === 'EACCES' ||
      code === 'EADDRNOTAVAIL' ||
      error instanceof TypeError
    ) {
      console.error(`logward gateway: cannot start: ${(error as Error).message}`);
      return exitCodes.usage;
    }
    if ((error as Error).message.startsWith('--forward')) throw new UsageError((error as Error).message);
    throw error;
  }
  console.error(
    `logward gateway: listening on ${gateway.url}/v1/logs, forwarding to ${new URL('otlp/v1/logs', values.forward.replace(/\/*$/, '/'))}` +
      (gatewayToken ? ' (bearer token required)' : ''),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  console.error('logward gateway: shutting down, forwarding what is queued');
  await gateway.close();
  return exitCodes.ok;
}
