// Colors and the progress bar appear only on a terminal: run the real CLI under a pseudo-terminal
// (util-linux `script`) and through pipes.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixtures, runCli } from './run-cli.ts';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function onTerminal(command: string, env: Record<string, string | undefined> = {}): string {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  // scan exits 1 when it finds alerts (script -e passes that on), so read the output either way.
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: fixtures,
    env: merged as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  return result.stdout;
}

const scan = `"${process.execPath}" ../../src/bin.ts scan --packs-dir packs logs/proxy.logfmt`;

describe.skipIf(!hasScript)('terminal output', () => {
  it('draws a progress bar and colors on a terminal', () => {
    const out = onTerminal(scan, { NO_COLOR: undefined });
    expect(out).toMatch(/\r\[#+\] 100% reading logs\/proxy\.logfmt\u001b\[K/);
    expect(out).toContain('\u001b[1mALERT'); // bold header
  });

  it('never colors with NO_COLOR, even on a terminal', () => {
    const out = onTerminal(scan, { NO_COLOR: '1' });
    expect(out).toContain('ALERT');
    expect(out).not.toMatch(/\u001b\[(1|2|3\d)m/);
  });
});

describe('piped output', () => {
  it('has neither a progress bar nor escape codes', async () => {
    const r = await runCli(['scan', '--packs-dir', 'packs', 'logs/proxy.logfmt'], {
      env: { NO_COLOR: undefined },
    });
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('\r');
  });
});
