// An in-process OTLP/HTTP logs receiver for the demo: what a Loki or a Collector would receive, kept
// in memory. It accepts the JSON encoding (the demo's exporters use http/json); protobuf would need
// the OTLP .proto schema, which `logward gateway` brings.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpReceiver {
  /** OTLP base URL (like Loki's http://loki:3100/otlp); exporters append /v1/logs. */
  baseUrl: string;
  /** Every ExportLogsServiceRequest received, parsed, in arrival order. */
  requests: unknown[];
  /** Raw request bodies as received (after gunzip), for byte-level checks. */
  bodies: Buffer[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: unknown[] = [];
  const bodies: Buffer[] = [];
  const reply = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/otlp/v1/logs')
        return reply(res, 404, '{"message":"not found"}');
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        return reply(res, 415, '{"message":"the demo receiver accepts application/json only"}');
      }
      let body = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        requests.push(JSON.parse(body.toString('utf8')));
        bodies.push(body);
      } catch (error) {
        return reply(res, 400, JSON.stringify({ message: `bad OTLP JSON: ${(error as Error).message}` }));
      }
      reply(res, 200, '{}'); // an empty ExportLogsServiceResponse: full success
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/otlp`,
    requests,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
