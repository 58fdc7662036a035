// Panel helpers over the foundation SDK builders: every panel and target reads the Loki data source
// variable, metric panels use $__auto ranges (Grafana picks the step), tables and stats use $__range
// (one row or number for the whole time picker range), and log panels link to Explore.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/loki';
import { PanelBuilder as LogsPanelBuilder } from '@grafana/grafana-foundation-sdk/logs';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as PieChartPanelBuilder } from '@grafana/grafana-foundation-sdk/piechart';
import {
  GraphDrawStyle,
  LogsSortOrder,
  StackingConfigBuilder,
  StackingMode,
} from '@grafana/grafana-foundation-sdk/common';
import { QueryEditorMode } from '@grafana/grafana-foundation-sdk/loki';
import { datasourceVariableName, lokiDatasource } from './variables.ts';

type PanelBuilder = cog.Builder<dashboard.Panel>;

export interface Target {
  expr: string;
  legend?: string;
}

function target(refId: string, t: Target, kind: 'range' | 'instant'): DataqueryBuilder {
  const q = new DataqueryBuilder()
    .refId(refId)
    .datasource(lokiDatasource)
    .expr(t.expr)
    .editorMode(QueryEditorMode.Code);
  if (t.legend) q.legendFormat(t.legend);
  if (kind === 'instant') q.queryType('instant').instant(true).range(false);
  else q.queryType('range').range(true).instant(false);
  return q;
}

const refIds = 'ABCDEFGHIJ';

/** A data link is { title, url } in field config; the SDK types it as a dashboard link builder. */
function fieldLink(title: string, url: string): cog.Builder<dashboard.DashboardLink> {
  return { build: () => ({ title, url, targetBlank: false }) as unknown as dashboard.DashboardLink };
}

/**
 * An Explore URL (Grafana >= 10 "panes" format) for `expr` over the dashboard's time range. Variables
 * stay as ${name:percentencode} so Grafana fills and URL-encodes them when the link is clicked.
 */
export function exploreUrl(expr: string): string {
  const placeholder = (i: number) => `\u0000${i}\u0000`;
  const tokens: string[] = [];
  // Pull the variables out before encoding, so that `$` and braces of variable syntax survive.
  const withPlaceholders = expr.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => {
    tokens.push(`\${${name}:percentencode}`);
    return placeholder(tokens.length - 1);
  });
  const panes = {
    a: {
      datasource: `\u0000ds\u0000`,
      queries: [{ refId: 'A', expr: withPlaceholders, datasource: { type: 'loki', uid: `\u0000ds\u0000` } }],
      range: { from: '\u0000from\u0000', to: '\u0000to\u0000' },
    },
  };
  let encoded = encodeURIComponent(JSON.stringify(panes).replace(/\\u0000/g, '\u0000'));
  encoded = encoded
    .replaceAll(encodeURIComponent('\u0000ds\u0000'), `\${${datasourceVariableName}}`)
    .replaceAll(encodeURIComponent('\u0000from\u0000'), '${__from}')
    .replaceAll(encodeURIComponent('\u0000to\u0000'), '${__to}');
  tokens.forEach((token, i) => {
    encoded = encoded.replaceAll(encodeURIComponent(placeholder(i)), token);
  });
  return `/explore?schemaVersion=1&orgId=\${__org}&panes=${encoded}`;
}

export interface PanelSpec {
  title: string;
  description: string;
  /** Grid width (of 24) and height. */
  w?: number;
  h?: number;
}

export function timeseries(spec: PanelSpec & { targets: Target[]; unit?: string }): PanelBuilder {
  const p = new TimeseriesPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(lokiDatasource)
    .span(spec.w ?? 12)
    .height(spec.h ?? 8)
    .unit(spec.unit ?? 'short')
    .min(0);
  spec.targets.forEach((t, i) => p.withTarget(target(refIds[i]!, t, 'range')));
  return p;
}

export function barsOverTime(spec: PanelSpec & { targets: Target[] }): PanelBuilder {
  // Counts per interval read better as stacked bars than as lines.
  const p = timeseries(spec) as TimeseriesPanelBuilder;
  p.drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return p;
}

export function table(spec: PanelSpec & { expr: string; sortBy?: string }): PanelBuilder {
  const p = new TablePanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(lokiDatasource)
    .span(spec.w ?? 12)
    .height(spec.h ?? 8)
    .withTarget(target('A', { expr: spec.expr }, 'instant'))
    // Instant vectors arrive as one frame per series; the reducer turns them into one row per series.
    .withTransformation({
      id: 'reduce',
      options: { reducers: ['lastNotNull'], mode: 'seriesToRows', labelsToFields: true },
    })
    .withTransformation({
      id: 'sortBy',
      options: { sort: [{ field: spec.sortBy ?? 'Last *', desc: true }] },
    });
  return p;
}

export function stat(spec: PanelSpec & { expr: string; unit?: string }): PanelBuilder {
  return new StatPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(lokiDatasource)
    .span(spec.w ?? 6)
    .height(spec.h ?? 4)
    .unit(spec.unit ?? 'short')
    .noValue('0')
    .withTarget(target('A', { expr: spec.expr }, 'instant'));
}

export function pie(spec: PanelSpec & { expr: string; legend: string }): PanelBuilder {
  return new PieChartPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(lokiDatasource)
    .span(spec.w ?? 8)
    .height(spec.h ?? 8)
    .withTarget(target('A', { expr: spec.expr, legend: spec.legend }, 'instant'));
}

export function logs(spec: PanelSpec & { expr: string }): PanelBuilder {
  return new LogsPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(lokiDatasource)
    .span(spec.w ?? 24)
    .height(spec.h ?? 10)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(LogsSortOrder.Descending)
    .withTarget(target('A', { expr: spec.expr }, 'range'))
    .dataLinks([fieldLink('Open in Explore', exploreUrl(spec.expr))]);
}
