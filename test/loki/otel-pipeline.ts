// The service side of the OTLP wire test: what a Node service using @logward/otel emits. Until
// @logward/otel is importable the same records go through the plain OpenTelemetry SDK with the same
// real OTLP/HTTP protobuf exporter (no redaction), so the Loki mapping is still checked.
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

export const wireServiceName = 'logward-wire-test';

/** Fake credentials of the real shapes (AWS documentation examples, repeated patterns). */
export const seededSecrets = [
  { name: 'AWS access key id', value: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'AWS secret access key', value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { name: 'GitHub token', value: `ghp_${'aB3dE5fG7hJ9'.repeat(3)}` },
  { name: 'password', value: 'Tr0ub4dor-fake-fake-fake' },
  { name: 'bearer token', value: `fakeBearer${'Xy9Zw8'.repeat(4)}` },
] as const;

const secret = (name: (typeof seededSecrets)[number]['name']): string =>
  seededSecrets.find((s) => s.name === name)!.value;

interface MinimalLogger {
  emit(record: Record<string, unknown>): void;
}

export interface WirePipeline {
  description: string;
  redacts: boolean;
  expectedRecords: number;
  start(
    endpoint: string,
    headers: Record<string, string>,
  ): { logger: MinimalLogger; shutdown(): Promise<void> };
  emitEvent(logger: MinimalLogger, name: string, fields: Record<string, unknown>): void;
}

interface LogwardOtel {
  startSecurityLogging(options: Record<string, unknown>): {
    provider: { getLogger(name: string): MinimalLogger; forceFlush(): Promise<void> };
    shutdown(): Promise<void>;
  };
  emitSecurityEvent(logger: MinimalLogger, name: string, fields: Record<string, unknown>): void;
}

export async function loadPipeline(): Promise<WirePipeline> {
  let otel: Partial<LogwardOtel> | undefined;
  let why = '';
  try {
    // Computed specifier: typecheck must not depend on a package that is still being written.
    const specifier = '@logward/otel';
    otel = (await import(specifier)) as Partial<LogwardOtel>;
  } catch (error) {
    why = (error as Error).message.split('\n')[0] ?? '';
  }
  if (otel?.startSecurityLogging && otel.emitSecurityEvent) return logwardPipeline(otel as LogwardOtel);
  return rawPipeline(why || '@logward/otel has no startSecurityLogging/emitSecurityEvent yet');
}

function logwardPipeline(otel: LogwardOtel): WirePipeline {
  return {
    description: '@logward/otel startSecurityLogging',
    redacts: true,
    expectedRecords: 3,
    start(endpoint, headers) {
      const handle = otel.startSecurityLogging({
        serviceName: wireServiceName,
        endpoint,
        headers,
        registerGlobal: false,
        scheduledDelayMillis: 100,
      });
      return { logger: handle.provider.getLogger('wire-test'), shutdown: () => handle.shutdown() };
    },
    emitEvent: (logger, name, fields) => otel.emitSecurityEvent(logger, name, fields),
  };
}

function rawPipeline(why: string): WirePipeline {
  const severities: Record<string, [number, string]> = {
    authn_login_fail: [SeverityNumber.WARN, 'WARN'],
    authz_fail: [18, 'CRITICAL'],
  };
  return {
    description: `the plain OpenTelemetry SDK (@logward/otel not usable yet: ${why})`,
    redacts: false,
    expectedRecords: 3,
    start(endpoint, headers) {
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': wireServiceName }),
        processors: [
          new BatchLogRecordProcessor({
            exporter: new OTLPLogExporter({ url: `${endpoint}/v1/logs`, headers }),
            scheduledDelayMillis: 100,
          }),
        ],
      });
      return { logger: provider.getLogger('wire-test'), shutdown: () => provider.shutdown() };
    },
    emitEvent(logger, name, fields) {
      // What the processor does: EventName, the otel.event.name attribute, the policy's severity.
      const [severityNumber, severityText] = severities[name] ?? [SeverityNumber.INFO, 'INFO'];
      logger.emit({
        eventName: name,
        severityNumber,
        severityText,
        body: fields.message,
        attributes: { ...(fields.attributes as object), 'otel.event.name': name },
      });
    },
  };
}

/** Emits two security events and one ordinary record full of seeded secrets, then flushes. */
export async function emitWireRecords(
  pipeline: WirePipeline,
  endpoint: string,
  headers: Record<string, string>,
): Promise<void> {
  const { logger, shutdown } = pipeline.start(endpoint, headers);
  pipeline.emitEvent(logger, 'authn_login_fail', {
    'logward.authn.method': 'password',
    message: `login failed for alice (password=${secret('password')})`,
    attributes: { 'user.id': 'alice', 'client.address': '203.0.113.7', 'client.port': 51234 },
  });
  pipeline.emitEvent(logger, 'authz_fail', {
    'logward.authz.resource': '/admin/users',
    message: 'bob tried to open /admin/users',
    attributes: {
      'user.id': 'bob',
      'client.address': '198.51.100.23',
      'http.request.header.authorization': `Bearer ${secret('bearer token')}`,
    },
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `syncing bucket with key ${secret('AWS access key id')} aws_secret_access_key=${secret('AWS secret access key')}`,
    attributes: {
      'logward.request.id': 'req-wire-1',
      'app.github_token': secret('GitHub token'),
      'app.config': `token: ${secret('GitHub token')}`,
    },
  });
  await shutdown();
}
