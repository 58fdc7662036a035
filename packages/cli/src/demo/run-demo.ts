// The whole demo as a function: start the OTLP receiver, the example shop and a KCP gateway with
// logward, drive benign traffic and attacks, convert what was received the way Loki's OTLP ingestion
// does, add the K3s audit and Kata samples from the packs' fixtures, and run every pack with the
// embedded engine. The command prints the result; the test asserts on it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logs as apiLogs } from '@opentelemetry/api';
import { logs as legacyLogs } from '@opentelemetry/api-logs';
import { setLogwardHttpLogger } from '@logward/egg';
import { createShopApp } from '@logward/example-express-shop';
import { discoverPacks, exists, type Pack } from '../packs.ts';
import { scanFiles, type FoundAlert, type ScanReport } from '../scan/scan.ts';
import { otlpRecords, type OtlpRecord } from '../scan/otlp.ts';
import { driveKcp, type KcpScenario } from './kcp-traffic.ts';
import { servicePipeline, type TappedRecord } from './pipeline.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';
import { driveShop, type ShopScenario } from './shop-traffic.ts';

/**
 * Samples replayed as the K3s and Kata sources: attack fixtures of the packs' own rule tests. K3s
 * audit lines are recognized by their content; the Kata fixtures are bare journald MESSAGE texts, so
 * they get the labels the collection kit would set (as the packs' tests give them).
 */
export interface ReplayedSample {
  /** Path under the packs directory. */
  file: string;
  pack: string;
  labels?: Record<string, string>;
}

export const replayedSamples: ReplayedSample[] = [
  { file: 'k3s/tests/fixtures/exec-attack.jsonl', pack: 'k3s' },
  { file: 'k3s/tests/fixtures/rbac-attack.jsonl', pack: 'k3s' },
  {
    file: 'kata/tests/fixtures/go-policy-block.txt',
    pack: 'kata',
    labels: { job: 'kata', host: 'demo-node' },
  },
  {
    file: 'kata/tests/fixtures/coco-image-pull.txt',
    pack: 'kata',
    labels: { job: 'kata', host: 'demo-node' },
  },
];

export interface DemoOptions {
  packsDir: string;
  /** Also send everything to this Loki (OTLP + push API) — done by the command, not here. */
  log?: (line: string) => void;
}

export interface DemoResult {
  shopScenarios: ShopScenario[];
  kcpScenarios: KcpScenario[];
  /** Every record as the code emitted it and as it was handed to the exporter. */
  tapped: TappedRecord[];
  /** What the receiver got, converted like Loki's OTLP ingestion. */
  received: OtlpRecord[];
  /** Raw OTLP JSON requests as received. */
  requests: unknown[];
  otlpFile: string;
  /** Raw request bodies as the receiver got them (for the no-secret-on-the-wire check). */
  wire: Buffer[];
  /** Samples replayed, and the ones missing from the packs directory. */
  samples: (ReplayedSample & { path: string })[];
  missingSamples: string[];
  /** One scan per replayed source (OTLP, each fixture), each over its own time range. */
  reports: { source: string; report: ScanReport }[];
  alerts: (FoundAlert & { source: string; group?: string })[];
  packs: Pack[];
  workDir: string;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const packs = await discoverPacks(options.packsDir);
  if (!packs.length) throw new Error(`no rule packs in ${options.packsDir}`);
  const receiver = await startOtlpReceiver();
  const common = {
    endpoint: receiver.baseUrl,
    protocol: 'http/json' as const,
    scheduledDelayMillis: 100,
    registerGlobal: false,
  };
  const shop = servicePipeline({ ...common, serviceName: 'shop-api', serviceNamespace: 'demo' });
  const gateway = servicePipeline({ ...common, serviceName: 'game-gateway', serviceNamespace: 'demo' });
  // The shop's own log lines and its middleware write through the global provider, as in production.
  apiLogs.setGlobalLoggerProvider(shop.provider);
  legacyLogs.setGlobalLoggerProvider(shop.provider as never);
  setLogwardHttpLogger(undefined);
  const workDir = await mkdtemp(join(tmpdir(), 'logward-demo-'));
  let server: Server | undefined;
  try {
    server = createShopApp({ trustedProxies: ['loopback'] }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    const shopUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    log(`shop-api on ${shopUrl}, OTLP receiver on ${receiver.baseUrl}`);
    const shopScenarios = await driveShop(shopUrl);
    const kcp = await driveKcp(gateway.provider);
    await kcp.server.close();
    await shop.shutdown(); // flushes the batch exporter: every record is at the receiver after this
    await gateway.shutdown();

    const received = receiver.requests.flatMap((request) => otlpRecords(request));
    const otlpFile = join(workDir, 'received.otlp.ndjson');
    await writeFile(otlpFile, receiver.requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const reports: DemoResult['reports'] = [];
    const appPacks = packs.filter((p) => p.name === 'app' || p.name === 'kcp');
    reports.push({
      source: 'OTLP from shop-api and game-gateway',
      report: await scanFiles([otlpFile], appPacks),
    });
    const samples: DemoResult['samples'] = [];
    const missingSamples: string[] = [];
    for (const sample of replayedSamples) {
      const path = join(options.packsDir, sample.file);
      const packSet = packs.filter((p) => p.name === sample.pack);
      if (!packSet.length || !(await exists(path))) {
        missingSamples.push(sample.file);
        continue;
      }
      samples.push({ ...sample, path });
      // Each sample is scanned on its own: their timestamps are months apart, and one scan replays the
      // rules minute by minute over the whole range it is given.
      const report = await scanFiles([path], packSet, sample.labels ? { labels: sample.labels } : {});
      reports.push({ source: sample.file, report });
    }
    const alerts = reports.flatMap(({ source, report }) => report.alerts.map((a) => ({ ...a, source })));
    return {
      shopScenarios,
      kcpScenarios: kcp.scenarios,
      tapped: [...shop.tapped, ...gateway.tapped],
      received,
      requests: receiver.requests,
      otlpFile,
      wire: receiver.bodies,
      samples,
      missingSamples,
      reports,
      alerts,
      packs,
      workDir,
    };
  } finally {
    server?.close();
    await receiver.close();
    apiLogs.disable();
    legacyLogs.disable();
  }
}

/** Removes the demo's scratch directory. */
export async function cleanupDemo(result: DemoResult): Promise<void> {
  await rm(result.workDir, { recursive: true, force: true });
}
