/**
 * @logward/dashboards: logward's Grafana dashboards as code (foundation SDK), emitted as JSON into the
 * repository's dashboards/ directory and bundled into the Grafana app.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildBoard, type Board } from './board.ts';
import { appBoard } from './boards/app.ts';
import { k3sBoard } from './boards/k3s.ts';
import { kataBoard } from './boards/kata.ts';
import { kcpBoard } from './boards/kcp.ts';
import { overviewBoard } from './boards/overview.ts';

export {
  buildBoard,
  contentRevision,
  stringifyDashboard,
  type Board,
  type BoardAnnotation,
  type BoardRow,
} from './board.ts';
export { exploreUrl } from './panels.ts';
export { sourceSelectors, type SourceKey } from './sources.ts';
export { datasourceVariableName, type FilterVariable } from './variables.ts';
export { panelQueries, substituteVariables, type PanelQuery } from './queries.ts';

/** The dashboards in navigation order. */
export const boards: readonly Board[] = [overviewBoard, k3sBoard, kataBoard, kcpBoard, appBoard];

export interface GeneratedDashboard {
  uid: string;
  title: string;
  file: string;
  json: dashboard.Dashboard;
}

export function buildDashboards(): GeneratedDashboard[] {
  return boards.map((board) => ({
    uid: board.uid,
    title: board.title,
    file: board.file,
    json: buildBoard(board),
  }));
}
