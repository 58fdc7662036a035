// A real LoggerProvider with logward's context processor and an in-memory exporter, and small HTTP
// helpers for servers listening on 127.0.0.1.
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { createSecurityContextProcessor } from '@logward/otel';
import { setLogwardHttpLogger } from '../src/index.ts';

export const sessionKey = 'test-only-session-hash-key-0123456789abcdef';

export function hashOf(raw: string): string {
  return createHmac('sha256', sessionKey).update(raw).digest('hex').slice(0, 32);
}

export function capture() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [
      createSecurityContextProcessor({ sessionIdKey: sessionKey }),
      new SimpleLogRecordProcessor({ exporter }),
    ],
  });
  setLogwardHttpLogger(provider.getLogger('@logward/egg'));
  const records = () => {
    const all = exporter.getFinishedLogRecords();
    // Every event must pass the taxonomy's schema (emitSecurityEvent flags failures on the record).
    const invalid = all.find((r) => r.attributes['logward.schema.errors'] !== undefined);
    if (invalid)
      throw new Error(`${invalid.eventName}: ${String(invalid.attributes['logward.schema.errors'])}`);
    return all.map((r) => ({
      name: r.eventName,
      severityText: r.severityText,
      body: r.body,
      attributes: { ...r.attributes } as Record<string, unknown>,
    }));
  };
  return {
    provider,
    records,
    events: () => records().filter((r) => r.name),
    reset: () => exporter.reset(),
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
