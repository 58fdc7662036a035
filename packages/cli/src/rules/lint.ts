// `logward rules lint`: everything that can be wrong with a rule file before Loki sees it.
// Shape and templates come from the ruler's loader; LogQL syntax and engine support from
// @logward/logql; the rest are the pack conventions of alert-rules/FORMAT.md.
import {
  instantQuery,
  LogQLSyntaxError,
  parseQuery,
  parseRuleFile,
  UnsupportedQueryError,
  type Expr,
  type LoadedRule,
  type LogSelectorExpr,
  type Problem,
  type SourcePosition,
} from '@logward/logql';
import { readText } from '../files.ts';
import { packForRulesFile, type Pack } from '../packs.ts';

export const severities = ['info', 'warning', 'critical'] as const;
export const requiredAnnotations = ['summary', 'description', 'runbook_url'] as const;
const parserStages = new Set(['json', 'logfmt', 'regexp', 'pattern', 'unpack']);

export interface LintFinding extends Problem {
  group?: string;
  rule?: string;
}

export interface LintOptions {
  /** Pack per rules file; by default looked up from a manifest.yaml beside the file. */
  packFor?: (file: string) => Promise<Pack | undefined>;
}

/** Every selector (stream selector + pipeline) in an expression, left to right. */
export function collectSelectors(expr: Expr): LogSelectorExpr[] {
  switch (expr.kind) {
    case 'logSelector':
      return [expr];
    case 'rangeAggregation':
      return [expr.selector];
    case 'vectorAggregation':
    case 'labelReplace':
      return collectSelectors(expr.expr);
    case 'binary':
      return [...collectSelectors(expr.lhs), ...collectSelectors(expr.rhs)];
    default:
      return [];
  }
}

function matcherKey(selector: LogSelectorExpr): string {
  return selector.matchers
    .map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`)
    .sort()
    .join(',');
}

function parseSelectorMatchers(text: string): string | undefined {
  try {
    const expr = parseQuery(text);
    return expr.kind === 'logSelector' ? matcherKey(expr) : undefined;
  } catch {
    return undefined;
  }
}

/** Position of LogQL line/column `at` inside the rule's expr node. */
function positionInExpr(
  rule: LoadedRule,
  sourceLines: string[],
  at: { line: number; column: number },
): SourcePosition {
  const base = rule.exprPosition;
  if (rule.exprIsBlock) {
    const line = base.line + at.line;
    const text = sourceLines[line - 1] ?? '';
    const indent = /^\s*/.exec(text)![0].length;
    return { file: base.file, line, column: indent + at.column };
  }
  if (at.line === 1) {
    const quoted = /^['"]/.test(sourceLines[base.line - 1]?.slice(base.column - 1) ?? '');
    return { file: base.file, line: base.line, column: base.column + (quoted ? 1 : 0) + at.column - 1 };
  }
  return base;
}

export async function lintRuleFiles(files: string[], options: LintOptions = {}): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const alertNames = new Map<string, SourcePosition>();
  const packFor = options.packFor ?? packForRulesFile;
  for (const file of files) {
    const text = await readText(file);
    const lines = text.split('\n');
    const parsed = parseRuleFile(text, file);
    findings.push(...parsed.problems);
    let pack: Pack | undefined;
    try {
      pack = await packFor(file);
    } catch (error) {
      findings.push({
        file,
        line: 1,
        column: 1,
        severity: 'error',
        code: 'manifest',
        message: `pack manifest: ${(error as Error).message}`,
      });
    }
    const sourceSelectors = new Map<string, string>();
    for (const source of pack?.manifest.sources ?? []) {
      const key = parseSelectorMatchers(source.selector);
      if (key !== undefined) sourceSelectors.set(key, source.id);
    }
    for (const group of parsed.groups) {
      for (const rule of group.rules) {
        const add = (
          position: SourcePosition,
          code: string,
          message: string,
          severity: 'error' | 'warning' = 'error',
        ) => findings.push({ ...position, severity, code, message, group: group.name, rule: rule.name });
        lintExpression(rule, lines, pack, sourceSelectors, add);
        if (rule.kind !== 'alert') continue;
        const earlier = alertNames.get(rule.name);
        if (earlier) {
          add(
            rule.position,
            'duplicate-alert',
            `alert name "${rule.name}" is already used at ${earlier.file}:${earlier.line}`,
          );
        } else {
          alertNames.set(rule.name, rule.position);
        }
        lintLabelsAndAnnotations(rule, pack, add);
      }
    }
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

type AddFinding = (
  position: SourcePosition,
  code: string,
  message: string,
  severity?: 'error' | 'warning',
) => void;

function lintExpression(
  rule: LoadedRule,
  lines: string[],
  pack: Pack | undefined,
  sourceSelectors: Map<string, string>,
  add: AddFinding,
): void {
  let expr: Expr;
  try {
    expr = parseQuery(rule.expr);
  } catch (error) {
    if (error instanceof LogQLSyntaxError) {
      add(
        positionInExpr(rule, lines, error),
        'logql-syntax',
        `invalid LogQL in "${rule.name}": ${error.message}`,
      );
      return;
    }
    if (error instanceof UnsupportedQueryError) {
      add(
        rule.exprPosition,
        'logql-unsupported',
        `"${rule.name}": ${error.message}; logward scan and rules test cannot evaluate it`,
      );
      return;
    }
    throw error;
  }
  if (expr.kind === 'logSelector') {
    add(
      rule.exprPosition,
      'not-a-metric-query',
      `"${rule.name}": a log query cannot be a rule; Loki's ruler needs a metric query (e.g. count_over_time(...[5m]))`,
    );
    return;
  }
  try {
    instantQuery(rule.expr, [], new Date(0));
  } catch (error) {
    if (error instanceof UnsupportedQueryError) {
      add(
        rule.exprPosition,
        'logql-unsupported',
        `"${rule.name}": ${error.message}; logward scan and rules test cannot evaluate it`,
      );
    } else {
      add(
        rule.exprPosition,
        'logql-error',
        `"${rule.name}": the expression fails to evaluate: ${(error as Error).message}`,
      );
    }
  }
  for (const selector of collectSelectors(expr)) {
    const key = matcherKey(selector);
    const sourceId = sourceSelectors.get(key);
    const text = `{${selector.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`;
    const hasEquality = selector.matchers.some((m) => m.op === '=' && m.value !== '');
    if (!hasEquality && sourceId === undefined) {
      add(
        rule.exprPosition,
        'selector-equality',
        `"${rule.name}": stream selector ${text} has no equality matcher, so Loki must scan every stream` +
          (pack
            ? ` (only a source's declared default selector may, and ${pack.name} declares none like it)`
            : ''),
      );
    }
    if (pack && sourceId === undefined) {
      add(
        rule.exprPosition,
        'selector-not-a-source',
        `"${rule.name}": stream selector ${text} is not one of pack ${pack.name}'s source selectors (${pack.manifest.sources.map((s) => s.selector).join(', ')}), so overriding a source would not reach it`,
      );
    }
    const firstParser = selector.stages.findIndex((s) => parserStages.has(s.kind));
    if (firstParser >= 0) {
      const narrowed = selector.stages
        .slice(0, firstParser)
        .some((s) => s.kind === 'lineFilter' || s.kind === 'labelFilter');
      if (!narrowed) {
        add(
          rule.exprPosition,
          'line-filter-first',
          `"${rule.name}": | ${selector.stages[firstParser]!.kind} parses every line of ${text}; put a line filter (|= "...") before it to skip lines cheaply`,
          'warning',
        );
      }
    }
  }
}

function lintLabelsAndAnnotations(rule: LoadedRule, pack: Pack | undefined, add: AddFinding): void {
  const severity = rule.labels.severity;
  const labelsPosition =
    rule.labelPositions.severity ?? Object.values(rule.labelPositions)[0] ?? rule.position;
  if (severity === undefined) {
    add(
      labelsPosition,
      'severity',
      `alert "${rule.name}" has no severity label (one of ${severities.join(', ')})`,
    );
  } else if (!(severities as readonly string[]).includes(severity)) {
    add(
      rule.labelPositions.severity!,
      'severity',
      `alert "${rule.name}": severity "${severity}" is not one of ${severities.join(', ')}`,
    );
  }
  const packLabel = rule.labels.pack;
  if (packLabel === undefined) {
    add(
      labelsPosition,
      'pack-label',
      `alert "${rule.name}" has no pack label${pack ? ` (expected pack: ${pack.name})` : ''}`,
    );
  } else if (pack && packLabel !== pack.name) {
    add(
      rule.labelPositions.pack!,
      'pack-label',
      `alert "${rule.name}": pack label "${packLabel}" is not the pack's name "${pack.name}"`,
    );
  }
  const annotationsPosition = Object.values(rule.annotationPositions)[0] ?? rule.position;
  for (const name of requiredAnnotations) {
    if (!rule.annotations[name]?.trim()) {
      add(annotationsPosition, 'annotation', `alert "${rule.name}" has no ${name} annotation`);
    }
  }
}
