// `logward gateway` as a user runs it: the real binary in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lokiAuthorization, parseListen } from '../src/commands/gateway.ts';
import { parseGatewayConfig } from '../src/gateway/index.ts';
import { forwardedRecords, startFakeLoki } from './gateway-fake-loki.ts';
import { cliDir, runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'logward-gateway-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('logward gateway --config', () => {
  it('a bad config stops the gateway with file:line:col and the field, exit 2', async () => {
    const file = configFile(
      'bad.yaml',
      [
        'redaction:',
        '  rules:',
        '    - id: order-token',
        "      pattern: 'ORD-[0-9'",
        '  disable: [no-such-rule]',
        '',
      ].join('\n'),
    );
    const result = await runCli(['gateway', '--forward', 'http://127.0.0.1:9', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:4:16: redaction.rules[0].pattern: invalid regular expression`);
    expect(result.stderr).toContain(`${file}:5:13: redaction.disable[0]: unknown rule id "no-such-rule"`);
  });

  it('names unknown keys, wrong types and YAML syntax errors where they are', () => {
    expect(() => parseGatewayConfig('redaction:\n  rulez: []\n', 'g.yaml')).toThrow(
      /g\.yaml:2:3: redaction: Unrecognized key: "rulez"/,
    );
    expect(() => parseGatewayConfig('context:\n  sessionIdKey: short\n', 'g.yaml')).toThrow(
      /g\.yaml:2:17: context\.sessionIdKey: must be at least 32 bytes/,
    );
    expect(() => parseGatewayConfig('redaction:\n  budgetMs: 5\n  budgetMs: 6\n', 'g.yaml')).toThrow(
      /g\.yaml:3:3: Map keys must be unique/,
    );
    expect(() => parseGatewayConfig('{"redaction": {"budgetMs": "ten"}}', 'g.json')).toThrow(
      /g\.json:1:28: redaction\.budgetMs: Invalid input: expected number, received string/,
    );
  });

  it('a config that cannot be read is exit 3; a missing --forward is a usage error', async () => {
    const missing = await runCli([
      'gateway',
      '--forward',
      'http://127.0.0.1:9',
      '--config',
      join(dir, 'nope.yaml'),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/cannot read config .*nope\.yaml: ENOENT/);
    const usage = await runCli(['gateway']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--forward <loki base url> is required/);
  });
});

describe('logward gateway options', () => {
  it('parses --listen forms and rejects others', () => {
    expect(parseListen('127.0.0.1:4318')).toEqual({ host: '127.0.0.1', port: 4318 });
    expect(parseListen(':4318')).toEqual({ host: '0.0.0.0', port: 4318 });
    expect(parseListen('[::1]:4318')).toEqual({ host: '::1', port: 4318 });
    expect(() => parseListen('4318')).toThrow(/--listen must be host:port/);
    expect(() => parseListen('h:99999')).toThrow(/--listen must be host:port/);
  });

  it('takes Loki credentials from the environment: basic or bearer, never both', () => {
    expect(lokiAuthorization({})).toBeUndefined();
    expect(lokiAuthorization({ LOKI_USERNAME: 'u', LOKI_PASSWORD: 'p' })).toBe('Basic dTpw');
    expect(lokiAuthorization({ LOKI_BEARER_TOKEN: 't' })).toBe('Bearer t');
    expect(() => lokiAuthorization({ LOKI_USERNAME: 'u' })).toThrow(/must be set together/);
    expect(() => lokiAuthorization({ LOKI_BEARER_TOKEN: 't', LOKI_USERNAME: 'u' })).toThrow(/not both/);
  });
});

describe('logward gateway (the binary)', () => {
  it('is listed by logward --help and has its own --help', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}gateway +OTLP gateway/m);
    const help = await runCli(['gateway', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: logward gateway --forward <loki base url>');
    expect(help.stdout).toContain('LOGWARD_GATEWAY_TOKEN');
  });

  it('serves, requires the token, forwards with Loki credentials and tenant, exits 0 on SIGTERM', async () => {
    const loki = await startFakeLoki();
    const config = configFile(
      'ok.yaml',
      "redaction:\n  budgetMs: 2000\n  rules:\n    - id: order-token\n      pattern: 'ORD-[0-9]{6}'\n",
    );
    const child = spawn(
      process.execPath,
      [
        join(cliDir, 'src/bin.ts'),
        'gateway',
        '--listen',
        '127.0.0.1:0',
        '--forward',
        loki.url,
        '--config',
        config,
      ].concat(['--tenant', 'shop']),
      {
        env: {
          ...process.env,
          LOGWARD_GATEWAY_TOKEN: 'test-only-gateway-token',
          LOKI_USERNAME: 'test-user',
          LOKI_PASSWORD: 'test-only-password',
        },
      },
    );
    let stderr = '';
    const listening = new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /listening on (http:\/\/[^\s]+)\/v1\/logs/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`gateway exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await listening;
      const body = JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'order ORD-123456 paid' } }] }] }],
      });
      const headers = { 'content-type': 'application/json' };
      expect((await fetch(`${url}/v1/logs`, { method: 'POST', headers, body })).status).toBe(401);
      const ok = await fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer test-only-gateway-token' },
        body,
      });
      expect(ok.status).toBe(200);
      expect(forwardedRecords(loki)[0]?.body).toBe('order [REDACTED:order-token] paid');
      expect(loki.pushes[0]?.headers['authorization']).toBe(
        `Basic ${Buffer.from('test-user:test-only-password').toString('base64')}`,
      );
      expect(loki.pushes[0]?.headers['x-scope-orgid']).toBe('shop');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/shutting down/);
    } finally {
      child.kill();
      await loki.close();
    }
  });
});
