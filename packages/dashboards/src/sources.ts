// The packs' log sources as the dashboards read them. Each selector is the pack manifest's source
// selector text (a test compares them), followed by label-filter stages for the dashboard's variables,
// so that the stream selector a user overrides for a pack is the one the dashboards use too.

/** Default stream selectors, verbatim from alert-rules/<pack>/manifest.yaml. */
export const sourceSelectors = {
  'k3s/audit': '{job="k3s-audit"}',
  'k3s/journal': '{job="k3s"}',
  'kata/journal': '{job="kata"}',
  'kcp/otel': '{service_name=~".+"}',
  'app/otel': '{service_name=~".+"}',
} as const;

export type SourceKey = keyof typeof sourceSelectors;

/** K3s API audit log, narrowed by cluster. */
export const k3sAudit = `${sourceSelectors['k3s/audit']} | cluster=~"$cluster"`;
/** K3s component journal, narrowed by cluster and node. */
export const k3sJournal = `${sourceSelectors['k3s/journal']} | cluster=~"$cluster" | host=~"$node"`;
/** Kata runtime journal, narrowed by cluster and node. */
export const kataJournal = `${sourceSelectors['kata/journal']} | cluster=~"$cluster" | host=~"$node"`;
/**
 * OTLP records from @logward/otel and @logward/kcp. The service variable replaces the selector's
 * regex (its All value is the manifest's `.+`, so the default text is unchanged).
 */
export const otelRecords = `{service_name=~"$service"} | service_namespace=~"$namespace" | k8s_cluster_name=~"$cluster"`;
