import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.ts';

describe('logward rules lint', () => {
  it('passes the demo pack (its default selector {service_name=~".+"} is the override point)', async () => {
    const r = await runCli(['rules', 'lint', 'packs']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('1 file(s) checked, 0 finding(s)');
    expect(r.code).toBe(0);
  });

  it('names file:line:col of broken YAML', async () => {
    const r = await runCli(['rules', 'lint', 'lint/broken.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lint\/broken\.yaml:6:1: error: invalid YAML: /);
  });

  it('places a LogQL syntax error inside a block scalar at its YAML line and column', async () => {
    const r = await runCli(['rules', 'lint', 'lint/bad-logql.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'lint/bad-logql.yaml:7:82: error: invalid LogQL in "BadLogQL": parse error at line 2, col 70',
    );
  });

  it('reports a construct the embedded engine cannot evaluate, naming it', async () => {
    const r = await runCli(['rules', 'lint', 'lint/unsupported.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'lint/unsupported.yaml:5:15: error: "CounterRate": unsupported LogQL construct: rate_counter',
    );
  });

  it('reports shape and template problems of every rule in one run', async () => {
    const r = await runCli(['rules', 'lint', 'lint/shape.yaml']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      'lint/shape.yaml:3:15: error: groups[0].interval: not a valid duration (expected e.g. 30s, 5m, 1h30m)',
      'lint/shape.yaml:5:9: error: one of "record" or "alert" must be set (and not both)',
      'lint/shape.yaml:10:9: error: unknown field "severity" in groups[0].rules[1]',
      expect.stringMatching(
        /^lint\/shape\.yaml:15:20: error: .*function "query" is not supported by logward/,
      ),
      expect.stringMatching(/^lint\/shape\.yaml:16:24: error: .*missing \{\{end\}\}/),
    ]);
  });

  it('checks the pack conventions', async () => {
    const r = await runCli(['rules', 'lint', 'lint/hygiene.yaml']);
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toContain(
      'lint/hygiene.yaml:5:15: error: "NoEquality": stream selector {job=~"demo.*"} has no equality matcher',
    );
    expect(out).toContain(
      'lint/hygiene.yaml:9:15: warning: "ParserFirst": | json parses every line of {job="demo"}',
    );
    expect(out).toContain(
      'lint/hygiene.yaml:12:9: error: alert name "NoEquality" is already used at lint/hygiene.yaml:4',
    );
    expect(out).toContain(
      'lint/hygiene.yaml:19:21: error: alert "BadLabels": severity "high" is not one of info, warning, critical',
    );
    expect(out).toContain('alert "BadLabels" has no pack label');
    expect(out).toContain('alert "BadLabels" has no description annotation');
    expect(out).toContain('alert "BadLabels" has no runbook_url annotation');
    expect(out).toContain('lint/hygiene.yaml:23:15: error: "LogQuery": a log query cannot be a rule');
  });

  it('writes findings as JSON with --format json', async () => {
    const r = await runCli(['rules', 'lint', '--format', 'json', 'lint/hygiene.yaml']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout) as {
      file: string;
      line: number;
      column: number;
      code: string;
      severity: string;
      rule: string;
    }[];
    expect(findings).toHaveLength(8);
    expect(findings[0]).toMatchObject({
      file: 'lint/hygiene.yaml',
      line: 5,
      column: 15,
      code: 'selector-equality',
      severity: 'error',
      rule: 'NoEquality',
    });
    expect(findings.map((f) => f.code)).toContain('line-filter-first');
  });

  it('exits 3 naming a file that does not exist or cannot be read', async () => {
    const missing = await runCli(['rules', 'lint', 'lint/nope.yaml']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('lint/nope.yaml: cannot read: no such file or directory');
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-lint-'));
    try {
      const file = path.join(dir, 'locked.yaml');
      await copyFile(path.join(repoRoot, 'packages/cli/test/fixtures/lint/hygiene.yaml'), file);
      await chmod(file, 0o000);
      const locked = await runCli(['rules', 'lint', file]);
      expect(locked.code).toBe(3);
      expect(locked.stderr).toContain(`${file}: cannot read: permission denied`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes the rule packs in alert-rules/', async () => {
    const r = await runCli(['rules', 'lint', 'alert-rules'], { cwd: repoRoot });
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
});
