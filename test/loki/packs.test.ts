// Test 2: every rule pack under alert-rules/ in a real Loki ruler.
// - lokitool (Loki's own rule tool) accepts the rules file: `rules check` and `rules lint --dry-run`;
// - Loki's ruler loads the whole pack and evaluates every rule without an error;
// - each positive check of the pack's own tests (alert X fires with labels L at eval_time) holds in
//   Loki too: the test's input streams are pushed with timestamps near now into a tenant of its own,
//   the alerts are rendered with `for: 0s` (see packs.ts), and the alert must reach `firing` in
//   /prometheus/api/v1/alerts with exactly the expected labels and the listed annotations.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { lokiContext, suiteTitle, tenantClient } from './context.ts';
import { waitFor, type LokiAlert } from './loki-client.ts';
import {
  firingCases,
  listPacks,
  pushStreamsFor,
  renderRulesForTest,
  type FiringCase,
  type Pack,
} from './packs.ts';

const run = promisify(execFile);
const loki = lokiContext();
const packs = listPacks();

/** Firing checks that share one test and one eval_time share a tenant (same data, same "now"). */
interface CaseGroup {
  tenant: string;
  cases: FiringCase[];
}

function groupCases(pack: Pack): CaseGroup[] {
  const groups = new Map<string, FiringCase[]>();
  for (const c of firingCases(pack)) {
    const key = `${c.where}@${c.evalMs}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((cases, i) => ({ tenant: `pack-${pack.name}-${i}`, cases }));
}

function writeTenantRules(tenant: string, pack: Pack, yamlText: string): void {
  const dir = join(loki.rulesDir, tenant);
  mkdirSync(dir, { recursive: true });
  // Write-then-rename is not needed: the ruler re-reads the directory every second and a torn read
  // would only be retried; but write the final content in one call.
  writeFileSync(join(dir, `${pack.name}.yaml`), yamlText);
}

function describeAlerts(alerts: LokiAlert[]): string {
  return alerts.length === 0
    ? '  (no pending or firing alerts)'
    : alerts
        .map((a) => `  ${a.state} ${JSON.stringify(a.labels)} ${JSON.stringify(a.annotations)}`)
        .join('\n');
}

const caseGroups = new Map(packs.map((p) => [p.name, groupCases(p)]));

describe.skipIf(!loki.available || packs.length === 0)(suiteTitle('rule packs in Loki’s ruler', loki), () => {
  beforeAll(async () => {
    // Every pack and every case group at once (own tenant, own rules), so the ruler's evaluation
    // delay is waited for once, not once per pack.
    const evalAt = Date.now() + 2000;
    const setups: Promise<void>[] = [];
    for (const pack of packs) {
      writeTenantRules(`pack-${pack.name}-all`, pack, renderRulesForTest(pack.rules));
      for (const g of caseGroups.get(pack.name)!) {
        const alerts = new Set(g.cases.map((c) => c.alertname));
        setups.push(
          tenantClient(loki, g.tenant)
            .push(pushStreamsFor(g.cases[0]!, evalAt))
            .then(() => writeTenantRules(g.tenant, pack, renderRulesForTest(pack.rules, alerts))),
        );
      }
    }
    await Promise.all(setups);
  });

  for (const pack of packs) {
    describe.concurrent(`pack ${pack.name}`, () => {
      it('passes lokitool rules check and rules lint --dry-run', async () => {
        const check = await run(loki.lokitool, ['rules', 'check', pack.rulesFile]).catch((e: unknown) => e);
        expect(check, `lokitool rules check ${pack.rulesFile}:\n${JSON.stringify(check)}`).not.toBeInstanceOf(
          Error,
        );
        const lint = await run(loki.lokitool, ['rules', 'lint', '--dry-run', pack.rulesFile]).catch(
          (e: unknown) => e,
        );
        expect(
          lint,
          `lokitool rules lint --dry-run ${pack.rulesFile}:\n${JSON.stringify(lint)}`,
        ).not.toBeInstanceOf(Error);
      });

      it('loads into the ruler and every rule evaluates without error', async () => {
        const tenant = `pack-${pack.name}-all`;
        const client = tenantClient(loki, tenant);
        const expectedRules = pack.rules.groups.flatMap((g) => g.rules.map((r) => r.alert ?? r.record));
        const groups = await waitFor(
          `Loki's ruler to load and evaluate every rule of ${pack.name}`,
          async () => {
            const loaded = await client.ruleGroups();
            const rules = loaded.flatMap((g) => g.rules);
            const evaluated = rules.filter((r) => !String(r.lastEvaluation ?? '').startsWith('0001-'));
            return rules.length === expectedRules.length && evaluated.length === rules.length
              ? loaded
              : undefined;
          },
          {
            timeoutMs: 30_000,
            describe: async () => `ruler state: ${JSON.stringify(await client.ruleGroups()).slice(0, 4000)}`,
          },
        );
        const unhealthy = groups
          .flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })))
          .filter((r) => r.health !== 'ok')
          .map((r) => `${r.group}/${r.name}: ${r.health} ${r.lastError ?? ''}`);
        expect(unhealthy, `rules Loki could not evaluate in ${pack.rulesFile}`).toEqual([]);
      });

      const groups = caseGroups.get(pack.name)!;
      describe.skipIf(groups.length === 0)('its tests’ firing alerts fire in Loki too', () => {
        for (const g of groups) {
          for (const c of g.cases) {
            it(`${c.alertname} (${c.testName})`, async () => {
              const client = tenantClient(loki, g.tenant);
              const wanted = c.expected.map((e) => ({ ...e.labels, alertname: c.alertname }));
              const firing = await waitFor(
                `${c.alertname} to fire with ${JSON.stringify(wanted)}`,
                async () => {
                  const alerts = (await client.alerts()).filter(
                    (a) => a.labels.alertname === c.alertname && a.state === 'firing',
                  );
                  return wanted.every((w) => alerts.some((a) => sameLabels(a.labels, w)))
                    ? alerts
                    : undefined;
                },
                {
                  timeoutMs: 30_000,
                  describe: async () =>
                    `${c.where}\nLoki's alerts of tenant ${g.tenant}:\n${describeAlerts(await client.alerts())}`,
                },
              );
              for (const e of c.expected) {
                const alert = firing.find((a) =>
                  sameLabels(a.labels, { ...e.labels, alertname: c.alertname }),
                )!;
                for (const [name, text] of Object.entries(e.annotations)) {
                  expect(
                    alert.annotations[name]?.trim(),
                    `${c.where}: annotation ${name} of ${JSON.stringify(e.labels)}`,
                  ).toBe(text.trim());
                }
              }
            });
          }
        }
      });
    });
  }
});

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
