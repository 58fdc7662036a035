// `logward demo` as a user runs it: a child process from the repository root, no Loki. The scenario
// is fixed, so the app and KCP alerts it reports are exactly these; the K3s and Kata packs evolve, so
// for them the test checks the alerts their attack samples are written to raise.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'packages/cli/src/bin.ts');

function section(output: string, title: string): string[] {
  const start = output.split('\n').findIndex((line) => line.startsWith(`== ${title}`));
  if (start < 0) throw new Error(`no "${title}" section in:\n${output}`);
  const lines = output.split('\n').slice(start + 1);
  const end = lines.findIndex((line) => line.startsWith('== '));
  return end < 0 ? lines : lines.slice(0, end);
}

describe('logward demo', () => {
  const run = spawnSync(process.execPath, [bin, 'demo'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  const output = run.stdout;
  const alerts = section(output, 'Alerts')
    .map((line) => /^\s+(critical|warning|info)\s+(\w+)\s+(\w+)/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ severity: m[1]!, pack: m[2]!, alertname: m[3]! }));
  const names = (pack: string) =>
    [...new Set(alerts.filter((a) => a.pack === pack).map((a) => a.alertname))].sort();

  it('exits 0', () => {
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
  });

  it('reports exactly the app alerts its shop attacks should raise', () => {
    expect(names('app')).toEqual([
      'AppAdminRoleGranted',
      'AppAuthzFailureBurst',
      'AppBruteForcePerSource',
      'AppBruteForcePerUser',
      'AppCredentialStuffing',
      'AppInputValidationBurst',
      'AppRateLimitExceeded',
    ]);
  });

  it('reports exactly the KCP alerts its UDP attacks should raise', () => {
    expect(names('kcp')).toEqual([
      'KcpConvMismatchBurst',
      'KcpConvReset',
      'KcpMalformedPackets',
      'KcpSessionLimitReached',
    ]);
  });

  it('replays the K3s and Kata attack samples into their alerts', () => {
    expect(names('k3s')).toEqual(expect.arrayContaining(['K3sExecReverseShell', 'K3sClusterAdminBinding']));
    expect(names('kata')).toEqual(expect.arrayContaining(['KataAgentPolicyBlock']));
  });

  it('shows redaction: masked values in what was sent, and no planted secret on the wire', () => {
    const redacted = section(output, 'What the code logged');
    expect(redacted.some((line) => line.includes('sent:') && line.includes('[REDACTED:'))).toBe(true);
    const summary = section(output, 'Redaction summary').join('\n');
    expect(summary).toMatch(/aws-access-key-id\s+1 record/);
    expect(summary).toMatch(/github-token\s+1 record/);
    expect(summary).toContain('none of the 5 planted fake secrets is in the received bytes');
  });

  it('says where each alert appears in Grafana', () => {
    const grafana = section(output, 'Where these alerts appear in Grafana').join('\n');
    for (const alert of new Set(alerts.map((a) => a.alertname))) {
      expect(grafana).toContain(`/alerting/list?search=${alert}`);
    }
  });
});
