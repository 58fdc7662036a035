// Test 4: `logward rules diff/sync` against a real Loki ruler API.
// Loki's `local` rule store is read-only, so this file starts a second Loki whose ruler store is the
// thanos-objstore filesystem backend (writable through /loki/api/v1/rules). It is single-tenant, as
// most installations are, so the CLI talks to it without --tenant.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lokiContext, suiteTitle } from './context.ts';
import { startLoki, type LokiInstance } from './harness.ts';
import { LokiClient, waitFor } from './loki-client.ts';
import { listPacks, repoRoot, type RuleDefinition } from './packs.ts';

const loki = lokiContext();
const packs = listPacks();
const cliEntry = join(repoRoot, 'packages/cli/src/bin.ts');

type StoredRules = Record<string, { name: string; rules: RuleDefinition[] }[]>;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function logward(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd: repoRoot,
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

const show = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!loki.available || packs.length === 0)(suiteTitle('logward rules sync/diff', loki), () => {
  let ruler: LokiInstance;
  let client: LokiClient;

  async function stored(): Promise<StoredRules> {
    return (parse(await client.rulesYaml()) as StoredRules | null) ?? {};
  }

  beforeAll(async () => {
    ruler = await startLoki(
      { dir: loki.binDir, loki: loki.loki, lokitool: loki.lokitool },
      { name: 'loki-ruler-writable', rulerStore: 'writable', multiTenant: false },
    );
    client = new LokiClient(ruler.url);
  });
  afterAll(async () => {
    await ruler?.stop();
  });

  it('diff against an empty ruler lists every pack group as added (exit 1)', async () => {
    const result = await logward(['rules', 'diff', '--loki', ruler.url]);
    expect(result.code, show(result)).toBe(1);
    for (const pack of packs) {
      for (const group of pack.rules.groups)
        expect(result.stdout, show(result)).toContain(`${pack.name}/${group.name}`);
    }
  });

  it('sync puts exactly the packs into Loki’s ruler store, one namespace per pack', async () => {
    const result = await logward(['rules', 'sync', '--loki', ruler.url]);
    expect(result.code, show(result)).toBe(0);
    const store = await stored();
    expect(Object.keys(store).sort()).toEqual(packs.map((p) => p.name).sort());
    for (const pack of packs) {
      // Group order inside a namespace means nothing to the ruler (Loki's bucket store does not keep
      // it), so groups are matched by name.
      const groups = new Map(store[pack.name]!.map((g) => [g.name, g]));
      expect([...groups.keys()].sort()).toEqual(pack.rules.groups.map((g) => g.name).sort());
      for (const group of pack.rules.groups) {
        const inLoki = groups.get(group.name)!.rules;
        expect(inLoki.map((r) => r.alert ?? r.record)).toEqual(group.rules.map((r) => r.alert ?? r.record));
        for (const [j, rule] of group.rules.entries()) {
          expect(squash(inLoki[j]!.expr), `${pack.name}/${group.name}/${rule.alert}`).toBe(squash(rule.expr));
          expect(inLoki[j]!.labels).toEqual(rule.labels);
        }
      }
    }
  });

  it('diff after sync reports no difference (exit 0), and Loki’s own lokitool agrees', async () => {
    const result = await logward(['rules', 'diff', '--loki', ruler.url]);
    expect(result.code, show(result)).toBe(0);
    // lokitool reads namespaced files: one per pack, `namespace: <pack>` plus the pack's groups.
    const dir = mkdtempSync(join(tmpdir(), 'logward-lokitool-'));
    try {
      const files = packs.map((p) => {
        const file = join(dir, `${p.name}.yaml`);
        writeFileSync(file, JSON.stringify({ namespace: p.name, groups: p.rules.groups }));
        return file;
      });
      const lokitool = await new Promise<CliResult>((resolve, reject) => {
        const child = spawn(loki.lokitool, [
          'rules',
          'diff',
          '--address',
          ruler.url,
          '--id',
          'fake',
          ...files,
        ]);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
      expect(lokitool.code, show(lokitool)).toBe(0);
      expect(lokitool.stdout + lokitool.stderr, show(lokitool)).toContain('no changes detected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the ruler loads the synced groups', async () => {
    const expected = packs.flatMap((p) => p.rules.groups.map((g) => `${p.name}/${g.name}`)).sort();
    await waitFor(
      'the ruler to load every synced group',
      async () => {
        const loaded = (await client.ruleGroups()).map((g) => `${g.file}/${g.name}`).sort();
        return JSON.stringify(loaded) === JSON.stringify(expected) ? loaded : undefined;
      },
      {
        timeoutMs: 20_000,
        describe: async () => JSON.stringify((await client.ruleGroups()).map((g) => g.name)),
      },
    );
  });

  it('diff shows drift made behind its back (deleted, edited, foreign groups) and sync repairs it', async () => {
    const [first, second] = packs;
    const deleted = first!.rules.groups[0]!;
    const edited = (second ?? first)!.rules.groups.at(-1)!;
    const editedNamespace = (second ?? first)!.name;
    let response = await fetch(`${ruler.url}/loki/api/v1/rules/${first!.name}/${deleted.name}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(202);
    const tampered = {
      ...edited,
      rules: edited.rules.map((r, i) => (i === 0 ? { ...r, labels: { ...r.labels, severity: 'info' } } : r)),
    };
    response = await fetch(`${ruler.url}/loki/api/v1/rules/${editedNamespace}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: JSON.stringify(tampered),
    });
    expect(response.status).toBe(202);
    const foreign = {
      name: 'not-from-any-pack',
      rules: [
        { alert: 'Foreign', expr: 'sum(count_over_time({job="x"}[1m])) > 0', labels: { severity: 'info' } },
      ],
    };
    response = await fetch(`${ruler.url}/loki/api/v1/rules/${first!.name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: JSON.stringify(foreign),
    });
    expect(response.status).toBe(202);

    const diff = await logward(['rules', 'diff', '--loki', ruler.url]);
    expect(diff.code, show(diff)).toBe(1);
    expect(diff.stdout, show(diff)).toContain(`${first!.name}/${deleted.name}`);
    expect(diff.stdout, show(diff)).toContain(`${editedNamespace}/${edited.name}`);
    expect(diff.stdout, show(diff)).toContain(`${first!.name}/${foreign.name}`);

    const sync = await logward(['rules', 'sync', '--loki', ruler.url]);
    expect(sync.code, show(sync)).toBe(0);
    const store = await stored();
    expect(store[first!.name]!.map((g) => g.name).sort()).toEqual(
      first!.rules.groups.map((g) => g.name).sort(),
    );
    const repaired = store[editedNamespace]!.find((g) => g.name === edited.name)!;
    expect(repaired.rules[0]!.labels).toEqual(edited.rules[0]!.labels);
    const again = await logward(['rules', 'diff', '--loki', ruler.url]);
    expect(again.code, show(again)).toBe(0);
  });

  const k3s = packs.find((p) => p.name === 'k3s');
  it.skipIf(!k3s)('sync --selector rewrites a source selector in every rule of the pack', async () => {
    const selector = '{job="audit", cluster="prod"}';
    const result = await logward([
      'rules',
      'sync',
      '--loki',
      ruler.url,
      '--pack',
      'k3s',
      '--selector',
      `audit=${selector}`,
    ]);
    expect(result.code, show(result)).toBe(0);
    const store = await stored();
    const exprs = store.k3s!.flatMap((g) => g.rules.map((r) => r.expr));
    const auditRules = k3s!.rules.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.expr.includes('{job="k3s-audit"}'));
    expect(auditRules.length).toBeGreaterThan(0);
    expect(exprs.filter((e) => e.includes(selector))).toHaveLength(auditRules.length);
    expect(exprs.filter((e) => e.includes('{job="k3s-audit"}'))).toEqual([]);
    // Other packs' namespaces are untouched by a --pack sync.
    expect(Object.keys(store).sort()).toEqual(packs.map((p) => p.name).sort());
    const diff = await logward([
      'rules',
      'diff',
      '--loki',
      ruler.url,
      '--pack',
      'k3s',
      '--selector',
      `audit=${selector}`,
    ]);
    expect(diff.code, show(diff)).toBe(0);
  });
});
