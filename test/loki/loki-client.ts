// A small client for the parts of Loki's HTTP API the tests use (docs: reference/loki-http-api.md).
// Every call names the tenant (X-Scope-OrgID), so tests running against one multi-tenant Loki never
// see each other's data.

/** One entry as pushed: Unix ns (decimal string), the line, optional structured metadata. */
export interface PushEntry {
  ns: string;
  line: string;
  metadata?: Record<string, string>;
}

export interface PushStream {
  labels: Record<string, string>;
  entries: PushEntry[];
}

/** The `data` object of Loki's query API (streams | vector | matrix | scalar). */
export interface QueryData {
  resultType: 'streams' | 'vector' | 'matrix' | 'scalar';
  result: unknown;
}

export interface LokiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  value: string;
}

export interface LokiRuleStatus {
  name: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  state?: string;
  lastEvaluation?: string;
}

export interface LokiRuleGroupStatus {
  name: string;
  file: string;
  rules: LokiRuleStatus[];
}

export class LokiHttpError extends Error {
  override name = 'LokiHttpError';
  readonly status: number;
  readonly body: string;
  constructor(what: string, status: number, body: string) {
    super(`${what}: HTTP ${status}: ${body.trim().slice(0, 2000)}`);
    this.status = status;
    this.body = body;
  }
}

export class LokiClient {
  readonly url: string;
  readonly tenant: string | undefined;

  /** tenant undefined: single-tenant Loki (no X-Scope-OrgID header). */
  constructor(url: string, tenant?: string) {
    this.url = url;
    this.tenant = tenant;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.tenant ? { 'X-Scope-OrgID': this.tenant, ...extra } : extra;
  }

  /** POST /loki/api/v1/push (JSON); the third element of a value is structured metadata. */
  async push(streams: PushStream[]): Promise<void> {
    const body = {
      streams: streams.map((s) => ({
        stream: s.labels,
        values: s.entries.map((e) =>
          e.metadata && Object.keys(e.metadata).length > 0 ? [e.ns, e.line, e.metadata] : [e.ns, e.line],
        ),
      })),
    };
    const response = await fetch(`${this.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
    if (response.status !== 204 && response.status !== 200) {
      throw new LokiHttpError('push', response.status, await response.text());
    }
  }

  /** GET /loki/api/v1/query (instant); `time` in Unix ns. */
  async instantQuery(query: string, timeNs: string, extra: Record<string, string> = {}): Promise<QueryData> {
    return this.getData('/loki/api/v1/query', { query, time: timeNs, ...extra });
  }

  /** GET /loki/api/v1/query_range; start/end in Unix ns, step in seconds (float allowed). */
  async rangeQuery(
    query: string,
    range: { startNs: string; endNs: string; stepSeconds?: number },
    extra: Record<string, string> = {},
  ): Promise<QueryData> {
    const params: Record<string, string> = { query, start: range.startNs, end: range.endNs, ...extra };
    if (range.stepSeconds !== undefined) params.step = String(range.stepSeconds);
    return this.getData('/loki/api/v1/query_range', params);
  }

  private async getData(path: string, params: Record<string, string>): Promise<QueryData> {
    const response = await fetch(`${this.url}${path}?${new URLSearchParams(params)}`, {
      headers: this.headers(),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new LokiHttpError(`${path} ${params.query ?? ''}`, response.status, text);
    const json = JSON.parse(text) as { status: string; data: QueryData };
    return json.data;
  }

  /** GET /prometheus/api/v1/alerts: pending and firing alerts of every rule group of the tenant. */
  async alerts(): Promise<LokiAlert[]> {
    const json = await this.getJson<{ data: { alerts: LokiAlert[] } }>('/prometheus/api/v1/alerts');
    return json.data.alerts;
  }

  /** GET /prometheus/api/v1/rules: every loaded group with each rule's health and last error. */
  async ruleGroups(): Promise<LokiRuleGroupStatus[]> {
    const json = await this.getJson<{ data: { groups: LokiRuleGroupStatus[] } }>('/prometheus/api/v1/rules');
    return json.data.groups;
  }

  /** GET /loki/api/v1/rules: the rule store's content as YAML (namespace → groups); '' when empty. */
  async rulesYaml(): Promise<string> {
    const response = await fetch(`${this.url}/loki/api/v1/rules`, { headers: this.headers() });
    const text = await response.text();
    if (response.status === 404) return '';
    if (response.status !== 200) throw new LokiHttpError('GET /loki/api/v1/rules', response.status, text);
    return text;
  }

  async getText(path: string): Promise<string> {
    const response = await fetch(`${this.url}${path}`, { headers: this.headers() });
    const text = await response.text();
    if (response.status !== 200) throw new LokiHttpError(`GET ${path}`, response.status, text);
    return text;
  }

  async getJson<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: this.headers() });
    const text = await response.text();
    if (response.status !== 200) throw new LokiHttpError(`GET ${path}`, response.status, text);
    return JSON.parse(text) as T;
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what` and the last state. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  const state = options.describe ? await options.describe() : '';
  const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
  throw new Error(`timed out waiting for ${what}${cause}${state ? `\n${state}` : ''}`);
}
