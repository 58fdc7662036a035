// The rule packs as bundled into the plugin (generated into src/generated/packs.ts at build time).

/** One rule in Loki ruler (Prometheus rule-group) form: what is POSTed to the ruler. */
export interface PackRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PackRuleGroup {
  name: string;
  interval?: string;
  limit?: number;
  rules: PackRule[];
}

export interface PackSource {
  id: string;
  description: string;
  /** Default stream selector from the pack manifest. */
  selector: string;
  /** LogQL the source-health check runs: the selector, narrowed to the source's events when it shares one. */
  healthQuery: string;
}

export interface BundledPack {
  name: string;
  version: string;
  description: string;
  sources: PackSource[];
  groups: PackRuleGroup[];
}
