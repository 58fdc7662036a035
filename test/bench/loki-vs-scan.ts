// Benchmark (not a test): the K3s pack over the same generated audit corpus, once through a real
// Loki (push, then every rule's expression as a range query stepped like the ruler, 1m) and once
// through `logward scan` (the embedded engine replaying the same rules over the file). Prints
// events/s for both and their ratio, all measured in this run on this machine.
//
//   pnpm --filter @logward/integration-tests bench:loki            # 1,000,000 events
//   BENCH_EVENTS=100000 pnpm --filter @logward/integration-tests bench:loki
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOrBuildLoki, lokiVersion, startLoki } from '../loki/harness.ts';
import { LokiClient, type PushEntry } from '../loki/loki-client.ts';
import { listPacks, repoRoot } from '../loki/packs.ts';
import { k3sAuditCorpus } from './k3s-audit-corpus.ts';

const events = Number(process.env.BENCH_EVENTS ?? process.argv[2] ?? 1_000_000);
const spanMs = Number(process.env.BENCH_SPAN_MINUTES ?? 60) * 60_000;
const batchSize = Number(process.env.BENCH_PUSH_BATCH ?? 2000);
if (!Number.isInteger(events) || events < 1)
  throw new Error(`BENCH_EVENTS must be a positive integer, not ${events}`);

const pack = listPacks().find((p) => p.name === 'k3s');
if (!pack) throw new Error('alert-rules/k3s (the K3s pack) is missing: nothing to benchmark');
const fixturesDir = join(pack.dir, 'tests/fixtures');
const selector = '{job="k3s-audit"}';
const endMs = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
const corpus = () => k3sAuditCorpus({ events, endMs, spanMs, fixturesDir });
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')} events/s`;

const work = mkdtempSync(join(tmpdir(), 'logward-bench-'));
// Several files: `logward scan` reads a file into one string, and V8 strings stop at ~512 MB
// (1M events are ~1.4 GB), so the corpus is split the way rotated audit logs are.
const perFile = Number(process.env.BENCH_EVENTS_PER_FILE ?? 200_000);
try {
  console.log(
    `corpus: ${events.toLocaleString('en-US')} K3s audit events over ${spanMs / 60_000} min (k3s fixtures, fresh ids/times)`,
  );
  const files: string[] = [];
  let out: WriteStream | undefined;
  let written = 0;
  for (const e of corpus()) {
    if (written % perFile === 0) {
      if (out) {
        out.end();
        await once(out, 'finish');
      }
      const file = join(work, `k3s-audit-${String(files.length).padStart(3, '0')}.jsonl`);
      files.push(file);
      out = createWriteStream(file);
    }
    written++;
    if (!out!.write(e.line + '\n')) await once(out!, 'drain');
  }
  out!.end();
  await once(out!, 'finish');
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  console.log(`  ${files.length} file(s) in ${work}: ${(bytes / 1e6).toFixed(1)} MB`);

  // --- logward scan: the embedded engine, end to end (read, classify, evaluate every group each 1m).
  let t = process.hrtime.bigint();
  const scan = await runScan(files);
  const scanSeconds = seconds(t);
  if (scan.code !== 0 && scan.code !== 1)
    throw new Error(
      `logward scan failed (exit ${scan.code}):\n${scan.stderr}\n${scan.stdout.slice(0, 2000)}`,
    );
  const scanAlerts = countScanAlerts(scan.stdout);

  // --- Loki: push, then the same rules as range queries.
  const binaries = await findOrBuildLoki((line) => console.log(line));
  const loki = await startLoki(binaries, { name: 'loki-bench', rulerStore: 'local', multiTenant: false });
  try {
    const client = new LokiClient(loki.url);
    t = process.hrtime.bigint();
    let batch: PushEntry[] = [];
    for (const e of corpus()) {
      batch.push({ ns: String(e.ns), line: e.line });
      if (batch.length === batchSize) {
        await client.push([{ labels: { job: 'k3s-audit' }, entries: batch }]);
        batch = [];
      }
    }
    if (batch.length > 0) await client.push([{ labels: { job: 'k3s-audit' }, entries: batch }]);
    const pushSeconds = seconds(t);

    const rules = pack.rules.groups.flatMap((g) => g.rules).filter((r) => r.expr.includes(selector));
    const startNs = String(BigInt(endMs - spanMs) * 1_000_000n);
    const endNs = String(BigInt(endMs + 60_000) * 1_000_000n);
    let seriesWithResults = 0;
    t = process.hrtime.bigint();
    for (const rule of rules) {
      const data = await client.rangeQuery(rule.expr, { startNs, endNs, stepSeconds: 60 });
      if ((data.result as unknown[]).length > 0) seriesWithResults++;
    }
    const querySeconds = seconds(t);

    const lokiTotal = pushSeconds + querySeconds;
    console.log(`\nK3s pack: ${rules.length} rules over ${selector}, evaluated every 1m across the span`);
    console.log(`Loki ${lokiVersion} (single process, filesystem store, this machine):`);
    console.log(`  push        ${pushSeconds.toFixed(1)} s  ${rate(events, pushSeconds)}`);
    console.log(
      `  rule queries ${querySeconds.toFixed(1)} s  ${rate(events, querySeconds)}  (${seriesWithResults} rules returned series)`,
    );
    console.log(`  end to end  ${lokiTotal.toFixed(1)} s  ${rate(events, lokiTotal)}`);
    console.log(`logward scan --pack k3s (embedded engine):`);
    console.log(
      `  end to end  ${scanSeconds.toFixed(1)} s  ${rate(events, scanSeconds)}  (${scanAlerts} alerts)`,
    );
    console.log(
      `ratio scan/Loki events/s: end to end ${(lokiTotal / scanSeconds).toFixed(2)}x, rule queries only ${(querySeconds / scanSeconds).toFixed(2)}x`,
    );
  } finally {
    await loki.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function runScan(paths: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['packages/cli/src/bin.ts', 'scan', '--pack', 'k3s', '--format', 'json', '--samples', '1', ...paths],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function countScanAlerts(json: string): string {
  try {
    const report = JSON.parse(json) as { alerts?: unknown[] };
    return Array.isArray(report.alerts) ? String(report.alerts.length) : 'n/a';
  } catch {
    return 'n/a';
  }
}
