import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { startFakeLokiRuler, type FakeLokiRuler } from './fake-loki-ruler.ts';

const noCredentials = { LOKI_USERNAME: undefined, LOKI_PASSWORD: undefined, LOKI_BEARER_TOKEN: undefined };
const demoGroups = ['demo-audit', 'demo-journal', 'demo-logfmt', 'demo-otel', 'demo-text'];

describe('logward rules diff|sync against the Loki ruler API', () => {
  let loki: FakeLokiRuler;
  beforeEach(async () => {
    loki = await startFakeLokiRuler();
  });
  afterEach(async () => {
    await loki.close();
  });
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(['rules', ...args, '--loki', loki.url, '--packs-dir', 'packs'], {
      env: { ...noCredentials, ...env },
    });

  it('diff lists the groups sync would add and exits 1; sync POSTs them as YAML; then they are in sync', async () => {
    const diff = await cli(['diff']);
    expect(diff.code).toBe(1);
    for (const g of demoGroups) expect(diff.stdout).toContain(`+ demo/${g} (added)`);
    expect(diff.stdout).toContain('    + rule DemoLoginFailures');
    expect(loki.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /loki/api/v1/rules/demo']);

    const sync = await cli(['sync']);
    expect(sync.code).toBe(0);
    const posts = loki.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(5);
    expect(
      posts.every(
        (p) => p.url === '/loki/api/v1/rules/demo' && p.headers['content-type'] === 'application/yaml',
      ),
    ).toBe(true);
    const stored = loki.store.get('fake')!.get('demo')!.get('demo-audit')!;
    expect(stored).toMatchObject({
      name: 'demo-audit',
      interval: '1m',
      rules: [{ alert: 'DemoLoginFailures', for: '2m' }],
    });

    const again = await cli(['diff']);
    expect(again.stdout).toBe('in sync: 5 group(s) in demo\n');
    expect(again.code).toBe(0);
  });

  it('sends a selector override in every expression that uses the source, and shows it as a change', async () => {
    await cli(['sync']);
    const override = ['--selector', 'otel={service_namespace="shop"}'];
    const diff = await cli(['diff', ...override]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toBe('~ demo/demo-otel (changed)\n    ~ rule DemoAuthnFailBurst (expr)\n');
    expect((await cli(['sync', ...override])).code).toBe(0);
    const group = loki.store.get('fake')!.get('demo')!.get('demo-otel') as { rules: { expr: string }[] };
    expect(group.rules[0]!.expr).toContain(
      'count_over_time({service_namespace="shop"} | otel_event_name="authn_login_fail" [5m])',
    );
    const bad = await cli(['diff', '--selector', 'nosuch={job="x"}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no selected pack has a source "nosuch"');
  });

  it('removes groups that are only in Loki, and --dry-run changes nothing', async () => {
    await cli(['sync']);
    const namespace = loki.store.get('fake')!.get('demo')!;
    namespace.set('retired', { name: 'retired', rules: [{ alert: 'Old', expr: 'vector(1)' }] });
    const requestsBefore = loki.requests.length;
    const dry = await cli(['sync', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('- demo/retired (would be removed, only in Loki)');
    expect(loki.requests.slice(requestsBefore).map((r) => r.method)).toEqual(['GET']);
    const sync = await cli(['sync']);
    expect(sync.code).toBe(0);
    expect(loki.requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/loki/api/v1/rules/demo/retired' });
    expect(namespace.has('retired')).toBe(false);
  });

  it('syncs rule files into the namespace named by --namespace, for the --tenant given', async () => {
    const r = await runCli(
      [
        'rules',
        'sync',
        '--loki',
        loki.url,
        '--tenant',
        'team-a',
        '--namespace',
        'security',
        'packs/demo/rules.yaml',
      ],
      { env: noCredentials },
    );
    expect(r.code).toBe(0);
    expect(loki.requests.every((q) => q.headers['x-scope-orgid'] === 'team-a')).toBe(true);
    expect([...loki.store.get('team-a')!.get('security')!.keys()].sort()).toEqual(demoGroups);
  });

  it('authenticates from the environment only: bearer token or basic auth', async () => {
    await cli(['diff'], { LOKI_BEARER_TOKEN: 'test-token-not-a-secret' });
    expect(loki.requests.at(-1)!.headers.authorization).toBe('Bearer test-token-not-a-secret');
    await cli(['diff'], { LOKI_USERNAME: 'ruler', LOKI_PASSWORD: 'example-password' });
    expect(loki.requests.at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from('ruler:example-password').toString('base64')}`,
    );
    const both = await cli(['diff'], { LOKI_USERNAME: 'ruler', LOKI_PASSWORD: 'x', LOKI_BEARER_TOKEN: 'y' });
    expect(both.code).toBe(2);
    const inUrl = await runCli([
      'rules',
      'diff',
      '--packs-dir',
      'packs',
      '--loki',
      loki.url.replace('//', '//ruler:example-password@'),
    ]);
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).toContain('do not put credentials in --loki');
    expect(inUrl.stderr).not.toContain('example-password');
  });

  it("exits 4 with Loki's own message and the URL when Loki answers 4xx or 5xx", async () => {
    loki.failNext(
      'POST',
      400,
      'error parsing rule group: group "demo-audit": 1:1: parse error: unexpected IDENTIFIER\n',
    );
    const bad = await cli(['sync']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain(
      `Loki answered 400 Bad Request to POST ${loki.url}/loki/api/v1/rules/demo: error parsing rule group: group "demo-audit": 1:1: parse error: unexpected IDENTIFIER`,
    );
    loki.failNext(
      'GET',
      500,
      JSON.stringify({ status: 'error', errorType: 'internal', error: 'rule store unavailable' }),
    );
    const down = await cli(['diff']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain(
      `Loki answered 500 Internal Server Error to GET ${loki.url}/loki/api/v1/rules/demo: rule store unavailable`,
    );
  });

  it('exits 4 naming the URL when nothing listens there', async () => {
    await loki.close();
    const r = await cli(['diff']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      `cannot reach Loki: GET ${loki.url}/loki/api/v1/rules/demo: connection refused`,
    );
    loki = await startFakeLokiRuler(); // for afterEach
  });
});

describe('logward rules diff over TLS', () => {
  it('verifies the certificate against --ca-file, or skips verification when asked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const loki = await startFakeLokiRuler({
      key: await readFile(key, 'utf8'),
      cert: await readFile(cert, 'utf8'),
    });
    try {
      const base = ['rules', 'diff', '--packs-dir', 'packs', '--loki', loki.url];
      const untrusted = await runCli(base, { env: noCredentials });
      expect(untrusted.code).toBe(4);
      expect(untrusted.stderr).toMatch(
        /cannot reach Loki: GET https:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/rules\/demo: self[- ]signed certificate/,
      );
      const trusted = await runCli([...base, '--ca-file', cert], { env: noCredentials });
      expect(trusted.code).toBe(1);
      expect(trusted.stdout).toContain('+ demo/demo-audit (added)');
      const skipped = await runCli([...base, '--insecure-skip-verify'], { env: noCredentials });
      expect(skipped.code).toBe(1);
      const missingCa = await runCli([...base, '--ca-file', path.join(dir, 'nope.pem')], {
        env: noCredentials,
      });
      expect(missingCa.code).toBe(3);
    } finally {
      await loki.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
