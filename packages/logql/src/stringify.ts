/** Renders AST pieces back to LogQL text (used by tools that rewrite stream selectors). */
import type { LabelMatcher } from './ast.ts';

export function stringifySelector(matchers: LabelMatcher[]): string {
  return '{' + matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ') + '}';
}
