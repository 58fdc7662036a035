import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.ts';

describe('logward rules test', () => {
  it('runs the demo pack tests: for, keep_firing_for, templates, metadata, logql_expr_test', async () => {
    const r = await runCli(['rules', 'test', 'packs']);
    expect(r.stdout).toContain('ok   three failed logins stay pending for 2m, then fire');
    expect(r.stdout).toContain('ok   a denial keeps firing for 3m after it leaves the window');
    expect(r.stdout).toContain('6 test(s): 6 passed, 0 failed');
    expect(r.stdout).not.toContain('no test expects');
    expect(r.code).toBe(0);
  });

  it('lists alert rules without a firing or a quiet check, and fails on them with --strict', async () => {
    const r = await runCli(['rules', 'test', 'failing/failing.test.yaml', '--format', 'json']);
    const report = JSON.parse(r.stdout) as {
      coverage: { rules: number; withoutFiringTest: { alertname: string; line: number }[] };
    };
    expect(report.coverage.rules).toBe(5);
    // The failing test does expect DemoLoginFailures to fire (with the wrong user).
    expect(report.coverage.withoutFiringTest.map((g) => g.alertname)).toEqual([
      'DemoJournalPanic',
      'DemoProxyDenied',
      'DemoTextError',
      'DemoAuthnFailBurst',
    ]);
    const strict = await runCli(['rules', 'test', '--strict', '--run', 'keeps firing', 'packs']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('1 test(s): 1 passed, 0 failed');
    expect(strict.stdout).toContain(
      'no test expects these to fire: DemoLoginFailures (packs/demo/rules.yaml:5)',
    );
  });

  it('shows expected against got, label by label, and exits 1', async () => {
    const r = await runCli(['rules', 'test', 'failing/failing.test.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL wrong user and summary are reported as a diff');
    expect(r.stdout).toContain(
      'failing/failing.test.yaml:11: DemoLoginFailures at 3m: expected 1 firing alert(s), got 1',
    );
    expect(r.stdout).toContain('- {pack="demo", severity="warning", user="alice"}');
    expect(r.stdout).toContain('+ {pack="demo", severity="warning", user="mallory"}');
    expect(r.stdout).toContain('label user: expected "alice", got "mallory"');
    expect(r.stdout).toContain('summary: "mallory failed to log in 3 times"');
    expect(r.stdout).toContain('no alerting rule named "DemoNoSuchAlert"');
    expect(r.stdout).toContain('2 test(s): 0 passed, 2 failed');
  });

  it('reports the failures as JSON with --format json', async () => {
    const r = await runCli(['rules', 'test', '--format', 'json', 'failing/failing.test.yaml']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      failed: number;
      files: { tests: { failures: { got: { labels: Record<string, string> }[] }[] }[] }[];
    };
    expect(report.failed).toBe(2);
    expect(report.files[0]!.tests[0]!.failures[0]!.got[0]!.labels).toEqual({
      pack: 'demo',
      severity: 'warning',
      user: 'mallory',
    });
  });

  it('runs only the tests whose name contains --run', async () => {
    const r = await runCli(['rules', 'test', '--run', 'two failed', 'packs']);
    expect(r.stdout).toContain('1 test(s): 1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('names file:line of a broken rule file a test loads and runs nothing', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-test-'));
    try {
      await writeFile(
        path.join(dir, 'rules.yaml'),
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n',
      );
      await writeFile(
        path.join(dir, 'a.test.yaml'),
        'rule_files: [rules.yaml]\ntests:\n  - name: t\n    input_streams: []\n    bogus: 1\n',
      );
      const r = await runCli(['rules', 'test', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`${path.join(dir, 'a.test.yaml')}:5:5: unknown field "bogus" in tests[0]`);
      await writeFile(
        path.join(dir, 'a.test.yaml'),
        'rule_files: [rules.yaml]\ntests:\n  - name: t\n    input_streams: []\n',
      );
      const broken = await runCli(['rules', 'test', dir]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(
        `${path.join(dir, 'rules.yaml')}:5:15: invalid LogQL in "A": parse error at line 1, col 5`,
      );
      expect(broken.stdout).toContain('0 test(s)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes the rule packs tests in alert-rules/', async () => {
    const r = await runCli(['rules', 'test', 'alert-rules'], { cwd: repoRoot });
    expect(r.stdout).toMatch(/\d+ test\(s\): \d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  });
});
