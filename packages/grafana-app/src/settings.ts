// The app's settings, stored by Grafana as the plugin's jsonData (POST /api/plugins/<id>/settings).
// Nothing secret is needed: every call goes through Grafana's data source proxy, which adds the Loki
// data source's own credentials and tenant header, so secureJsonData stays empty.

export interface AppSettings {
  /** uid of the Loki data source the packs' logs and ruler live behind. */
  lokiDatasourceUid?: string;
  /** Loki ruler namespace the packs are installed into. */
  rulerNamespace?: string;
  /** A source with no line for this many minutes is shown as silent (red). */
  silentAfterMinutes?: number;
}

export const defaultRulerNamespace = 'logward';
/** The k3s pack's K3sAuditLogSilent uses 15 minutes too. */
export const defaultSilentAfterMinutes = 15;

export interface ResolvedSettings {
  lokiDatasourceUid: string | undefined;
  rulerNamespace: string;
  silentAfterMinutes: number;
}

export function resolveSettings(jsonData: AppSettings | undefined): ResolvedSettings {
  const minutes = Number(jsonData?.silentAfterMinutes);
  return {
    lokiDatasourceUid: jsonData?.lokiDatasourceUid || undefined,
    rulerNamespace: jsonData?.rulerNamespace?.trim() || defaultRulerNamespace,
    silentAfterMinutes: Number.isFinite(minutes) && minutes > 0 ? minutes : defaultSilentAfterMinutes,
  };
}

/** Loki ruler namespaces become URL path segments and file names: keep them to a safe alphabet. */
export function rulerNamespaceProblem(namespace: string): string | undefined {
  if (!namespace.trim()) {
    return 'A namespace is required';
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(namespace.trim())) {
    return 'Use letters, digits, ".", "_" and "-" only';
  }
  return undefined;
}
