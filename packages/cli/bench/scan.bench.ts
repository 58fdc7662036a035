/**
 * Benchmark: `logward scan --pack k3s` (scanFiles in process: read, classify, replay every group
 * at each 1-minute step) over generated K3s audit NDJSON, with the stage cache (the default) and
 * without it (every step filters and parses every line in its windows again), both measured in
 * this run on the same files, and their ratio.
 *   pnpm --filter @logward/cli bench:scan [-- --events 100000 --minutes 60]
 * The corpus is the Loki-vs-scan benchmark's (test/bench/k3s-audit-corpus.ts): the k3s pack's
 * own fixture events replayed with fresh ids and times, one attack event in 500.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { k3sAuditCorpus } from '../../../test/bench/k3s-audit-corpus.ts';
import { discoverPacks, selectPacks } from '../src/packs.ts';
import { scanFiles, type ScanReport } from '../src/scan/scan.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return Math.floor(v);
}

/** Microseconds of CPU used by this thread (process-wide on Node versions without threadCpuUsage). */
function threadCpu(): number {
  const p = process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage };
  const u = p.threadCpuUsage ? p.threadCpuUsage() : process.cpuUsage();
  return u.user + u.system;
}

const events = flag('events', 100_000);
const minutes = flag('minutes', 60);
const packsDir = path.join(repoRoot, 'alert-rules');
const packs = selectPacks(await discoverPacks(packsDir), ['k3s'], packsDir);
const work = mkdtempSync(path.join(tmpdir(), 'logward-scan-bench-'));

function corpusFile(n: number, name: string): string {
  const lines: string[] = [];
  const endMs = Date.parse('2026-11-23T12:00:00Z');
  const fixturesDir = path.join(packsDir, 'k3s/tests/fixtures');
  for (const e of k3sAuditCorpus({ events: n, endMs, spanMs: minutes * 60_000, fixturesDir }))
    lines.push(e.line);
  const file = path.join(work, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function run(
  file: string,
  label: string,
  stageCache: boolean,
): Promise<{ rate: number; report: ScanReport }> {
  const t0 = process.hrtime.bigint();
  const c0 = threadCpu();
  const report = await scanFiles([file], packs, { samples: 1, stageCache });
  const cpu = (threadCpu() - c0) / 1e6;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = events / cpu;
  if (label)
    console.log(
      `${label}: ${events} events over ${minutes} min, ${report.range?.evaluations} evaluation steps, ` +
        `${cpu.toFixed(2)} s CPU (${wall.toFixed(2)} s wall), ${Math.round(rate).toLocaleString('en-US')} events/s (one core), ${report.alerts.length} alerts`,
    );
  return { rate, report };
}

try {
  console.log(`node ${process.version}; k3s pack; rates are events per second of main-thread CPU`);
  // Warm-up (JIT) on a small file, both ways, so neither measured run pays for compilation.
  const small = corpusFile(Math.min(events, 5000), 'warmup.jsonl');
  await run(small, '', false);
  await run(small, '', true);
  const file = corpusFile(events, 'k3s-audit.jsonl');
  const without = await run(file, 'without stage cache', false);
  const cached = await run(file, 'with stage cache   ', true);
  const same = JSON.stringify(without.report) === JSON.stringify(cached.report);
  console.log(
    `speed-up of the stage cache: ${(cached.rate / without.rate).toFixed(2)}x (reports ${same ? 'identical' : 'DIFFER'})`,
  );
  if (!same) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
