// Test harness: a real OTel LoggerProvider whose records land in the SDK's InMemoryLogRecordExporter,
// real UDP sockets on 127.0.0.1, and a raw peer that speaks KCP through node-kcp but can also send
// arbitrary bytes from the same address (what an attacker's or a broken client's socket does).
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { KcpSession, KCP_OVERHEAD, type KcpServer } from '../src/index.ts';

export interface CapturedEvent {
  name: string;
  severityText: string | undefined;
  severityNumber: number | undefined;
  body: unknown;
  attributes: Record<string, unknown>;
  /** Unix ns of the record's timestamp. */
  timeNs: bigint;
}

export function captureEvents() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return {
    provider,
    events(): CapturedEvent[] {
      const records = exporter.getFinishedLogRecords();
      // Every event must pass the taxonomy's schema (emitSecurityEvent flags failures on the record).
      const invalid = records.find((r) => r.attributes['logward.schema.errors'] !== undefined);
      if (invalid)
        throw new Error(`${invalid.eventName}: ${String(invalid.attributes['logward.schema.errors'])}`);
      return records.map((r) => ({
        name: r.eventName ?? '',
        severityText: r.severityText,
        severityNumber: r.severityNumber,
        body: r.body,
        attributes: { ...r.attributes },
        timeNs: BigInt(r.hrTime[0]) * 1_000_000_000n + BigInt(r.hrTime[1]),
      }));
    },
    names(filter: (name: string) => boolean = (n) => n !== 'kcp_conn_stats'): string[] {
      return this.events()
        .map((e) => e.name)
        .filter(filter);
    },
  };
}

/** Polls until `check` returns a value, failing with `what` after a generous bound (not a timing assertion). */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  boundMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > boundMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const KCP = (
  createRequire(import.meta.url)('node-kcp/index.js') as {
    KCP: new (
      conv: number,
      ctx: object,
    ) => {
      output(fn: (b: Buffer) => void): void;
      send(b: Buffer): number;
      update(ms: number): void;
      flush(): void;
      release(): void;
    };
  }
).KCP;

/** The first datagram a real node-kcp client sends for `conv` (a PUSH with sn 0). */
export function firstSegment(conv: number, payload = 'hello'): Buffer {
  const kcp = new KCP(conv, {});
  const out: Buffer[] = [];
  kcp.output((b) => out.push(Buffer.from(b)));
  kcp.send(Buffer.from(payload));
  kcp.update(Date.now() >>> 0);
  kcp.flush();
  kcp.release();
  if (!out[0]) throw new Error('node-kcp produced no datagram');
  return out[0];
}

/** A 24-byte segment header with the given fields (protocol.txt layout), followed by `payload`. */
export function segment(
  fields: { conv: number; cmd: number; sn?: number; len?: number },
  payload = Buffer.alloc(0),
): Buffer {
  const b = Buffer.alloc(KCP_OVERHEAD + payload.length);
  b.writeUInt32LE(fields.conv >>> 0, 0);
  b.writeUInt8(fields.cmd, 4);
  b.writeUInt16LE(128, 6);
  b.writeUInt32LE(Date.now() >>> 0, 8);
  b.writeUInt32LE(fields.sn ?? 0, 12);
  b.writeUInt32LE(fields.len ?? payload.length, 20);
  payload.copy(b, KCP_OVERHEAD);
  return b;
}

/** A UDP socket with a KCP session on it, plus `sendRaw` for forged bytes from the same address. */
export async function rawPeer(server: KcpServer, conv: number, provider?: LoggerProvider) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = server.address();
  const local = socket.address();
  const sink = () => {};
  const session = new KcpSession({
    role: 'client',
    conv,
    local: { address: local.address, port: local.port },
    remote: { address: '127.0.0.1', port },
    transmit: (d) => socket.send(d, port, '127.0.0.1'),
    sink: provider
      ? (n, a, o) => provider.getLogger('peer').emit({ eventName: n, body: o.body, attributes: a })
      : sink,
    now: Date.now,
    timeouts: {
      idleTimeoutMs: 60_000,
      heartbeatIntervalMs: 60_000,
      deadLinkTimeoutMs: 60_000,
      deadLinkTransmissions: 1000,
      handshakeTimeoutMs: 60_000,
      statsIntervalMs: 0,
    },
  });
  const received: string[] = [];
  session.on('message', (m) => received.push(m.toString()));
  socket.on('message', (d) => session.input(d));
  const timer = setInterval(() => session.tick(), 10);
  return {
    session,
    port: local.port,
    received,
    sendRaw: (bytes: Buffer) => socket.send(bytes, port, '127.0.0.1'),
    async close() {
      clearInterval(timer);
      session.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** A plain UDP socket that only sends raw bytes (a prober or flooder). */
export async function rawSocket(serverPort: number) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    send: (bytes: Buffer) => socket.send(bytes, serverPort, '127.0.0.1'),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
