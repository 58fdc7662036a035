// Rendering a pack's rules for a particular installation. Pack rules use each source's default
// selector text verbatim (alert-rules/FORMAT.md), so overriding a source replaces that text in every
// expression and nothing else.
import { stringify } from 'yaml';
import type { LoadedRuleGroup } from './load.ts';

export interface PackSourceSelector {
  id: string;
  selector: string;
}

/** Returns the groups with every occurrence of an overridden source's default selector replaced. */
export function applySelectorOverrides(
  groups: LoadedRuleGroup[],
  sources: PackSourceSelector[],
  overrides: Record<string, string>,
): LoadedRuleGroup[] {
  for (const id of Object.keys(overrides)) {
    if (!sources.some((s) => s.id === id)) {
      throw new Error(
        `no source "${id}" to override (sources: ${sources.map((s) => s.id).join(', ') || 'none'})`,
      );
    }
  }
  const replacements = sources
    .filter((s) => overrides[s.id] !== undefined && overrides[s.id] !== s.selector)
    .map((s) => [s.selector, overrides[s.id]!] as const);
  if (!replacements.length) return groups;
  const rewrite = (expr: string) =>
    replacements.reduce((text, [from, to]) => text.split(from).join(to), expr);
  return groups.map((group) => {
    const rules = group.rules.map((rule) => ({
      ...rule,
      expr: rewrite(rule.expr),
      source: { ...rule.source, expr: rewrite(rule.expr) },
    }));
    return { ...group, rules, source: { ...group.source, rules: rules.map((r) => r.source) } };
  });
}

/** One group as the YAML body of `POST /loki/api/v1/rules/{namespace}`. */
export function serializeRuleGroup(group: LoadedRuleGroup): string {
  return stringify(group.source, { lineWidth: 0 });
}
