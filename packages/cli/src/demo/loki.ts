// `logward demo --loki <url>`: the same run against a real Loki. The OTLP requests the receiver got
// are posted unchanged to Loki's /otlp/v1/logs; the K3s and Kata samples go through the push API with
// the labels their collection kits set, re-timed to now (Loki refuses samples older than its
// reject_old_samples_max_age); then the rule packs are synced to Loki's ruler with `rules sync`.
import { readFile } from 'node:fs/promises';
import { exitCodes } from '../exit-codes.ts';
import { runSyncOrDiff } from '../rules/sync.ts';
import type { DemoResult } from './run-demo.ts';

export interface LokiTarget {
  url: string;
  packsDir: string;
  tenant?: string;
}

async function post(
  target: LokiTarget,
  path: string,
  body: string | Buffer,
  contentType: string,
): Promise<void> {
  const url = `${target.url.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(target.tenant ? { 'x-scope-orgid': target.tenant } : {}) },
      body,
    });
  } catch (error) {
    throw new Error(`cannot reach Loki at ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok)
    throw new Error(`Loki ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

/** Labels a sample gets in Loki: the ones given, else the equality matchers of its pack source selector. */
function sampleLabels(result: DemoResult, sample: DemoResult['samples'][number]): Record<string, string> {
  if (sample.labels) return sample.labels;
  const pack = result.packs.find((p) => p.name === sample.pack);
  const source = pack?.manifest.sources.find((s) => s.scan?.format === 'ndjson') ?? pack?.manifest.sources[0];
  const labels: Record<string, string> = {};
  for (const [, name, value] of (source?.selector ?? '').matchAll(/(\w+)\s*=\s*"([^"]*)"/g))
    labels[name!] = value!;
  return labels;
}

export async function sendToLoki(
  result: DemoResult,
  target: LokiTarget,
  out: (line: string) => void,
): Promise<number> {
  try {
    for (const body of result.wire) await post(target, '/otlp/v1/logs', body, 'application/json');
    out(`sent ${result.received.length} OTLP records to ${target.url}/otlp/v1/logs`);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    for (const sample of result.samples) {
      const lines = (await readFile(sample.path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
      const values = lines.map((line, i) => [
        String(nowNs - BigInt(lines.length - i) * 1_000_000_000n),
        line,
      ]);
      await post(
        target,
        '/loki/api/v1/push',
        JSON.stringify({ streams: [{ stream: sampleLabels(result, sample), values }] }),
        'application/json',
      );
      out(`pushed ${lines.length} lines of ${sample.file}`);
    }
  } catch (error) {
    out(`logward demo: ${(error as Error).message}`);
    return exitCodes.remote;
  }
  out('syncing the rule packs to the Loki ruler:');
  return runSyncOrDiff('sync', [
    '--loki',
    target.url,
    '--packs-dir',
    target.packsDir,
    ...(target.tenant ? ['--tenant', target.tenant] : []),
  ]);
}
