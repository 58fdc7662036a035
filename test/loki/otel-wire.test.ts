// Test 1: a service using @logward/otel sends security events and ordinary records (with seeded,
// fake-shaped secrets) through the real OTLP/HTTP exporter into Loki's /otlp/v1/logs. Loki's query
// API must then show them under the names the rule packs and dashboards use, and no seeded secret
// may be stored anywhere in Loki (lines, labels, structured metadata).
import { beforeAll, describe, expect, it } from 'vitest';
import { lokiContext, suiteTitle, tenantClient } from './context.ts';
import { waitFor } from './loki-client.ts';
import { emitWireRecords, seededSecrets, wireRecordCount, wireServiceName } from './otel-pipeline.ts';

const loki = lokiContext();
const client = tenantClient(loki, 'otel-wire');

interface CategorizedStream {
  stream: Record<string, string>;
  values: [
    string,
    string,
    { structuredMetadata?: Record<string, string>; parsed?: Record<string, string> }?,
  ][];
}

/** Query with Loki's categorize-labels encoding: index labels, structured metadata and parsed labels apart. */
async function categorized(query: string): Promise<CategorizedStream[]> {
  const end = BigInt(Date.now() + 60_000) * 1_000_000n;
  const start = end - 15n * 60n * 1_000_000_000n;
  const params = new URLSearchParams({ query, start: String(start), end: String(end), limit: '1000' });
  const response = await fetch(`${client.url}/loki/api/v1/query_range?${params}`, {
    headers: client.headers({ 'X-Loki-Response-Encoding-Flags': 'categorize-labels' }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`query ${query}: HTTP ${response.status}: ${text}`);
  return (JSON.parse(text) as { data: { result: CategorizedStream[] } }).data.result;
}

function entries(streams: CategorizedStream[]) {
  return streams.flatMap((s) =>
    s.values.map(([ns, line, extra]) => ({
      labels: s.stream,
      ns,
      line,
      metadata: extra?.structuredMetadata ?? {},
    })),
  );
}

const selector = `{service_name="${wireServiceName}"}`;

describe.skipIf(!loki.available)(
  suiteTitle('OTLP from @logward/otel startSecurityLogging into Loki', loki),
  () => {
    let all: ReturnType<typeof entries> = [];

    beforeAll(async () => {
      await emitWireRecords(`${loki.url}/otlp`, { 'X-Scope-OrgID': client.tenant! });
      all = await waitFor(
        'the OTLP records to be queryable in Loki',
        async () => {
          const found = entries(await categorized(selector));
          return found.length >= wireRecordCount ? found : undefined;
        },
        {
          timeoutMs: 30_000,
          describe: async () => JSON.stringify(await categorized(selector)).slice(0, 3000),
        },
      );
    });

    it('indexes service.name as the service_name label, and keeps event data out of the index', () => {
      for (const e of all) {
        expect(e.labels.service_name).toBe(wireServiceName);
        expect(Object.keys(e.labels)).not.toContain('otel_event_name');
        expect(Object.keys(e.labels)).not.toContain('user_id');
      }
    });

    it('maps event attributes to the structured-metadata names the packs filter on', () => {
      const login = all.find((e) => e.metadata.otel_event_name === 'authn_login_fail');
      expect(login, JSON.stringify(all, null, 2)).toBeDefined();
      expect(login!.metadata).toMatchObject({
        otel_event_name: 'authn_login_fail',
        user_id: 'alice',
        client_address: '203.0.113.7',
        client_port: '51234',
        logward_authn_method: 'password',
        severity_text: 'WARN',
        severity_number: '13',
      });
      const denied = all.find((e) => e.metadata.otel_event_name === 'authz_fail');
      expect(denied?.metadata).toMatchObject({
        user_id: 'bob',
        severity_text: 'CRITICAL',
        severity_number: '18',
      });
    });

    it('answers the pack-style LogQL: metadata filters and sums by metadata', async () => {
      const filtered = entries(
        await categorized(`${selector} | otel_event_name="authn_login_fail" | user_id="alice"`),
      );
      expect(filtered).toHaveLength(1);
      const end = String(BigInt(Date.now()) * 1_000_000n);
      const vector = await client.instantQuery(
        `sum by (user_id) (count_over_time({service_name=~".+"} | otel_event_name=~"authn_login_fail|authz_fail" [10m]))`,
        end,
      );
      const byUser = Object.fromEntries(
        (vector.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => [
          r.metric.user_id,
          r.value[1],
        ]),
      );
      expect(byUser).toEqual({ alice: '1', bob: '1' });
    });

    it('records this Loki version’s handling of the OTLP EventName field (event_name metadata)', () => {
      // grafana/loki PR #21229 maps LogRecord.EventName to `event_name`; Loki 3.7.6 predates it and drops
      // the field, which is why the processor also writes otel.event.name. If this assertion flips after
      // a Loki upgrade, rules could key on event_name too.
      const withEventName = all.filter((e) => e.metadata.otel_event_name !== undefined);
      expect(withEventName.length).toBeGreaterThan(0);
      for (const e of withEventName) expect(e.metadata.event_name).toBeUndefined();
    });

    it('stores no seeded secret anywhere (lines, labels, metadata)', async () => {
      // Everything the tenant holds, with and without categorized labels (two encodings of the same data).
      const raw = JSON.stringify(await categorized('{service_name=~".+"}'));
      const end = String(BigInt(Date.now() + 60_000) * 1_000_000n);
      const start = String(BigInt(Date.now() - 15 * 60_000) * 1_000_000n);
      const plain = JSON.stringify(
        await client.rangeQuery('{service_name=~".+"}', { startNs: start, endNs: end }, { limit: '1000' }),
      );
      for (const secret of seededSecrets) {
        expect(raw, `secret ${secret.name} stored in Loki`).not.toContain(secret.value);
        expect(plain, `secret ${secret.name} stored in Loki`).not.toContain(secret.value);
      }
      const redacted = all.find((e) => e.metadata.logward_redaction_count !== undefined);
      expect(redacted, 'no record carries logward_redaction_count').toBeDefined();
      expect(Number(redacted!.metadata.logward_redaction_count)).toBeGreaterThan(0);
    });
  },
);
