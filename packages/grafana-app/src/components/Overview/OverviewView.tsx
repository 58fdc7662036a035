// Overview: alerts firing and pending in the Loki ruler, counted per pack and severity, the users and
// addresses they name, and the health of every pack source (time of its newest line; red when silent,
// because a stopped audit log must not look like a quiet night).
import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import {
  addressLabels,
  classifySource,
  countAlerts,
  packSources,
  severities,
  topEntities,
  userLabels,
  type SourceHealth,
} from '../../api/analysis';
import { errorMessage, fetchActiveAlerts, fetchLastLineTime, type PromAlert } from '../../api/grafanaApi';
import { bundledPacks } from '../../generated/packs';
import type { BundledPack } from '../../packs/types';
import { resolveSettings } from '../../settings';
import { usePluginMeta } from '../../utils/utils.plugin';
import { testIds } from '../testIds';
import { NotConfigured } from '../common/NotConfigured';
import { getTableStyles } from '../common/styles';

/** How far back the health check looks for a source's newest line. */
const healthLookbackMs = 24 * 3_600_000;

export interface OverviewViewProps {
  /** Injected clock (tests); defaults to the wall clock. */
  now?: () => Date;
  packs?: BundledPack[];
}

interface OverviewData {
  alerts: PromAlert[];
  alertsError?: string;
  health: SourceHealth[];
  loadedAt: Date;
}

async function loadOverview(
  dsUid: string,
  packs: BundledPack[],
  now: Date,
  silentAfterMinutes: number
): Promise<OverviewData> {
  const sources = packSources(packs);
  const [alerts, ...lastLines] = await Promise.allSettled([
    fetchActiveAlerts(dsUid),
    ...sources.map((s) => fetchLastLineTime(dsUid, s.source.healthQuery, now, healthLookbackMs)),
  ]);
  const health = sources.map((s, i): SourceHealth => {
    const result = lastLines[i] as PromiseSettledResult<Date | undefined>;
    if (result.status === 'rejected') {
      return { ...s, state: 'error', error: errorMessage(result.reason) };
    }
    return { ...s, state: classifySource(result.value, now, silentAfterMinutes), lastLine: result.value };
  });
  return {
    alerts: alerts.status === 'fulfilled' ? (alerts.value as PromAlert[]) : [],
    alertsError: alerts.status === 'rejected' ? errorMessage(alerts.reason) : undefined,
    health,
    loadedAt: now,
  };
}

function ago(from: Date, now: Date): string {
  const minutes = Math.round((now.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 120) {
    return `${minutes} min ago`;
  }
  return `${Math.round(minutes / 60)} h ago`;
}

export function OverviewView({ now = () => new Date(), packs = bundledPacks }: OverviewViewProps) {
  const meta = usePluginMeta();
  const settings = resolveSettings(meta?.jsonData);
  const styles = useStyles2(getTableStyles);
  const [data, setData] = useState<OverviewData | undefined>();
  // Bumped by the Refresh button; the effect below reloads whenever it changes.
  const [refreshes, setRefreshes] = useState(0);
  const [loadedRefresh, setLoadedRefresh] = useState(-1);
  const dsUid = settings.lokiDatasourceUid;
  const silentAfter = settings.silentAfterMinutes;

  useEffect(() => {
    if (!dsUid) {
      return;
    }
    let cancelled = false;
    loadOverview(dsUid, packs, now(), silentAfter).then((loaded) => {
      if (!cancelled) {
        setData(loaded);
        setLoadedRefresh(refreshes);
      }
    });
    return () => {
      cancelled = true;
    };
    // `now` is a clock, not data: re-running on its identity would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dsUid, packs, silentAfter, refreshes]);
  const loading = loadedRefresh !== refreshes;
  const reload = useCallback(() => setRefreshes((n) => n + 1), []);

  if (!dsUid) {
    return <NotConfigured />;
  }
  if (!data) {
    return <LoadingPlaceholder text="Loading alerts and source health" />;
  }
  const counts = countAlerts(data.alerts);
  const firing = data.alerts.filter((a) => a.state === 'firing');
  const users = topEntities(data.alerts, userLabels);
  const addresses = topEntities(data.alerts, addressLabels);
  const silent = data.health.filter((h) => h.state !== 'ok');

  return (
    <div data-testid={testIds.overview.container}>
      <div className={styles.section}>
        <Button icon="sync" variant="secondary" size="sm" onClick={reload} disabled={loading}>
          Refresh
        </Button>
      </div>
      {silent.length > 0 && (
        <Alert severity="error" title={`${silent.length} log source(s) silent or unreadable`}>
          A silent source can mean a stopped collector or an attacker who turned logging off. Check:{' '}
          {silent.map((s) => `${s.pack}/${s.source.id}`).join(', ')}
        </Alert>
      )}

      <section className={styles.section} aria-label="Alerts by pack">
        <h3>Alerts by pack and severity</h3>
        {data.alertsError && (
          <Alert severity="warning" title="Could not read alerts from the Loki ruler">
            {data.alertsError}
          </Alert>
        )}
        <table className={styles.table} data-testid={testIds.overview.alertCounts}>
          <thead>
            <tr>
              <th>Pack</th>
              {severities.map((s) => (
                <th key={s}>Firing {s}</th>
              ))}
              <th>Pending</th>
            </tr>
          </thead>
          <tbody>
            {counts.length === 0 && (
              <tr>
                <td colSpan={severities.length + 2}>No firing or pending alerts</td>
              </tr>
            )}
            {counts.map((c) => (
              <tr key={c.pack} data-testid={`alert-counts-${c.pack}`}>
                <td>{c.pack}</td>
                {severities.map((s) => (
                  <td key={s}>{c.firing[s] ?? 0}</td>
                ))}
                <td>{Object.values(c.pending).reduce((a, b) => a + b, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <div className={styles.grid}>
        <EntityTable title="Top users in alerts" testId={testIds.overview.topUsers} rows={users} />
        <EntityTable title="Top addresses in alerts" testId={testIds.overview.topAddresses} rows={addresses} />
      </div>

      <section className={styles.section} aria-label="Firing alerts">
        <h3>Firing alerts</h3>
        <table className={styles.table} data-testid={testIds.overview.firing}>
          <thead>
            <tr>
              <th>Alert</th>
              <th>Pack</th>
              <th>Severity</th>
              <th>Summary</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {firing.map((a, i) => (
              <tr key={i}>
                {/* Labels and annotations carry log-derived text: rendered as text nodes only, never as HTML. */}
                <td>{a.labels.alertname}</td>
                <td>{a.labels.pack}</td>
                <td>{a.labels.severity}</td>
                <td>{a.annotations.summary}</td>
                <td className={styles.weak}>{a.activeAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className={styles.section} aria-label="Source health">
        <h3>Source health</h3>
        <p className={styles.weak}>
          Newest line of each pack source in the last 24 h; silent after {silentAfter} minutes without a line.
        </p>
        <table className={styles.table} data-testid={testIds.overview.health}>
          <thead>
            <tr>
              <th>Pack</th>
              <th>Source</th>
              <th>Query</th>
              <th>Last line</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.health.map((h) => (
              <tr key={`${h.pack}/${h.source.id}`} data-testid={`source-health-${h.pack}-${h.source.id}`}>
                <td>{h.pack}</td>
                <td title={h.source.description}>{h.source.id}</td>
                <td className={styles.code}>{h.source.healthQuery}</td>
                <td>
                  {h.lastLine ? `${h.lastLine.toISOString()} (${ago(h.lastLine, data.loadedAt)})` : 'none in 24 h'}
                </td>
                <td>
                  {h.state === 'ok' && <Badge color="green" text="receiving" icon="check" />}
                  {h.state === 'silent' && <Badge color="red" text="silent" icon="exclamation-triangle" />}
                  {h.state === 'error' && (
                    <Badge color="orange" text={`error: ${h.error}`} icon="exclamation-triangle" />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function EntityTable({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: Array<{ value: string; alerts: number }>;
  testId: string;
}) {
  const styles = useStyles2(getTableStyles);
  return (
    <section className={styles.section} aria-label={title}>
      <h3>{title}</h3>
      <table className={styles.table} data-testid={testId}>
        <thead>
          <tr>
            <th>Value</th>
            <th>Alerts</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={2}>None</td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.value}>
              <td>{r.value}</td>
              <td>{r.alerts}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
