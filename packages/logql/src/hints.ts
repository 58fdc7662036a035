/**
 * Loki's parser hints (pkg/logql/log/parser_hints.go NewParserHint). In metric queries Loki
 * tells parsers which labels the rest of the query reads; parsers then extract only those,
 * stop once all are found, skip entirely when no label is needed, and mark parser errors as
 * preserved when the query itself filters on __error__. Those shortcuts are visible in results
 * (which lines carry parse errors, whether a query fails with "pipeline error"), so the engine
 * reproduces them exactly.
 */
import type { Grouping, LabelFilter, PipelineStage, RangeAggregationExpr } from './ast.ts';
import { DUPLICATE_SUFFIX, ERROR_LABEL, type LabelsBuilder } from './labels.ts';
import { templateFields } from './template.ts';

export class ParserHints {
  /** undefined: extract everything. */
  readonly required: Set<string> | undefined;
  /** No label is read at all: parsers do not run. */
  readonly noLabels: boolean;
  /** The query filters on __error__: parser errors are kept (__preserve_error__="true"). */
  readonly preserveError: boolean;
  private readonly requiredList: string[];
  private readonly prefixCache = new Map<string, boolean>();

  constructor(required: Set<string> | undefined, noLabels: boolean) {
    this.required = required && required.size > 0 ? required : undefined;
    this.noLabels = noLabels;
    this.preserveError = this.required?.has(ERROR_LABEL) ?? false;
    this.requiredList = this.required ? [...this.required] : [];
  }

  /** Loki's NoLabels(): nothing to extract, or every required label was already extracted. */
  skipParsing(lbs: LabelsBuilder): boolean {
    return this.noLabels || this.allRequiredExtracted(lbs);
  }

  allRequiredExtracted(lbs: LabelsBuilder): boolean {
    if (!this.required) return false;
    for (const r of this.requiredList) if (!lbs.wasExtracted(r)) return false;
    return true;
  }

  shouldExtract(key: string): boolean {
    return !this.required || this.required.has(key);
  }

  shouldExtractPrefix(prefix: string): boolean {
    if (!this.required) return true;
    let ok = this.prefixCache.get(prefix);
    if (ok === undefined) {
      ok = this.requiredList.some((r) => r.startsWith(prefix));
      if (this.prefixCache.size < 10000) this.prefixCache.set(prefix, ok);
    }
    return ok;
  }
}

function filterNames(f: LabelFilter, out: string[]): void {
  if (f.kind === 'and' || f.kind === 'or') {
    filterNames(f.left, out);
    filterNames(f.right, out);
  } else if (f.kind === 'matcher') out.push(f.matcher.name);
  else out.push(f.name);
}

/** Loki's Stage.RequiredLabelNames(). */
export function stageRequiredLabels(stage: PipelineStage): string[] {
  const out: string[] = [];
  switch (stage.kind) {
    case 'labelFilter':
      filterNames(stage.filter, out);
      break;
    case 'lineFormat':
      out.push(...templateFields(stage.template));
      break;
    case 'labelFormat':
      for (const op of stage.ops) {
        if (op.rename !== undefined) out.push(op.rename);
        else out.push(...templateFields(op.template!));
      }
      break;
    default:
      break;
  }
  return out;
}

/** NewParserHint for a range aggregation's sample extractor (syntax/extractor.go + log/parser_hints.go). */
export function hintsForRangeAggregation(
  expr: RangeAggregationExpr,
  inject: Grouping | undefined,
): ParserHints {
  const grouping = expr.grouping ?? inject;
  let groups = grouping ? [...grouping.labels] : [];
  let without = grouping?.without ?? false;
  let noLabels = grouping !== undefined && !grouping.without && grouping.labels.length === 0;
  if (expr.op === 'absent_over_time') noLabels = true;
  const required: string[] = [];
  for (const st of expr.selector.stages) required.push(...stageRequiredLabels(st));
  let metricLabel = '';
  if (expr.unwrap) {
    for (const f of expr.unwrap.postFilters) filterNames(f, required);
    metricLabel = expr.unwrap.label;
    // LabelExtractorWithStages: no grouping (or without) drops the unwrapped label.
    if (groups.length === 0 || without) {
      without = true;
      groups = [...groups, metricLabel];
    }
  }
  const hints = new Set<string>();
  const add = (l: string): void => {
    if (l === '') return;
    hints.add(l);
    if (l.endsWith(DUPLICATE_SUFFIX)) hints.add(l.slice(0, -DUPLICATE_SUFFIX.length));
  };
  required.forEach(add);
  groups.forEach(add);
  add(metricLabel);
  if (noLabels) {
    if (hints.size > 0) return new ParserHints(hints, false);
    return new ParserHints(undefined, true);
  }
  if (without || groups.length === 0) return new ParserHints(undefined, false);
  return new ParserHints(hints, false);
}
