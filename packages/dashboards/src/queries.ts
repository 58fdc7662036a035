// The LogQL in generated dashboard JSON, and the substitution Grafana would do before sending it, so
// tests and tools can parse, lint and evaluate exactly what a panel runs.

export interface PanelQuery {
  dashboardUid: string;
  /** Panel title, or "annotation: <name>". */
  where: string;
  refId: string;
  expr: string;
  /** 'instant' for table/stat targets, 'range' otherwise (log panels and annotations included). */
  queryType: 'instant' | 'range';
  /** A log query (no metric aggregation) as a log panel or annotation runs it. */
  panelType: string;
}

interface JsonTarget {
  refId?: string;
  expr?: string;
  queryType?: string;
}

/** Every Loki query of a dashboard: panel targets and annotation queries. */
export function panelQueries(json: {
  uid?: string;
  panels?: { title?: string; type?: string; targets?: JsonTarget[] }[];
  annotations?: { list?: { name?: string; expr?: string; target?: JsonTarget }[] };
}): PanelQuery[] {
  const uid = json.uid ?? '';
  const out: PanelQuery[] = [];
  for (const panel of json.panels ?? []) {
    for (const t of panel.targets ?? []) {
      if (!t.expr) continue;
      out.push({
        dashboardUid: uid,
        where: panel.title ?? '',
        refId: t.refId ?? '',
        expr: t.expr,
        queryType: t.queryType === 'instant' ? 'instant' : 'range',
        panelType: panel.type ?? '',
      });
    }
  }
  for (const a of json.annotations?.list ?? []) {
    const expr = a.target?.expr ?? a.expr;
    if (!expr) continue;
    out.push({
      dashboardUid: uid,
      where: `annotation: ${a.name ?? ''}`,
      refId: a.target?.refId ?? 'Anno',
      expr,
      queryType: 'range',
      panelType: 'annotation',
    });
  }
  return out;
}

/** Grafana's interval variables, replaced by one duration (Loki accepts any of them in a range). */
const intervalVariables = ['__auto', '__interval', '__range', '__rate_interval'];

/**
 * Replace Grafana variables ($name, ${name}, ${name:format}) by literal values. Interval variables
 * become `interval` (default 5m); every other variable must be in `values`, else this throws, so a
 * typo in a panel cannot slip through as literal text.
 */
export function substituteVariables(expr: string, values: Record<string, string>, interval = '5m'): string {
  return expr.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced, bare) => {
      const name = (braced ?? bare) as string;
      if (intervalVariables.includes(name)) return interval;
      const value = values[name];
      if (value === undefined) throw new Error(`unknown variable ${match} in: ${expr}`);
      return value;
    },
  );
}
