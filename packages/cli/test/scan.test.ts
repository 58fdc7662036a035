import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverPacks, selectPacks } from '../src/packs.ts';
import { scanFiles } from '../src/scan/scan.ts';
import { fixtures, repoRoot, runCli } from './run-cli.ts';

interface Report {
  files: {
    file: string;
    format: string;
    records: number;
    unmatched: number;
    sources: Record<string, number>;
    malformed: { lineNo: number; message: string }[];
    error?: string;
  }[];
  alerts: {
    alertname: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    firstSeen: string;
    lastSeen: string;
    count: number;
    samples: { origin?: string; line: string }[];
  }[];
}

const scanJson = async (args: string[]) => {
  const r = await runCli(['scan', '--packs-dir', 'packs', '--format', 'json', ...args]);
  return { ...r, report: JSON.parse(r.stdout) as Report };
};

describe('logward scan', () => {
  it('recognizes each file format and pack source, replays the rules and lists the alerts', async () => {
    const r = await runCli([
      'scan',
      '--packs-dir',
      'packs',
      'logs/audit.ndjson',
      'logs/journal.json',
      'logs/proxy.logfmt',
      'logs/plain.log',
      'logs/otlp.json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ALERT\s+SEVERITY\s+PACK\s+FIRST SEEN\s+LAST SEEN\s+COUNT\s+LABELS$/m);
    expect(r.stdout).toMatch(/^DemoJournalPanic\s+critical\s+demo\s+2026-01-01T00:01:00.000Z/m);
    expect(r.stdout).toContain('5 alert(s)');
    expect(r.stderr).toContain('logs/audit.ndjson: ndjson, 5 record(s) → demo/audit 5, 1 malformed');
    expect(r.stderr).toContain('logs/journal.json: journald-json, 3 record(s) → demo/journal 2, 1 unmatched');
    expect(r.stderr).toContain('logs/proxy.logfmt: logfmt, 3 record(s) → demo/logfmt 3');
    expect(r.stderr).toContain('logs/plain.log: text, 3 record(s) → demo/text 3, 1 without a timestamp');
    expect(r.stderr).toContain('logs/otlp.json: otlp-json, 3 record(s) → demo/otel 3');
  });

  it('reports a malformed line with file:line and goes on', async () => {
    const { code, report, stderr } = await scanJson(['logs/audit.ndjson']);
    expect(code).toBe(1);
    expect(report.files[0]!.malformed).toEqual([{ lineNo: 4, message: 'not valid JSON' }]);
    const alert = report.alerts.find((a) => a.alertname === 'DemoLoginFailures')!;
    // Four parsable failures from mallory: pending at 00:01, firing after `for: 2m`.
    expect(alert.labels).toEqual({
      alertname: 'DemoLoginFailures',
      pack: 'demo',
      severity: 'warning',
      user: 'mallory',
    });
    expect(alert.annotations.summary).toBe('mallory failed to log in 4 times');
    expect(alert.firstSeen).toBe('2026-01-01T00:03:00.000Z');
    expect(alert.samples[0]).toEqual({
      origin: 'logs/audit.ndjson:1',
      line: expect.stringContaining('"user":"mallory"'),
    });
    const text = await runCli(['scan', '--packs-dir', 'packs', 'logs/audit.ndjson']);
    expect(text.stderr).toContain('logs/audit.ndjson:4: malformed line skipped: not valid JSON');
    expect(stderr).toBe('');
  });

  it('maps OTLP JSON like Loki: service.name to a label, attributes to metadata with underscores', async () => {
    const { report } = await scanJson(['logs/otlp.json']);
    const alert = report.alerts.find((a) => a.alertname === 'DemoAuthnFailBurst')!;
    expect(alert.labels).toMatchObject({ service_name: 'shop', user_id: 'carol' });
    expect(alert.count).toBe(5); // every step whose 5m window holds the three failures
    expect(alert.samples.map((s) => s.line)).toEqual(['login failed', 'login failed', 'login failed']);
  });

  it('takes journald MESSAGE (byte arrays too) as the line and _HOSTNAME as the host label', async () => {
    const { report } = await scanJson(['logs/journal.json']);
    const alert = report.alerts.find((a) => a.alertname === 'DemoJournalPanic')!;
    expect(alert.labels.host).toBe('node-1');
    expect(alert.samples).toEqual([{ origin: 'logs/journal.json:3', line: 'panic: nil map' }]);
  });

  it('labels files no source recognizes with --labels', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-scan-'));
    try {
      const file = path.join(dir, 'other.jsonl');
      await writeFile(file, '{"kind":"Other","time":"2026-01-01T00:00:01Z","msg":"ERROR disk full"}\n');
      const plain = await scanJson([file]);
      expect(plain.code).toBe(0);
      expect(plain.report.files[0]!.unmatched).toBe(1);
      const r = await runCli(['scan', '--packs-dir', 'packs', file]);
      expect(r.stderr).toContain(`${file}: no pack source recognizes this ndjson file`);
      const labelled = await scanJson(['--labels', '{job="demo-text"}', file]);
      expect(labelled.code).toBe(1);
      expect(labelled.report.alerts.map((a) => a.alertname)).toEqual(['DemoTextError']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints no alerts and exits 0 for quiet logs', async () => {
    const r = await runCli(['scan', '--packs-dir', 'packs', 'logs/proxy.logfmt', '--pack', 'demo']);
    expect(r.code).toBe(1); // bob was denied
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-scan-'));
    try {
      const file = path.join(dir, 'quiet.logfmt');
      await writeFile(file, 'ts=2026-01-01T00:00:05Z app=demo user=alice status=allowed msg=ok\n');
      const quiet = await runCli(['scan', '--packs-dir', 'packs', file]);
      expect(quiet.stdout).toContain('no alerts');
      expect(quiet.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('jumps over stretches without data instead of evaluating every minute of them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-scan-'));
    try {
      const file = path.join(dir, 'years.logfmt');
      await writeFile(
        file,
        [
          'ts=2020-03-01T10:00:00Z app=demo user=erin status=denied msg="request denied"',
          'ts=2026-01-01T00:00:06Z app=demo user=bob status=denied msg="request denied"',
        ].join('\n') + '\n',
      );
      const { report } = await scanJson([file]);
      const range = (report as unknown as { range: { evaluations: number } }).range;
      // Two bursts six years apart: a few dozen steps around each, not three million.
      expect(range.evaluations).toBeLessThan(100);
      const denied = report.alerts.filter((a) => a.alertname === 'DemoProxyDenied');
      expect(denied.map((a) => [a.labels.user, a.firstSeen, a.count])).toEqual([
        ['erin', '2020-03-01T10:00:00.000Z', 8], // 5m window + keep_firing_for 3m
        ['bob', '2026-01-01T00:01:00.000Z', 8],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads gzipped logs (rotated files) like plain ones', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-scan-'));
    try {
      const file = path.join(dir, 'audit.ndjson.1.gz');
      await writeFile(file, gzipSync(await readFile(path.join(fixtures, 'logs/audit.ndjson'))));
      const { report } = await scanJson([file]);
      expect(report.files[0]).toMatchObject({
        format: 'ndjson',
        records: 5,
        malformed: [{ lineNo: 4, message: 'not valid JSON' }],
      });
      expect(report.alerts.map((a) => a.alertname)).toEqual(['DemoLoginFailures']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 3 for an unreadable file but still scans the others', async () => {
    const { code, report } = await scanJson(['logs/missing.log', 'logs/journal.json']);
    expect(code).toBe(3);
    expect(report.files[0]).toMatchObject({
      file: 'logs/missing.log',
      error: 'cannot read: no such file or directory',
    });
    expect(report.alerts.map((a) => a.alertname)).toEqual(['DemoJournalPanic']);
  });

  it('exits 2 on bad options and names an unknown pack', async () => {
    expect((await runCli(['scan', '--packs-dir', 'packs'])).code).toBe(2);
    const labels = await runCli(['scan', '--packs-dir', 'packs', '--labels', 'job=x', 'logs/plain.log']);
    expect(labels.code).toBe(2);
    expect(labels.stderr).toContain('--labels: label set must look like {name="value", ...}');
    const pack = await runCli(['scan', '--packs-dir', 'packs', '--pack', 'nope', 'logs/plain.log']);
    expect(pack.code).toBe(3);
    expect(pack.stderr).toContain('no pack "nope" in packs (found: demo)');
  });

  it('reports the same with and without the stage cache (k3s pack over its fixtures)', async () => {
    const packsDir = path.join(repoRoot, 'alert-rules');
    const packs = selectPacks(await discoverPacks(packsDir), ['k3s'], packsDir);
    const dir = path.join(packsDir, 'k3s/tests/fixtures');
    const files = [
      'benign-k3s-server.jsonl',
      'exec-attack.jsonl',
      'rbac-attack.jsonl',
      'access-attack.jsonl',
    ].map((f) => path.join(dir, f));
    const cached = await scanFiles(files, packs);
    const uncached = await scanFiles(files, packs, { stageCache: false });
    expect(cached).toEqual(uncached);
    expect(cached.alerts.length).toBeGreaterThan(3);
  });
});
