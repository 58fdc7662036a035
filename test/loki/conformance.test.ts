// Test 3: the embedded engine's conformance cases, replayed against a real Loki.
// Each conformance file gets its own tenant; its streams are pushed with times shifted to near now,
// every case is asked of Loki's query API, and Loki's answer must equal both the file's `expected`
// and what @logward/logql computes over the same shifted streams. A case with `loki:` says why it
// cannot be replayed and is skipped with that reason.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantQuery, rangeQuery } from '@logward/logql';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

/** Open engine-vs-Loki differences (conformance-known-differences.yaml): file + case → what Loki says. */
const knownDifferences = new Map(
  (
    parse(
      readFileSync(
        join(dirname(fileURLToPath(import.meta.url)), 'conformance-known-differences.yaml'),
        'utf8',
      ),
    ) as {
      file: string;
      case: string;
      loki: string;
    }[]
  ).map((d) => [`${d.file}\u0000${d.case}`, d.loki]),
);
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
    beforeAll(async () => {
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
      // Loki re-reads the overrides every second; its per-tenant limits endpoint shows when it has.
      await waitFor('Loki to apply the conformance tenant overrides', async () => {
        for (const tenant of tenants) {
          const limits = await tenantClient(loki, tenant).getText('/config/tenant/v1/limits');
          if (!/^discover_log_levels: false$/m.test(limits)) return undefined;
        }
        return true;
      });
    });

    it('lists only existing cases as known differences', () => {
      const existing = new Set(
        files.flatMap((f) => loadConformanceFile(f).cases.map((c) => `${basename(f)}\u0000${c.name}`)),
      );
      const stale = [...knownDifferences.keys()]
        .filter((k) => !existing.has(k))
        .map((k) => k.replace('\u0000', ': '));
      expect(stale, 'entries of conformance-known-differences.yaml without a case').toEqual([]);
    });

    for (const file of files) {
      const parsed = loadConformanceFile(file);
      // Cases only read the pushed data: run them concurrently (each waits on Loki, not on the CPU).
      describe.concurrent(basename(file), () => {
        const client = tenantClient(loki, tenantFor(file));
        let delta = 0n;
        beforeAll(async () => {
          delta = shiftToNow(parsed, BigInt(Date.now()) * 1_000_000n);
          await client.push(shiftedStreams(parsed, delta));
        });
        for (const c of parsed.cases) {
          const known = knownDifferences.get(`${basename(file)}\u0000${c.name}`);
          const title = c.loki
            ? `${c.name} (not replayable: ${c.loki})`
            : known
              ? `${c.name} (known difference, expected to fail: Loki ${known})`
              : c.name;
          const test = c.loki !== undefined ? it.skip : known ? it.fails : it;
          test(title, async () => {
            const lokiAnswer = await askLoki(client, c, delta);
            const differences: string[] = [];
            // Output built from entry times (`__timestamp__`, now) carries the replay shift, so such
            // a case is checked engine-vs-Loki only (both see the same shifted data).
            const timeDependent = delta !== 0n && /__timestamp__|\bnow\b/.test(c.query);
            if (c.expected !== undefined) {
              const expected = resultText(normalizeResult(c.expected, 0n));
              if (!('data' in lokiAnswer))
                differences.push(`expected ${expected}\n  Loki   error: ${lokiAnswer.error}`);
              else if (!timeDependent && resultText(lokiAnswer.data) !== expected) {
                differences.push(`expected ${expected}\n  Loki     ${resultText(lokiAnswer.data)}`);
              }
            } else if ('data' in lokiAnswer) {
              differences.push(
                `expected an error containing '${c.error}'\n  Loki answers ${resultText(lokiAnswer.data)}`,
              );
            }
            const engineAnswer = askEngine(parsed, c, delta);
            if (!sameAnswer(engineAnswer, lokiAnswer)) {
              differences.push(`engine ${answerText(engineAnswer)}\n  Loki   ${answerText(lokiAnswer)}`);
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
  const extra: Record<string, string> = {};
  if (c.direction) extra.direction = c.direction;
  if (c.limit !== undefined) extra.limit = String(c.limit);
  try {
    const data =
      c.time !== undefined
        ? await client.instantQuery(c.query, String(c.time + delta), extra)
        : await client.rangeQuery(
            c.query,
            {
              startNs: String(c.range!.start + delta),
              endNs: String(c.range!.end + delta),
              ...(c.range!.stepSeconds !== undefined ? { stepSeconds: c.range!.stepSeconds } : {}),
            },
            extra,
          );
    return { data: normalizeResult(withoutScalarTimeQuirk(data, c, delta), -delta) };
  } catch (error) {
    // Loki refuses bad queries with 400 and fails some valid-looking ones while executing them with
    // 500 and the reason (many-to-many matching, pipeline errors): both are its answer.
    if (error instanceof LokiHttpError && error.status >= 400 && error.body.trim() !== '') {
      return { error: `HTTP ${error.status}: ${error.body.trim()}` };
    }
    throw error;
  }
}

/**
 * Loki 3.7.6 answers an instant scalar query (`2`, `1 + 2`) with a meaningless timestamp
 * (e.g. 6090921862173 for t=1795425097.012) while the value is right. Replace it by the query time, so
 * the comparison is about the value; the quirk is documented in test/README.md.
 */
function withoutScalarTimeQuirk(data: QueryData, c: ConformanceCase, delta: bigint): QueryData {
  if (data.resultType !== 'scalar' || c.time === undefined) return data;
  const [, value] = data.result as [number, string];
  return { resultType: 'scalar', result: [Number((c.time + delta) / 1_000_000n) / 1000, value] };
}

function askEngine(file: ConformanceFile, c: ConformanceCase, delta: bigint): Answer {
  const streams = engineStreams(file, delta);
  try {
    const data =
      c.time !== undefined
        ? instantQuery(c.query, streams, String(c.time + delta))
        : rangeQuery(c.query, streams, {
            start: String(c.range!.start + delta),
            end: String(c.range!.end + delta),
            // The engine takes the step in milliseconds, Loki's API in seconds.
            ...(c.range!.stepSeconds !== undefined ? { step: c.range!.stepSeconds * 1000 } : {}),
            ...(c.limit !== undefined ? { limit: c.limit } : {}),
            ...(c.direction ? { direction: c.direction } : {}),
          });
    return { data: normalizeResult(data as QueryData, -delta) };
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
