/** The typed LogQL syntax tree `parseQuery` returns. Plain data: safe to serialize and compare. */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** One line filter; `values` holds the `or` alternatives (`|= "a" or "b"`). */
export interface LineFilter {
  op: LineFilterOp;
  values: LineFilterValue[];
}

export type LineFilterValue = { kind: 'string'; value: string } | { kind: 'ip'; value: string };

export type CompareOp = '>' | '>=' | '<' | '<=' | '!=' | '=' | '==';

export type LabelFilter =
  | { kind: 'and'; left: LabelFilter; right: LabelFilter }
  | { kind: 'or'; left: LabelFilter; right: LabelFilter }
  | { kind: 'matcher'; matcher: LabelMatcher }
  | { kind: 'ip'; name: string; op: '=' | '!='; cidr: string }
  | { kind: 'number'; name: string; op: CompareOp; value: number }
  | { kind: 'duration'; name: string; op: CompareOp; seconds: number; text: string }
  | { kind: 'bytes'; name: string; op: CompareOp; bytes: number; text: string };

export interface ExtractionParam {
  label: string;
  /** The JSON path or logfmt key; undefined means "the label's own name". */
  expression: string | undefined;
}

export interface LabelFormatOp {
  dst: string;
  /** `dst=src` renames; `dst="template"` renders. */
  rename: string | undefined;
  template: string | undefined;
}

export interface DropKeepItem {
  name: string;
  matcher: LabelMatcher | undefined;
}

export type PipelineStage =
  | { kind: 'lineFilter'; filter: LineFilter }
  | { kind: 'json'; params: ExtractionParam[] }
  | { kind: 'logfmt'; strict: boolean; keepEmpty: boolean; params: ExtractionParam[] }
  | { kind: 'regexp'; pattern: string }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'unpack' }
  | { kind: 'labelFilter'; filter: LabelFilter }
  | { kind: 'lineFormat'; template: string }
  | { kind: 'labelFormat'; ops: LabelFormatOp[] }
  | { kind: 'decolorize' }
  | { kind: 'drop'; items: DropKeepItem[] }
  | { kind: 'keep'; items: DropKeepItem[] };

export interface LogSelectorExpr {
  kind: 'logSelector';
  matchers: LabelMatcher[];
  stages: PipelineStage[];
}

export type RangeOp =
  | 'count_over_time'
  | 'rate'
  | 'bytes_over_time'
  | 'bytes_rate'
  | 'absent_over_time'
  | 'sum_over_time'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'stddev_over_time'
  | 'stdvar_over_time'
  | 'quantile_over_time'
  | 'first_over_time'
  | 'last_over_time'
  | 'rate_counter';

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface Unwrap {
  label: string;
  conversion: 'bytes' | 'duration' | 'duration_seconds' | undefined;
  postFilters: LabelFilter[];
}

export interface RangeAggregationExpr {
  kind: 'rangeAggregation';
  op: RangeOp;
  /** quantile_over_time's φ. */
  param: number | undefined;
  selector: LogSelectorExpr;
  rangeMs: number;
  offsetMs: number;
  unwrap: Unwrap | undefined;
  grouping: Grouping | undefined;
}

export type VectorOp =
  'sum' | 'avg' | 'min' | 'max' | 'count' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'sort' | 'sort_desc';

export interface VectorAggregationExpr {
  kind: 'vectorAggregation';
  op: VectorOp;
  param: number | undefined;
  grouping: Grouping;
  expr: SampleExpr;
}

export type BinaryOp =
  'or' | 'and' | 'unless' | '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '>' | '>=' | '<' | '<=';

export interface VectorMatching {
  /** undefined: match on all labels. */
  on: boolean | undefined;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  include: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  returnBool: boolean;
  matching: VectorMatching;
  lhs: SampleExpr;
  rhs: SampleExpr;
}

export interface LiteralExpr {
  kind: 'literal';
  value: number;
}

export interface VectorExpr {
  kind: 'vector';
  value: number;
}

export interface LabelReplaceExpr {
  kind: 'labelReplace';
  expr: SampleExpr;
  dst: string;
  replacement: string;
  src: string;
  regex: string;
}

export type SampleExpr =
  RangeAggregationExpr | VectorAggregationExpr | BinaryExpr | LiteralExpr | VectorExpr | LabelReplaceExpr;

export type Expr = LogSelectorExpr | SampleExpr;
