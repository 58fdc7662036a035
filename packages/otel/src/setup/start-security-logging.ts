// startSecurityLogging: a LoggerProvider wired the way security logging needs it.
//   context processor → redaction processor → BatchLogRecordProcessor(OTLPLogExporter)
// Processors run in registration order on the same record, and the batch processor only holds a
// reference, so the redaction processor, placed last before export, sees everything the context
// processor and the application added, and nothing reaches the exporter unredacted.
import { hostname } from 'node:os';
import { diag, logs } from '@opentelemetry/api';
import { logs as logsApiLegacy, type LoggerProvider as LegacyLoggerProvider } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createSecurityContextProcessor } from '../context/context-processor.ts';
import { parseOptions, SecurityLoggingConfigError } from '../context/options-error.ts';
import { createRedactionProcessor, RedactionConfigError } from '../redaction/index.ts';
import {
  logsUrlFor,
  securityLoggingOptionsSchema,
  type ResolvedSecurityLoggingOptions,
  type SecurityLoggingOptions,
} from './options.ts';

export interface SecurityLoggingHandle {
  provider: LoggerProvider;
  /** The processors in pipeline order: context, redaction, batch export. */
  processors: readonly LogRecordProcessor[];
  /** The URL records are posted to (<endpoint>/v1/logs). */
  url: string;
  forceFlush(): Promise<void>;
  /** Flushes, stops the exporter and unregisters the global provider if this call registered it. */
  shutdown(): Promise<void>;
}

function buildExporter(options: ResolvedSecurityLoggingOptions) {
  const config = {
    url: logsUrlFor(options.endpoint),
    ...(options.headers ? { headers: options.headers } : {}),
    timeoutMillis: options.exportTimeoutMillis,
    compression: options.compression as never,
    ...(options.tls ? { httpAgentOptions: { keepAlive: true, ...options.tls } } : {}),
  };
  return options.protocol === 'http/json'
    ? new OTLPJsonLogExporter(config)
    : new OTLPProtoLogExporter(config);
}

function validate(where: string, options: SecurityLoggingOptions): ResolvedSecurityLoggingOptions {
  return parseOptions(where, securityLoggingOptionsSchema, options);
}

/**
 * The processors in the order they must run, for use with NodeSDK:
 * `new NodeSDK({ logRecordProcessors: createSecurityLogProcessors(options) })` (NodeSDK ignores
 * OTEL_LOGS_EXPORTER when processors are given, so the exporter is part of the list).
 */
export function createSecurityLogProcessors(options: SecurityLoggingOptions): LogRecordProcessor[] {
  return buildProcessors('createSecurityLogProcessors', validate('createSecurityLogProcessors', options));
}

function buildProcessors(where: string, options: ResolvedSecurityLoggingOptions): LogRecordProcessor[] {
  const context = createSecurityContextProcessor({
    attributeCountLimit: options.attributeCountLimit,
    ...options.context,
  });
  let redaction;
  try {
    redaction = createRedactionProcessor(options.redaction);
  } catch (error) {
    // Report redaction option errors in the same shape as every other option error.
    if (!(error instanceof RedactionConfigError)) throw error;
    throw new SecurityLoggingConfigError(
      where,
      error.issues.map((line) => {
        const cut = line.indexOf(': ');
        return cut < 0
          ? { path: 'redaction', message: line }
          : { path: line.slice(0, cut), message: line.slice(cut + 2) };
      }),
    );
  }
  const batch = new BatchLogRecordProcessor({
    exporter: buildExporter(options),
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: options.maxExportBatchSize,
    scheduledDelayMillis: options.scheduledDelayMillis,
    exportTimeoutMillis: options.exportTimeoutMillis,
  });
  return [context, redaction, batch];
}

/**
 * Starts security logging: validates the options (throws SecurityLoggingConfigError naming each bad
 * field), builds the LoggerProvider with resource service.name, deployment.environment.name and
 * host.name, wires context → redaction → batch OTLP export, and registers it globally.
 */
export function startSecurityLogging(options: SecurityLoggingOptions): SecurityLoggingHandle {
  const resolved = validate('startSecurityLogging', options);
  const processors = buildProcessors('startSecurityLogging', resolved);
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': resolved.serviceName,
      ...(resolved.serviceNamespace ? { 'service.namespace': resolved.serviceNamespace } : {}),
      ...(resolved.serviceVersion ? { 'service.version': resolved.serviceVersion } : {}),
      ...(resolved.deploymentEnvironment
        ? { 'deployment.environment.name': resolved.deploymentEnvironment }
        : {}),
      'host.name': hostname(),
      ...resolved.resource,
    }),
    logRecordLimits: {
      attributeCountLimit: resolved.attributeCountLimit,
      ...(resolved.attributeValueLengthLimit
        ? { attributeValueLengthLimit: resolved.attributeValueLengthLimit }
        : {}),
    },
    processors,
  });

  let registered = false;
  let registeredLegacy = false;
  if (resolved.registerGlobal) {
    registered = logs.setGlobalLoggerProvider(provider);
    // Libraries still on the 0.2xx logs API (@opentelemetry/api-logs) look up a separate global.
    registeredLegacy = Boolean(
      logsApiLegacy.setGlobalLoggerProvider(provider as unknown as LegacyLoggerProvider),
    );
    if (!registered) diag.warn('@logward/otel: a global LoggerProvider was already registered; keeping it');
  }

  let stopped: Promise<void> | undefined;
  return {
    provider,
    processors,
    url: logsUrlFor(resolved.endpoint),
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          if (registered) logs.disable();
          if (registeredLegacy) logsApiLegacy.disable();
        }
      })();
      return stopped;
    },
  };
}
