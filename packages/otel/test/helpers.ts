// A real LoggerProvider (sdk-logs 3.x) with the processors under test and an in-memory exporter.
import { createHmac } from 'node:crypto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { createSecurityContextProcessor, type SecurityContextConfig } from '../src/context/index.ts';

export const testSessionKey = 'test-only-session-hash-key-0123456789abcdef';

export function sessionHash(raw: string): string {
  return createHmac('sha256', testSessionKey).update(raw).digest('hex').slice(0, 32);
}

export function contextPipeline(
  options: {
    config?: SecurityContextConfig;
    attributeCountLimit?: number;
    after?: LogRecordProcessor[];
  } = {},
) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop-api' }),
    ...(options.attributeCountLimit
      ? { logRecordLimits: { attributeCountLimit: options.attributeCountLimit } }
      : {}),
    processors: [
      createSecurityContextProcessor({ sessionIdKey: testSessionKey, ...options.config }),
      ...(options.after ?? []),
      new SimpleLogRecordProcessor({ exporter }),
    ],
  });
  const logger = provider.getLogger('test');
  const records = () => exporter.getFinishedLogRecords();
  const last = () => {
    const all = records();
    const record = all[all.length - 1];
    if (!record) throw new Error('no record was exported');
    return record;
  };
  return { provider, exporter, logger, records, last };
}
