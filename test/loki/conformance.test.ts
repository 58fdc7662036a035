// Test 3: the embedded engine's conformance cases, replayed against a real Loki.
// Each conformance file gets its own tenant; its streams are pushed with times shifted to near now,
// every case is asked of Loki's query API, and Loki's answer must equal both the file's `expected`
// and what @logward/logql computes over the same shifted streams. A case with `loki:` says why it
// cannot be replayed and is skipped with that reason.
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  engineStreams,
  loadConformanceFile,
  normalizeResult,
  resultText,
  shiftToNow,
  shiftedStreams,
  type ConformanceCase,
  type ConformanceFile,
} from './conformance.ts';
import { lokiContext, suiteTitle, tenantClient } from './context.ts';
import { writeTenantOverridesFile } from './harness.ts';
import { LokiHttpError, waitFor, type LokiClient, type QueryData } from './loki-client.ts';

const conformanceDir = join(dirname(fileURLToPath(import.meta.url)), '../../packages/logql/conformance');
const files = listConformanceFiles();
const loki = lokiContext();

function listConformanceFiles(): string[] {
  try {
    return readdirSync(conformanceDir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort()
      .map((f) => join(conformanceDir, f));
  } catch {
    return [];
  }
}

type Answer = { data: QueryData } | { error: string };

interface Engine {
  instantQuery(expr: string, streams: unknown, time: string): unknown;
  rangeQuery(expr: string, streams: unknown, range: { start: string; end: string; step?: number }): unknown;
}

/** @logward/logql, once its engine exists; until then only Loki vs `expected` is compared. */
async function loadEngine(): Promise<Engine | undefined> {
  try {
    // A computed specifier keeps typecheck independent of a package that is still being written.
    const specifier = '@logward/logql';
    const mod = (await import(specifier)) as Partial<Engine>;
    if (typeof mod.instantQuery === 'function' && typeof mod.rangeQuery === 'function') return mod as Engine;
  } catch {
    // not written yet
  }
  return undefined;
}

function tenantFor(file: string): string {
  return `conformance-${basename(file).replace(/\.ya?ml$/, '')}`.replace(/[^A-Za-z0-9!_.*'()-]/g, '_');
}

describe.skipIf(!loki.available || files.length === 0)(
  suiteTitle(
    files.length === 0
      ? 'engine conformance (skipped: no packages/logql/conformance/*.yaml yet)'
      : 'engine conformance',
    loki,
  ),
  () => {
    let engine: Engine | undefined;
    beforeAll(async () => {
      engine = await loadEngine();
      // Ingest-time additions are Loki features, not LogQL: without this, Loki adds a `service_name`
      // label derived from job/app/... and a `detected_level` field, and every stream result would
      // differ from the file. Turned off for the conformance tenants only.
      const tenants = files.map(tenantFor);
      writeTenantOverridesFile(
        loki.overridesFile,
        Object.fromEntries(
          tenants.map((t) => [t, { discover_service_name: [], discover_log_levels: false }]),
        ),
      );
      const client = tenantClient(loki, tenants[0]!);
      await waitFor('Loki to load the conformance tenant overrides', async () => {
        const text = await fetch(`${client.url}/runtime_config`).then((r) => r.text());
        return tenants.every((t) => text.includes(t)) ? true : undefined;
      });
    });

    for (const file of files) {
      const parsed = loadConformanceFile(file);
      describe(basename(file), () => {
        const client = tenantClient(loki, tenantFor(file));
        let delta = 0n;
        beforeAll(async () => {
          delta = shiftToNow(parsed, BigInt(Date.now()) * 1_000_000n);
          await client.push(shiftedStreams(parsed, delta));
        });
        for (const c of parsed.cases) {
          const title = c.loki ? `${c.name} (not replayable: ${c.loki})` : c.name;
          it.skipIf(c.loki !== undefined)(title, async () => {
            const lokiAnswer = await askLoki(client, c, delta);
            const differences: string[] = [];
            if (c.expected !== undefined) {
              const expected = resultText(normalizeResult(c.expected, 0n));
              if (!('data' in lokiAnswer))
                differences.push(`expected ${expected}\n  Loki   error: ${lokiAnswer.error}`);
              else if (resultText(lokiAnswer.data) !== expected) {
                differences.push(`expected ${expected}\n  Loki     ${resultText(lokiAnswer.data)}`);
              }
            } else if ('data' in lokiAnswer) {
              differences.push(
                `expected an error containing '${c.error}'\n  Loki answers ${resultText(lokiAnswer.data)}`,
              );
            }
            if (engine) {
              const engineAnswer = await askEngine(engine, parsed, c, delta);
              if (!sameAnswer(engineAnswer, lokiAnswer)) {
                differences.push(`engine ${answerText(engineAnswer)}\n  Loki   ${answerText(lokiAnswer)}`);
              }
            }
            if (differences.length > 0) recordDifference(file, c, differences);
            expect(differences, `${c.where} ${c.name}: ${c.query}\n  ${differences.join('\n  ')}`).toEqual(
              [],
            );
          });
        }
      });
    }
  },
);

async function askLoki(client: LokiClient, c: ConformanceCase, delta: bigint): Promise<Answer> {
  try {
    const data =
      c.time !== undefined
        ? await client.instantQuery(c.query, String(c.time + delta))
        : await client.rangeQuery(c.query, {
            startNs: String(c.range!.start + delta),
            endNs: String(c.range!.end + delta),
            ...(c.range!.stepSeconds !== undefined ? { stepSeconds: c.range!.stepSeconds } : {}),
          });
    return { data: normalizeResult(data, -delta) };
  } catch (error) {
    if (error instanceof LokiHttpError && error.status >= 400 && error.status < 500)
      return { error: error.body.trim() };
    throw error;
  }
}

async function askEngine(
  engine: Engine,
  file: ConformanceFile,
  c: ConformanceCase,
  delta: bigint,
): Promise<Answer> {
  const streams = engineStreams(file, delta);
  try {
    const data = (
      c.time !== undefined
        ? await engine.instantQuery(c.query, streams, String(c.time + delta))
        : await engine.rangeQuery(c.query, streams, {
            start: String(c.range!.start + delta),
            end: String(c.range!.end + delta),
            ...(c.range!.stepSeconds !== undefined ? { step: c.range!.stepSeconds } : {}),
          })
    ) as QueryData;
    return { data: normalizeResult(data, -delta) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if ('data' in a && 'data' in b) return resultText(a.data) === resultText(b.data);
  // Both refuse the query: messages are each implementation's own, so only the refusal is compared.
  return 'error' in a && 'error' in b;
}

function answerText(a: Answer): string {
  return 'data' in a ? resultText(a.data) : `error: ${a.error}`;
}

/** Differences also go to a JSON file (LOKI_CONFORMANCE_REPORT) so a run can be summarized. */
function recordDifference(file: string, c: ConformanceCase, differences: string[]): void {
  const target = process.env.LOKI_CONFORMANCE_REPORT;
  if (!target) return;
  const line = JSON.stringify({
    file: basename(file),
    where: c.where,
    case: c.name,
    query: c.query,
    differences,
  });
  writeFileSync(target, line + '\n', { flag: 'a' });
}
