// `logward demo --loki <url>` against a real Loki (single tenant, writable ruler store, as most
// installations are): every OTLP record the demo sent is stored (none dropped as a duplicate), the
// K3s/Kata samples arrive under their kit labels, the packs are in the ruler, and each app/KCP alert
// the embedded engine reported is also what Loki's own engine answers for that rule's expression on
// the same data.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lokiContext, suiteTitle } from './context.ts';
import { startLoki, type LokiInstance } from './harness.ts';
import { LokiClient } from './loki-client.ts';
import { listPacks, repoRoot } from './packs.ts';

const loki = lokiContext();
const packs = listPacks();

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function logward(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'packages/cli/src/bin.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe.skipIf(!loki.available || packs.length === 0)(suiteTitle('logward demo --loki', loki), () => {
  let instance: LokiInstance;
  let client: LokiClient;
  let run: CliResult;
  const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;
  const vector = async (query: string) => (await client.instantQuery(query, nowNs())).result as Vector;

  beforeAll(async () => {
    instance = await startLoki(
      { dir: loki.binDir, loki: loki.loki, lokitool: loki.lokitool },
      { name: 'loki-demo', rulerStore: 'writable', multiTenant: false },
    );
    client = new LokiClient(instance.url);
    run = await logward(['demo', '--loki', instance.url]);
  });
  afterAll(async () => {
    await instance?.stop();
  });

  it('exits 0 and says what it sent', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/sent \d+ OTLP records to /);
  });

  it('stores every OTLP record it sent (identical events are not collapsed)', async () => {
    const sent = Number(/sent (\d+) OTLP records/.exec(run.stdout)?.[1]);
    const stored = await vector('sum(count_over_time({service_namespace="demo"}[30m]))');
    expect(Number(stored[0]?.value[1])).toBe(sent);
  });

  it('stores the K3s and Kata samples under their collection-kit labels', async () => {
    const pushed = [...run.stdout.matchAll(/pushed (\d+) lines of (k3s|kata)\//g)];
    expect(pushed.length).toBeGreaterThan(0);
    const byJob = Object.fromEntries(
      (await vector('sum by (job) (count_over_time({job=~"k3s-audit|kata"}[30m]))')).map((s) => [
        s.metric.job,
        Number(s.value[1]),
      ]),
    );
    const expected: Record<string, number> = {};
    for (const [, count, pack] of pushed)
      expected[pack === 'k3s' ? 'k3s-audit' : 'kata'] =
        (expected[pack === 'k3s' ? 'k3s-audit' : 'kata'] ?? 0) + Number(count);
    expect(byJob).toEqual(expected);
  });

  it('synced every pack into the ruler, one namespace per pack', async () => {
    const store = (parse(await client.rulesYaml()) as Record<string, unknown> | null) ?? {};
    expect(Object.keys(store).sort()).toEqual(packs.map((p) => p.name).sort());
  });

  it("agrees with Loki's own engine on each app and KCP alert the demo reported", async () => {
    const alerts = run.stdout
      .split('\n')
      .map((line) => /^\s+(?:critical|warning|info)\s+(app|kcp)\s+(\w+)/.exec(line))
      .filter((m) => m !== null)
      .map((m) => ({ pack: m[1]!, alertname: m[2]! }));
    expect(alerts.length).toBeGreaterThan(0);
    for (const { pack, alertname } of alerts) {
      const rule = packs
        .find((p) => p.name === pack)!
        .rules.groups.flatMap((g) => g.rules)
        .find((r) => r.alert === alertname)!;
      // Same data, same expression, evaluated now by Loki: the condition holds (non-empty vector).
      const result = await vector(rule.expr);
      expect(result.length, `${pack}/${alertname}: ${rule.expr}`).toBeGreaterThan(0);
    }
  });
});
