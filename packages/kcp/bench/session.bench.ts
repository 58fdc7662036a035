// Benchmark: what logward's session layer costs on top of the bare ikcp.c data path, and how many
// rejection events per second the sink path sustains. Prints ratios against a baseline measured in
// the same run (numbers from different machines are not comparable; ratios roughly are).
// Run: pnpm --filter @logward/kcp bench
import { createRequire } from 'node:module';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { KcpSession, defaultTimeouts, loggerSink, type KcpEventSink } from '../src/index.ts';
import type { NativeKcp } from '../src/native.ts';

const KCP = (
  createRequire(import.meta.url)('node-kcp/index.js') as { KCP: new (conv: number, ctx: object) => NativeKcp }
).KCP;
const messages = 20_000;
const payload = Buffer.alloc(512, 7);

function configure(kcp: NativeKcp): NativeKcp {
  kcp.nodelay(1, 10, 2, 1);
  kcp.wndsize(1024, 1024);
  return kcp;
}

/** Pushes `messages` through a sender → receiver pair joined in memory; returns ms. */
function run(
  makeReceiver: (toSender: (d: Buffer) => void) => { input(d: Buffer): void; tick(now: number): number },
): number {
  let now = 1;
  const sender = configure(new KCP(1, {}));
  const receiver = makeReceiver((d) => sender.input(d));
  sender.output((d) => receiver.input(Buffer.from(d)));
  let received = 0;
  const start = performance.now();
  for (let i = 0; i < messages; i++) {
    sender.send(payload);
    if (i % 64 === 63) {
      now += 10;
      sender.update(now);
      receiver.tick(now);
    }
  }
  for (let i = 0; i < 2000 && received < messages; i++) {
    now += 10;
    sender.update(now);
    received = receiver.tick(now);
  }
  const ms = performance.now() - start;
  if (received !== messages) throw new Error(`bench: ${received} of ${messages} messages arrived`);
  sender.release();
  return ms;
}

function bare(): number {
  return run((toSender) => {
    const kcp = configure(new KCP(1, {}));
    kcp.output((d) => toSender(Buffer.from(d)));
    let got = 0;
    return {
      input: (d) => {
        kcp.input(d);
        while (kcp.recv() !== undefined) got++;
      },
      tick: (now) => {
        kcp.update(now);
        return got;
      },
    };
  });
}

function withSession(sink: KcpEventSink): number {
  return run((toSender) => {
    let now = 1;
    let got = 0;
    const session = new KcpSession({
      role: 'server',
      conv: 1,
      local: { address: '127.0.0.1', port: 1 },
      remote: { address: '127.0.0.1', port: 2 },
      transmit: toSender,
      sink,
      now: () => now,
      timeouts: { ...defaultTimeouts, statsIntervalMs: 0 },
      tuning: { nodelay: [1, 10, 2, 1], sndwnd: 1024, rcvwnd: 1024 },
    });
    session.on('message', () => got++);
    return {
      input: (d) => void session.input(d),
      tick: (t) => {
        now = t;
        session.tick();
        return got;
      },
    };
  });
}

function rejectionEvents(sink: KcpEventSink, count: number): number {
  const session = new KcpSession({
    role: 'server',
    conv: 1,
    local: { address: '127.0.0.1', port: 1 },
    remote: { address: '127.0.0.1', port: 2 },
    transmit: () => {},
    sink,
    now: Date.now,
    timeouts: defaultTimeouts,
  });
  const forged = Buffer.alloc(24);
  forged.writeUInt32LE(2, 0); // a foreign conv: ikcp_input -1, one kcp_input_rejected event each
  forged.writeUInt8(81, 4);
  const start = performance.now();
  for (let i = 0; i < count; i++) session.input(forged);
  const ms = performance.now() - start;
  session.close();
  return ms;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const exporter = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
const otelSink = loggerSink(provider.getLogger('bench'));

bare();
withSession(() => {}); // warm up
// Interleaved, so load from other processes hits both sides alike.
const bareRuns: number[] = [];
const sessionRuns: number[] = [];
for (let i = 0; i < 9; i++) {
  bareRuns.push(bare());
  sessionRuns.push(withSession(otelSink));
}
const baseline = median(bareRuns);
const session = median(sessionRuns);
console.log(
  `data path, ${messages} messages of ${payload.length} B through ikcp.c in memory (median of 9, interleaved):`,
);
console.log(
  `  bare node-kcp            ${baseline.toFixed(1)} ms  (${((messages / baseline) * 1000).toFixed(0)} msg/s)  1.00x`,
);
console.log(
  `  logward KcpSession       ${session.toFixed(1)} ms  (${((messages / session) * 1000).toFixed(0)} msg/s)  ${(session / baseline).toFixed(2)}x`,
);

const events = 5000;
exporter.reset();
const noopRuns: number[] = [];
const sdkRuns: number[] = [];
for (let i = 0; i < 5; i++) {
  noopRuns.push(rejectionEvents(() => {}, events));
  sdkRuns.push(rejectionEvents(otelSink, events));
}
const noop = median(noopRuns);
const sdk = median(sdkRuns);
console.log(
  `rejection path, ${events} forged datagrams each writing kcp_input_rejected (median of 5, interleaved):`,
);
console.log(
  `  no-op sink               ${noop.toFixed(1)} ms  (${((events / noop) * 1000).toFixed(0)} events/s)  1.00x`,
);
console.log(
  `  emitSecurityEvent → SDK  ${sdk.toFixed(1)} ms  (${((events / sdk) * 1000).toFixed(0)} events/s)  ${(sdk / noop).toFixed(2)}x`,
);
await provider.shutdown();
