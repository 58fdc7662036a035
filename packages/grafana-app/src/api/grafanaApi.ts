// Every HTTP call the app makes, all through Grafana's backend (getBackendSrv): the Loki ruler via
// Grafana's ruler proxy (/api/ruler, /api/prometheus) and Loki queries via the data source proxy.
import { getBackendSrv, type FetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import type { PackRuleGroup } from '../packs/types';

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value?: string;
}

export interface PromRule {
  name: string;
  query?: string;
  type?: string;
  state?: string;
  health?: string;
  lastError?: string;
  labels?: Record<string, string>;
  alerts?: PromAlert[];
}

export interface PromRuleGroup {
  name: string;
  file: string;
  rules: PromRule[];
}

/** Grafana's ruler proxy answers GET with JSON: namespace → groups. */
export type RulerConfig = Record<string, PackRuleGroup[]>;

async function request<T>(options: {
  url: string;
  method?: string;
  params?: Record<string, string>;
  data?: unknown;
}): Promise<T> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<T>({ method: 'GET', showErrorAlert: false, showSuccessAlert: false, ...options })
  );
  return response.data;
}

export function isNotFound(error: unknown): boolean {
  return (error as FetchError)?.status === 404;
}

export function errorMessage(error: unknown): string {
  const e = error as FetchError<{ message?: string; error?: string } | string>;
  if (e && typeof e === 'object' && 'status' in e) {
    const body = typeof e.data === 'string' ? e.data : (e.data?.message ?? e.data?.error);
    return `HTTP ${e.status}${body ? `: ${body}` : e.statusText ? `: ${e.statusText}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function fetchActiveAlerts(dsUid: string): Promise<PromAlert[]> {
  const body = await request<{ data?: { alerts?: PromAlert[] } }>({
    url: `/api/prometheus/${encodeURIComponent(dsUid)}/api/v1/alerts`,
  });
  return body.data?.alerts ?? [];
}

export async function fetchRuleGroups(dsUid: string): Promise<PromRuleGroup[]> {
  const body = await request<{ data?: { groups?: PromRuleGroup[] } }>({
    url: `/api/prometheus/${encodeURIComponent(dsUid)}/api/v1/rules`,
    params: { type: 'alert' },
  });
  return body.data?.groups ?? [];
}

/** The groups in one ruler namespace; a namespace Loki does not know yet is empty, not an error. */
export async function fetchRulerNamespace(dsUid: string, namespace: string): Promise<PackRuleGroup[]> {
  try {
    const body = await request<RulerConfig>({
      url: `/api/ruler/${encodeURIComponent(dsUid)}/api/v1/rules/${encodeURIComponent(namespace)}`,
    });
    return body?.[namespace] ?? [];
  } catch (error) {
    if (isNotFound(error)) {
      return [];
    }
    throw error;
  }
}

/**
 * Create or replace one rule group. Grafana's ruler proxy takes the group as JSON (as Grafana's own
 * alerting UI sends it) and writes it to Loki's POST /loki/api/v1/rules/<namespace> as YAML.
 */
export async function postRuleGroup(dsUid: string, namespace: string, group: PackRuleGroup): Promise<void> {
  await request<unknown>({
    url: `/api/ruler/${encodeURIComponent(dsUid)}/api/v1/rules/${encodeURIComponent(namespace)}`,
    method: 'POST',
    data: group,
  });
}

const nsPerMs = BigInt(1_000_000);

/**
 * Time of the newest line a LogQL log query returns within `lookbackMs` before `now` (a backward log
 * query with limit 1 through the data source proxy), or undefined when there is none.
 */
export async function fetchLastLineTime(
  dsUid: string,
  query: string,
  now: Date,
  lookbackMs: number
): Promise<Date | undefined> {
  const end = BigInt(now.getTime()) * nsPerMs;
  const start = end - BigInt(lookbackMs) * nsPerMs;
  const body = await request<{ data?: { result?: Array<{ values?: Array<[string, string]> }> } }>({
    url: `/api/datasources/proxy/uid/${encodeURIComponent(dsUid)}/loki/api/v1/query_range`,
    params: { query, limit: '1', direction: 'backward', start: start.toString(), end: end.toString() },
  });
  let newest: bigint | undefined;
  for (const stream of body.data?.result ?? []) {
    for (const [ts] of stream.values ?? []) {
      const t = BigInt(ts);
      if (newest === undefined || t > newest) {
        newest = t;
      }
    }
  }
  return newest === undefined ? undefined : new Date(Number(newest / nsPerMs));
}
