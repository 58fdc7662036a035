// `logward gateway`: an OTLP/HTTP logs receiver for services not written in Node. It applies the same
// context and redaction processors as @logward/otel and forwards to Loki's OTLP endpoint.
// (Work in progress: the implementation lands in src/gateway/.)
import { UsageError } from '../exit-codes.ts';

export const help = `usage: logward gateway --listen <host:port> --forward <loki base url> [options]

Receives OTLP/HTTP logs (POST /v1/logs, protobuf or JSON, gzip), classifies and redacts them with the
@logward/otel processors and forwards them to <loki base url>/otlp/v1/logs.`;

export async function run(_args: string[]): Promise<number> {
  throw new UsageError('gateway is not implemented yet');
}
