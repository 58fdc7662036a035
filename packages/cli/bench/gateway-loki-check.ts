// Sends records through `logward gateway` into a real Loki (test/loki/harness.ts starts it from the
// cached or freshly built binary) and prints what Loki stored: the line, index labels and structured
// metadata. Not part of the test suite (the cli project has no Loki); run it by hand:
//   node packages/cli/bench/gateway-loki-check.ts        (LOKI_BIN_DIR=<dir with loki, lokitool> optional)
import { findOrBuildLoki, startLoki } from '../../../test/loki/harness.ts';
import { startGateway } from '../src/gateway/index.ts';

const binaries = await findOrBuildLoki((line) => console.error(line));
const loki = await startLoki(binaries, { rulerStore: 'local', multiTenant: true, name: 'gateway-check' });
try {
  const gateway = await startGateway({ port: 0, forward: { lokiUrl: loki.url, tenant: 'gateway' } });
  const now = BigInt(Date.now()) * 1_000_000n;
  const kv = (key: string, stringValue: string) => ({ key, value: { stringValue } });
  const request = {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', 'kratos-gateway-check')] },
        scopeLogs: [
          {
            scope: { name: 'github.com/ory/kratos' },
            logRecords: [
              {
                timeUnixNano: String(now),
                eventName: 'authn_login_fail',
                body: { stringValue: 'login failed AKIAIOSFODNN7EXAMPLE\nforged line' },
                attributes: [kv('user.id', 'bob'), kv('logward.authn.method', 'password')],
              },
              {
                timeUnixNano: String(now + 1000n),
                body: { stringValue: 'access denied' },
                attributes: [kv('otel.event.name', 'authz_fail')],
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`${gateway.url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  console.log(`gateway answered ${res.status} ${await res.text()}`);
  await gateway.close();

  const headers = { 'X-Scope-OrgID': 'gateway', 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
  const range = new URLSearchParams({
    query: '{service_name="kratos-gateway-check"}',
    start: String(now - 60_000_000_000n),
    end: String(now + 60_000_000_000n),
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const body = (await (
      await fetch(`${loki.url}/loki/api/v1/query_range?${range}`, { headers })
    ).json()) as {
      data: { result: Array<{ stream: object; values: unknown[] }> };
    };
    if (body.data.result.flatMap((s) => s.values).length >= 2) {
      console.log(JSON.stringify(body.data.result, null, 2));
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const instant = new URLSearchParams({
    query:
      'sum(count_over_time({service_name="kratos-gateway-check"} | otel_event_name="authn_login_fail" [5m]))',
    time: String(now + 1_000_000_000n),
  });
  const count = await (await fetch(`${loki.url}/loki/api/v1/query?${instant}`, { headers })).json();
  console.log(`count of authn_login_fail by otel_event_name: ${JSON.stringify(count.data.result)}`);
} finally {
  await loki.stop();
}
