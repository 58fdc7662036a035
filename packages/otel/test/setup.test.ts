import { logs } from '@opentelemetry/api';
import { logs as logsApiLegacy } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { SecurityLoggingConfigError } from '../src/context/index.ts';
import { logsUrlFor, startSecurityLogging, type SecurityLoggingOptions } from '../src/setup/index.ts';
import { testSessionKey } from './helpers.ts';

const valid: SecurityLoggingOptions = { serviceName: 'shop-api', endpoint: 'http://127.0.0.1:9/otlp' };

afterEach(() => {
  logs.disable();
  logsApiLegacy.disable();
});

function errorOf(options: unknown): SecurityLoggingConfigError {
  try {
    startSecurityLogging(options as SecurityLoggingOptions);
  } catch (error) {
    if (error instanceof SecurityLoggingConfigError) return error;
    throw error;
  }
  throw new Error('startSecurityLogging accepted bad options');
}

describe('startSecurityLogging options', () => {
  it('appends /v1/logs to the OTLP base endpoint (Loki: http://loki:3100/otlp)', () => {
    expect(logsUrlFor('http://loki:3100/otlp')).toBe('http://loki:3100/otlp/v1/logs');
    expect(logsUrlFor('http://loki:3100/otlp/')).toBe('http://loki:3100/otlp/v1/logs');
    expect(logsUrlFor('https://collector:4318')).toBe('https://collector:4318/v1/logs');
    expect(logsUrlFor('http://loki:3100/otlp/v1/logs')).toBe('http://loki:3100/otlp/v1/logs');
  });

  it('names every bad field at startup', () => {
    const error = errorOf({
      endpoint: 'ftp://loki/otlp',
      protocol: 'grpc',
      maxQueueSize: 10,
      maxExportBatchSize: 20,
      colour: 'blue',
    });
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['serviceName', 'endpoint', 'protocol', '(options)']));
    expect(error.message).toMatch(/^startSecurityLogging: invalid options:/);
    expect(error.message).toMatch(/endpoint: must be an http:\/\/ or https:\/\/ URL/);
    expect(error.message).toMatch(/colour/);
  });

  it('checks cross-field rules and nested options', () => {
    expect(errorOf({ ...valid, maxQueueSize: 10, maxExportBatchSize: 20 }).message).toMatch(
      /maxExportBatchSize: must not exceed maxQueueSize \(10\)/,
    );
    expect(errorOf({ ...valid, tls: { rejectUnauthorized: true } }).message).toMatch(
      /tls: given, but endpoint is http:\/\//,
    );
    expect(errorOf({ ...valid, endpoint: 'https://loki/otlp', tls: { cert: 'PEM' } }).message).toMatch(
      /tls: cert and key go together/,
    );
    expect(errorOf({ ...valid, context: { sessionIdKey: 'short' } }).message).toMatch(
      /context\.sessionIdKey: must be at least 32 bytes/,
    );
    expect(errorOf({ ...valid, redaction: { rules: [{ id: 'Bad Id' }] } }).message).toMatch(
      /redaction\.rules\[0\]\.id/,
    );
  });

  it('registers the provider globally (api and api-logs) and unregisters on shutdown', async () => {
    const handle = startSecurityLogging({ ...valid, context: { sessionIdKey: testSessionKey } });
    expect(handle.url).toBe('http://127.0.0.1:9/otlp/v1/logs');
    expect(handle.processors).toHaveLength(3);
    expect(handle.processors[2]?.constructor.name).toBe('BatchLogRecordProcessor');
    expect(logs.getLoggerProvider()).toBe(handle.provider);
    expect(logsApiLegacy.getLoggerProvider()).toBe(handle.provider);
    await handle.shutdown();
    await handle.shutdown();
    expect(logs.getLoggerProvider()).not.toBe(handle.provider);
    expect(logsApiLegacy.getLoggerProvider()).not.toBe(handle.provider);
  });
});
