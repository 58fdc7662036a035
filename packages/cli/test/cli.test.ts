import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('logward dispatcher', () => {
  it('prints the command list and exit codes with --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rules\s+lint, test, diff and sync/);
    expect(r.stdout).toMatch(/scan\s+run rule packs/);
    expect(r.stdout).toContain('2 usage error');
  });

  it('exits 2 without a command and for an unknown one', async () => {
    expect((await runCli([])).code).toBe(2);
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it.each([
    [['rules', '--help'], 'usage: logward rules <lint|test|sync|diff>'],
    [['rules', 'lint', '--help'], 'usage: logward rules lint'],
    [['rules', 'test', '--help'], 'usage: logward rules test'],
    [['rules', 'sync', '--help'], 'usage: logward rules sync'],
    [['rules', 'diff', '--help'], 'usage: logward rules diff'],
    [['scan', '--help'], 'usage: logward scan'],
  ])('%j prints its help', async (args, text) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(text);
    expect(r.stdout).toContain('Exit codes');
  });

  it('exits 2 on an unknown option or subcommand, naming it', async () => {
    const option = await runCli(['rules', 'lint', '--frob', 'x.yaml']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("'--frob'");
    const sub = await runCli(['rules', 'lint-all']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain("unknown subcommand 'lint-all'");
  });

  it('never colors output that is not a terminal, even without NO_COLOR', async () => {
    const r = await runCli(['rules', 'lint', 'lint/hygiene.yaml'], { env: { NO_COLOR: undefined } });
    expect(r.stdout + r.stderr).not.toContain('\u001b[');
  });
});
