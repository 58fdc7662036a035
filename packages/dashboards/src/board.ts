// A dashboard definition as data (panels by row, variables, annotations) and the function that turns it
// into Grafana dashboard JSON with the foundation SDK.
import { createHash } from 'node:crypto';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
  TimePickerBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/loki';
import { datasourceVariable, lokiDatasource, type FilterVariable } from './variables.ts';

export interface BoardRow {
  title: string;
  panels: cog.Builder<dashboard.Panel>[];
}

/**
 * Alert annotations as a Loki annotation query: the log lines behind the pack's alerts, marked on
 * every time series. (Loki's ruler keeps alert state in memory and only exposes ALERTS to a
 * Prometheus it remote-writes to, and Grafana's built-in alert annotations cover Grafana-managed
 * rules only; a query over the events themselves works with nothing but the Loki data source.)
 */
export interface BoardAnnotation {
  name: string;
  expr: string;
  /** Grafana template over the stream's labels, e.g. "{{host}}". */
  titleFormat: string;
  tagKeys: string;
  color: string;
}

export interface Board {
  uid: string;
  /** File name under dashboards/ (and the app's src/dashboards/). */
  file: string;
  title: string;
  description: string;
  tags: string[];
  variables: FilterVariable[];
  rows: BoardRow[];
  annotations: BoardAnnotation[];
}

/** Stable JSON text: what is written to disk and hashed. */
export function stringifyDashboard(json: unknown): string {
  return JSON.stringify(json, null, 2) + '\n';
}

/**
 * The dashboard revision: the first 31 bits of the SHA-256 of the dashboard JSON without its revision,
 * as a positive integer. Grafana re-imports a bundled dashboard when the plugin version changes and the
 * revision differs from the imported one, so any content change must change it; the hash does that
 * without anyone remembering to bump a counter.
 */
export function contentRevision(withoutRevision: unknown): number {
  const digest = createHash('sha256').update(stringifyDashboard(withoutRevision)).digest();
  return digest.readUInt32BE(0) >>> 1 || 1;
}

export function buildBoard(board: Board): dashboard.Dashboard {
  const builder = new DashboardBuilder(board.title)
    .uid(board.uid)
    .description(board.description)
    .tags(['logward', 'security', ...board.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .refresh('1m')
    .timepicker(new TimePickerBuilder().refreshIntervals(['30s', '1m', '5m', '15m', '1h']))
    .withVariable(datasourceVariable());
  for (const v of board.variables) builder.withVariable(v.builder);
  for (const a of board.annotations) {
    builder.annotation(
      new AnnotationQueryBuilder()
        .name(a.name)
        .datasource(lokiDatasource)
        .enable(true)
        .iconColor(a.color)
        .target(new DataqueryBuilder().refId('Anno').expr(a.expr).datasource(lokiDatasource))
        .expr(a.expr)
        .titleFormat(a.titleFormat)
        .tagKeys(a.tagKeys),
    );
  }
  builder.link(
    new DashboardLinkBuilder('logward dashboards')
      .type(DashboardLinkType.Dashboards)
      .tags(['logward'])
      .asDropdown(true)
      .includeVars(true)
      .keepTime(true),
  );
  for (const row of board.rows) {
    builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  const built = builder.build();
  // Panel ids: Grafana needs them unique within the dashboard; number them in order of appearance.
  let id = 1;
  for (const panel of built.panels ?? []) (panel as { id?: number }).id = id++;
  const { revision: _ignored, ...withoutRevision } = built as dashboard.Dashboard & { revision?: number };
  return { ...withoutRevision, revision: contentRevision(withoutRevision) } as dashboard.Dashboard;
}
