// Options of startSecurityLogging, validated with zod so a wrong option fails at startup naming the field.
import { z } from 'zod';
import type { RedactionConfigInput } from '../redaction/index.ts';
import { securityContextConfigSchema } from '../context/context-processor.ts';

const pem = z.union([z.string().min(1), z.instanceof(Uint8Array)]);

export const securityLoggingOptionsSchema = z
  .object({
    /** Resource service.name; Loki indexes it as the service_name label. */
    serviceName: z.string().min(1),
    serviceNamespace: z.string().min(1).optional(),
    serviceVersion: z.string().min(1).optional(),
    /** Resource deployment.environment.name (a default Loki index label). */
    deploymentEnvironment: z.string().min(1).optional(),
    /**
     * OTLP/HTTP base URL. For Loki: http://loki:3100/otlp; "/v1/logs" is appended (an endpoint that already
     * ends in /v1/logs is used as it is). For an OTel Collector: http://collector:4318.
     */
    endpoint: z.url({
      protocol: /^https?$/,
      error: 'must be an http:// or https:// URL such as http://loki:3100/otlp',
    }),
    /** HTTP headers on every export: Authorization, X-Scope-OrgID (Loki tenant), ... */
    headers: z.record(z.string().min(1), z.string()).optional(),
    protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
    compression: z.enum(['gzip', 'none']).default('none'),
    /** Options of the redaction processor (see the Redaction section of the README). */
    redaction: z
      .custom<RedactionConfigInput>((value) => typeof value === 'object' && value !== null, {
        message: 'must be an object of redaction options',
      })
      .optional(),
    /** Options of the security context processor (sessionIdKey, protectedAttributes, ...). */
    context: securityContextConfigSchema.optional(),
    /** More resource attributes (service.instance.id, k8s.*, ...). */
    resource: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** TLS for https endpoints: private CA, client certificate (mTLS). */
    tls: z
      .object({
        ca: z.union([pem, z.array(pem)]).optional(),
        cert: pem.optional(),
        key: pem.optional(),
        rejectUnauthorized: z.boolean().optional(),
        servername: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Records buffered before export; more are dropped (and counted by the SDK), never blocking the app. */
    maxQueueSize: z.int().positive().default(2048),
    maxExportBatchSize: z.int().positive().default(512),
    scheduledDelayMillis: z.int().positive().default(1000),
    exportTimeoutMillis: z.int().positive().default(30000),
    /** The provider's attribute count limit (SDK default 128; Loki keeps at most 128 structured metadata entries). */
    attributeCountLimit: z.int().min(16).default(128),
    attributeValueLengthLimit: z.int().positive().optional(),
    /** Register the provider as the global LoggerProvider (both @opentelemetry/api and api-logs). */
    registerGlobal: z.boolean().default(true),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.maxExportBatchSize > options.maxQueueSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxExportBatchSize'],
        message: `must not exceed maxQueueSize (${options.maxQueueSize})`,
      });
    }
    if (options.tls && options.endpoint.startsWith('http://')) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'given, but endpoint is http:// (use https://)',
      });
    }
    if ((options.tls?.cert === undefined) !== (options.tls?.key === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'cert and key go together (client certificate)',
      });
    }
  });

export type SecurityLoggingOptions = z.input<typeof securityLoggingOptionsSchema>;
export type ResolvedSecurityLoggingOptions = z.output<typeof securityLoggingOptionsSchema>;

/** The exporter URL for an OTLP/HTTP base endpoint: <base>/v1/logs. */
export function logsUrlFor(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/logs') ? base : `${base}/v1/logs`;
}
