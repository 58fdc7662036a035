/**
 * Builds the typed AST from the tree of `@grafana/lezer-logql` (the grammar Grafana's query
 * editor uses). The grammar's binary-operator precedences do not match Loki's, so chains of
 * binary operators are flattened and re-associated with Loki's precedence table
 * (pkg/logql/syntax/syntax.y: or < and/unless < comparisons < +,- < *,/,% < ^ (right)).
 */
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import type {
  BinaryExpr,
  BinaryOp,
  CompareOp,
  DropKeepItem,
  Expr,
  ExtractionParam,
  Grouping,
  LabelFilter,
  LabelFormatOp,
  LabelMatcher,
  LineFilter,
  LineFilterOp,
  LineFilterValue,
  LogSelectorExpr,
  MatchOp,
  PipelineStage,
  RangeAggregationExpr,
  RangeOp,
  SampleExpr,
  Unwrap,
  VectorMatching,
  VectorOp,
} from './ast.ts';
import { LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';
import { compileGoRegex } from './regex.ts';
import { parseBytes, parseDurationMs, unquoteString } from './units.ts';

class Builder {
  readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  text(n: SyntaxNode): string {
    return this.src.slice(n.from, n.to);
  }

  fail(n: SyntaxNode | number, message: string): never {
    const pos = typeof n === 'number' ? n : n.from;
    const { line, column } = lineCol(this.src, pos);
    throw new LogQLSyntaxError(message, line, column);
  }

  child(n: SyntaxNode, name: string): SyntaxNode {
    const c = n.getChild(name);
    if (!c) this.fail(n, `expected ${name} in "${this.text(n)}"`);
    return c;
  }

  children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  string(n: SyntaxNode): string {
    try {
      return unquoteString(this.text(n));
    } catch (err) {
      this.fail(n, (err as Error).message);
    }
  }

  expr(n: SyntaxNode): Expr {
    // Expr → LogExpr | MetricExpr
    const inner = n.firstChild;
    if (!inner) this.fail(n, 'empty expression');
    if (inner.name === 'LogExpr') return this.logExpr(inner);
    if (inner.name === 'MetricExpr') return this.metricExpr(inner);
    this.fail(inner, `unexpected ${inner.name}`);
  }

  logExpr(n: SyntaxNode): LogSelectorExpr {
    const nested = n.getChild('LogExpr');
    if (nested) return this.logExpr(nested);
    const selector = this.child(n, 'Selector');
    const pipeline = n.getChild('PipelineExpr');
    return {
      kind: 'logSelector',
      matchers: this.selector(selector),
      stages: pipeline ? this.pipeline(pipeline) : [],
    };
  }

  selector(n: SyntaxNode): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    const walk = (m: SyntaxNode): void => {
      for (const c of this.children(m)) {
        if (c.name === 'Matchers') walk(c);
        else if (c.name === 'Matcher') out.push(this.matcher(c));
      }
    };
    walk(this.child(n, 'Matchers'));
    return out;
  }

  matcher(n: SyntaxNode): LabelMatcher {
    const [id, op, value] = this.children(n) as [SyntaxNode, SyntaxNode, SyntaxNode];
    return { name: this.text(id), op: this.text(op) as MatchOp, value: this.string(value) };
  }

  pipeline(n: SyntaxNode): PipelineStage[] {
    const out: PipelineStage[] = [];
    const walk = (p: SyntaxNode): void => {
      for (const c of this.children(p)) {
        if (c.name === 'PipelineExpr') walk(c);
        else if (c.name === 'PipelineStage') out.push(...this.stage(c));
      }
    };
    walk(n);
    return out;
  }

  stage(n: SyntaxNode): PipelineStage[] {
    const first = n.firstChild!;
    if (first.name === 'LineFilters')
      return this.lineFilters(first).map((filter) => ({ kind: 'lineFilter', filter }));
    const body = first.nextSibling;
    if (!body) this.fail(n, 'empty pipeline stage');
    switch (body.name) {
      case 'LabelParser': {
        const kw = body.firstChild!;
        switch (kw.name) {
          case 'Json':
            return [{ kind: 'json', params: [] }];
          case 'Unpack':
            return [{ kind: 'unpack' }];
          case 'Regexp':
            return [{ kind: 'regexp', pattern: this.string(this.child(body, 'String')) }];
          case 'Pattern':
            return [{ kind: 'pattern', pattern: this.string(this.child(body, 'String')) }];
        }
        return this.fail(kw, `unknown parser ${this.text(kw)}`);
      }
      case 'JsonExpressionParser':
        return [
          { kind: 'json', params: this.extractionParams(this.child(body, 'LabelExtractionExpressionList')) },
        ];
      case 'LogfmtParser':
      case 'LogfmtExpressionParser': {
        const flags = body.getChild('LogfmtParserFlags');
        const flagTexts = flags ? flags.getChildren('ParserFlag').map((f) => this.text(f)) : [];
        const list = body.getChild('LabelExtractionExpressionList');
        return [
          {
            kind: 'logfmt',
            strict: flagTexts.includes('--strict'),
            keepEmpty: flagTexts.includes('--keep-empty'),
            params: list ? this.extractionParams(list) : [],
          },
        ];
      }
      case 'LabelFilter':
        return [{ kind: 'labelFilter', filter: this.labelFilter(body) }];
      case 'LineFormatExpr':
        return [{ kind: 'lineFormat', template: this.string(this.child(body, 'String')) }];
      case 'LabelFormatExpr':
        return [{ kind: 'labelFormat', ops: this.labelFormat(this.child(body, 'LabelsFormat')) }];
      case 'DecolorizeExpr':
        return [{ kind: 'decolorize' }];
      case 'DropLabelsExpr':
        return [{ kind: 'drop', items: this.dropKeep(this.child(body, 'DropLabels'), 'DropLabel') }];
      case 'KeepLabelsExpr':
        return [{ kind: 'keep', items: this.dropKeep(this.child(body, 'KeepLabels'), 'KeepLabel') }];
    }
    return this.fail(body, `unknown pipeline stage ${body.name}`);
  }

  lineFilters(n: SyntaxNode): LineFilter[] {
    const out: LineFilter[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'LineFilters') out.push(...this.lineFilters(c));
      else if (c.name === 'LineFilter') out.push(this.lineFilter(c));
      else if (c.name === 'OrFilter') {
        // `LineFilter or OrFilter` at the LineFilters level: append to the last filter.
        out[out.length - 1]!.values.push(...this.orFilter(c));
      }
    }
    return out;
  }

  lineFilter(n: SyntaxNode): LineFilter {
    const filter = this.child(n, 'Filter');
    const op = this.text(filter) as LineFilterOp;
    const values: LineFilterValue[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'String') values.push({ kind: 'string', value: this.string(c) });
      else if (c.name === 'FilterOp') values.push({ kind: 'ip', value: '' });
      else if (c.name === 'OrFilter') values.push(...this.orFilter(c));
    }
    // `Filter FilterOp "(" String ")"`: the String after FilterOp is the ip() argument.
    if (n.getChild('FilterOp')) {
      const s = n.getChild('String');
      return { op, values: [{ kind: 'ip', value: s ? this.string(s) : '' }] };
    }
    return { op, values };
  }

  orFilter(n: SyntaxNode): LineFilterValue[] {
    const out: LineFilterValue[] = [];
    if (n.getChild('FilterOp')) {
      out.push({ kind: 'ip', value: this.string(this.child(n, 'String')) });
      return out;
    }
    for (const c of this.children(n)) {
      if (c.name === 'String') out.push({ kind: 'string', value: this.string(c) });
      else if (c.name === 'OrFilter') out.push(...this.orFilter(c));
    }
    return out;
  }

  extractionParams(n: SyntaxNode): ExtractionParam[] {
    const out: ExtractionParam[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'LabelExtractionExpressionList') out.push(...this.extractionParams(c));
      else if (c.name === 'LabelExtractionExpression') {
        const id = this.text(this.child(c, 'Identifier'));
        const s = c.getChild('String');
        out.push({ label: id, expression: s ? this.string(s) : undefined });
      }
    }
    return out;
  }

  labelFilter(n: SyntaxNode): LabelFilter {
    const kids = this.children(n);
    if (kids.length === 1) {
      const k = kids[0]!;
      switch (k.name) {
        case 'LabelFilter':
          return this.labelFilter(k);
        case 'Matcher':
          return { kind: 'matcher', matcher: this.matcher(k) };
        case 'IpLabelFilter': {
          const [id, op] = this.children(k) as [SyntaxNode, SyntaxNode];
          return {
            kind: 'ip',
            name: this.text(id),
            op: this.text(op) as '=' | '!=',
            cidr: this.string(this.child(k, 'String')),
          };
        }
        case 'UnitFilter': {
          const f = k.firstChild!;
          const [id, op, v] = this.children(f) as [SyntaxNode, SyntaxNode, SyntaxNode];
          if (f.name === 'DurationFilter') {
            const ms = parseDurationMs(this.text(v));
            if (ms === undefined) this.fail(v, `invalid duration ${this.text(v)}`);
            return {
              kind: 'duration',
              name: this.text(id),
              op: this.text(op) as CompareOp,
              seconds: ms / 1000,
              text: this.text(v),
            };
          }
          const b = parseBytes(this.text(v));
          if (b === undefined) this.fail(v, `invalid bytes ${this.text(v)}`);
          return {
            kind: 'bytes',
            name: this.text(id),
            op: this.text(op) as CompareOp,
            bytes: b,
            text: this.text(v),
          };
        }
        case 'NumberFilter': {
          const [id, op, lit] = this.children(k) as [SyntaxNode, SyntaxNode, SyntaxNode];
          return {
            kind: 'number',
            name: this.text(id),
            op: this.text(op) as CompareOp,
            value: this.literal(lit),
          };
        }
      }
      return this.fail(k, `unknown label filter ${k.name}`);
    }
    // LabelFilter (And | "," | Or) LabelFilter, or "(" LabelFilter ")".
    const filters = kids.filter((k) => k.name === 'LabelFilter');
    if (filters.length === 1) return this.labelFilter(filters[0]!);
    const isOr = kids.some((k) => k.name === 'Or');
    return {
      kind: isOr ? 'or' : 'and',
      left: this.labelFilter(filters[0]!),
      right: this.labelFilter(filters[1]!),
    };
  }

  labelFormat(n: SyntaxNode): LabelFormatOp[] {
    const out: LabelFormatOp[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'LabelsFormat') out.push(...this.labelFormat(c));
      else if (c.name === 'LabelFormatMatcher') {
        const kids = this.children(c);
        const dst = this.text(kids[0]!);
        const v = kids[2]!;
        if (v.name === 'String') out.push({ dst, rename: undefined, template: this.string(v) });
        else out.push({ dst, rename: this.text(v), template: undefined });
      }
    }
    return out;
  }

  dropKeep(n: SyntaxNode, itemName: string): DropKeepItem[] {
    const out: DropKeepItem[] = [];
    for (const c of this.children(n)) {
      if (c.name === n.name) out.push(...this.dropKeep(c, itemName));
      else if (c.name === itemName) {
        const m = c.getChild('Matcher');
        if (m) {
          const matcher = this.matcher(m);
          out.push({ name: matcher.name, matcher });
        } else out.push({ name: this.text(c), matcher: undefined });
      }
    }
    return out;
  }

  literal(n: SyntaxNode): number {
    // LiteralExpr → Number | Add Number | Sub Number
    const num = this.child(n, 'Number');
    const v = parseNumber(this.text(num));
    if (v === undefined) this.fail(num, `unable to parse literal as a float: ${this.text(num)}`);
    return n.getChild('Sub') ? -v : v;
  }

  metricExpr(n: SyntaxNode): SampleExpr {
    const c = n.firstChild;
    if (!c) this.fail(n, 'empty metric expression');
    switch (c.name) {
      case 'MetricExpr':
        return this.metricExpr(c);
      case 'RangeAggregationExpr':
        return this.rangeAggregation(c);
      case 'VectorAggregationExpr':
        return this.vectorAggregation(c);
      case 'BinOpExpr':
        return this.binOp(c);
      case 'LiteralExpr':
        return { kind: 'literal', value: this.literal(c) };
      case 'VectorExpr': {
        const v = parseNumber(this.text(this.child(c, 'Number')));
        if (v === undefined) this.fail(c, 'invalid vector() argument');
        return { kind: 'vector', value: v };
      }
      case 'LabelReplaceExpr': {
        const strs = c.getChildren('String').map((s) => this.string(s));
        const expr = this.metricExpr(this.child(c, 'MetricExpr'));
        const [dst, replacement, src, regex] = strs as [string, string, string, string];
        try {
          compileGoRegex(regex, true);
        } catch (err) {
          this.fail(c, `invalid regex in label_replace: ${(err as Error).message}`);
        }
        return { kind: 'labelReplace', expr, dst, replacement, src, regex };
      }
    }
    return this.fail(c, `unexpected ${c.name}`);
  }

  grouping(n: SyntaxNode): Grouping {
    const without = n.getChild('Without') !== null;
    const labels: string[] = [];
    const walk = (l: SyntaxNode): void => {
      for (const c of this.children(l)) {
        if (c.name === 'Labels') walk(c);
        else if (c.name === 'Identifier') labels.push(this.text(c));
      }
    };
    const ls = n.getChild('Labels');
    if (ls) walk(ls);
    return { without, labels };
  }

  rangeAggregation(n: SyntaxNode): RangeAggregationExpr {
    const opNode = this.child(n, 'RangeOp');
    const op = this.text(opNode) as RangeOp;
    const numNode = n.getChild('Number');
    const param = numNode ? parseNumber(this.text(numNode)) : undefined;
    const groupingNode = n.getChild('Grouping');
    const lr = this.child(n, 'LogRangeExpr');
    const r = this.logRange(lr);
    const expr: RangeAggregationExpr = {
      kind: 'rangeAggregation',
      op,
      param,
      selector: r.selector,
      rangeMs: r.rangeMs,
      offsetMs: r.offsetMs,
      unwrap: r.unwrap,
      grouping: groupingNode ? this.grouping(groupingNode) : undefined,
    };
    if (op === 'quantile_over_time' && param === undefined)
      this.fail(n, 'quantile_over_time requires a parameter');
    if (op !== 'quantile_over_time' && param !== undefined) this.fail(n, `${op} does not take a parameter`);
    const err = validateRange(expr);
    if (err) this.fail(n, err);
    return expr;
  }

  logRange(n: SyntaxNode): {
    selector: LogSelectorExpr;
    rangeMs: number;
    offsetMs: number;
    unwrap: Unwrap | undefined;
  } {
    const nested = n.getChild('LogRangeExpr');
    if (nested) return this.logRange(nested);
    const sel = this.child(n, 'Selector');
    const pipeline = n.getChild('PipelineExpr');
    const rangeNode = this.child(n, 'Range');
    const durText = this.text(this.child(rangeNode, 'Duration'));
    const rangeMs = parseDurationMs(durText);
    if (rangeMs === undefined || rangeMs <= 0) this.fail(rangeNode, `invalid range ${durText}`);
    const offsetNode = n.getChild('OffsetExpr');
    let offsetMs = 0;
    if (offsetNode) {
      const t = this.text(this.child(offsetNode, 'Duration'));
      const o = parseDurationMs(t);
      if (o === undefined) this.fail(offsetNode, `invalid offset ${t}`);
      offsetMs = o;
    }
    const unwrapNode = n.getChild('UnwrapExpr');
    return {
      selector: {
        kind: 'logSelector',
        matchers: this.selector(sel),
        stages: pipeline ? this.pipeline(pipeline) : [],
      },
      rangeMs,
      offsetMs,
      unwrap: unwrapNode ? this.unwrap(unwrapNode) : undefined,
    };
  }

  unwrap(n: SyntaxNode): Unwrap {
    const inner = n.getChild('UnwrapExpr');
    if (inner) {
      const base = this.unwrap(inner);
      base.postFilters.push(this.labelFilter(this.child(n, 'LabelFilter')));
      return base;
    }
    const conv = n.getChild('ConvOp');
    return {
      label: this.text(this.child(n, 'Identifier')),
      conversion: conv ? (this.text(conv.firstChild!) as Unwrap['conversion']) : undefined,
      postFilters: [],
    };
  }

  vectorAggregation(n: SyntaxNode): SampleExpr {
    const op = this.text(this.child(n, 'VectorOp')) as VectorOp;
    if (!supportedVectorOps.has(op)) throw new UnsupportedQueryError(op);
    const groupingNode = n.getChild('Grouping');
    const numNode = n.getChild('Number');
    const param = numNode ? parseNumber(this.text(numNode)) : undefined;
    if ((op === 'topk' || op === 'bottomk') && param === undefined)
      this.fail(n, `parameter required for operation ${op}`);
    if (op !== 'topk' && op !== 'bottomk' && param !== undefined)
      this.fail(n, `unsupported parameter for operation ${op}`);
    if (param !== undefined && !Number.isInteger(param))
      this.fail(numNode!, `invalid parameter for ${op}: ${param}`);
    return {
      kind: 'vectorAggregation',
      op,
      param,
      grouping: groupingNode ? this.grouping(groupingNode) : { without: false, labels: [] },
      expr: this.metricExpr(this.child(n, 'MetricExpr')),
    };
  }

  /** Flattens a chain of un-parenthesised binary operations and re-associates it by Loki's precedence. */
  binOp(n: SyntaxNode): SampleExpr {
    const operands: SyntaxNode[] = [];
    const ops: { op: BinaryOp; modifier: SyntaxNode | null; at: SyntaxNode }[] = [];
    const flatten = (b: SyntaxNode): void => {
      const kids = this.children(b);
      const exprs = kids.filter((k) => k.name === 'Expr');
      const opNode = kids.find((k) => k.name !== 'Expr' && k.name !== 'BinOpModifier')!;
      const pushSide = (e: SyntaxNode): void => {
        const metric = e.firstChild;
        const inner = metric?.name === 'MetricExpr' ? metric.firstChild : null;
        if (inner && inner.name === 'BinOpExpr') flatten(inner);
        else operands.push(e);
      };
      pushSide(exprs[0]!);
      ops.push({
        op: this.text(opNode).toLowerCase() as BinaryOp,
        modifier: b.getChild('BinOpModifier'),
        at: opNode,
      });
      pushSide(exprs[1]!);
    };
    flatten(n);
    const values: SampleExpr[] = operands.map((o) => {
      const e = this.expr(o);
      if (e.kind === 'logSelector')
        this.fail(
          o,
          'log queries cannot be used in binary operations; use a range aggregation such as count_over_time',
        );
      return e;
    });
    // Precedence climbing.
    let pos = 0;
    const parseLevel = (minPrec: number): SampleExpr => {
      let lhs = values[pos]!;
      while (pos < ops.length) {
        const o = ops[pos]!;
        const prec = precedence[o.op];
        if (prec < minPrec) break;
        pos++;
        const nextMin = o.op === '^' ? prec : prec + 1;
        const rhs = parseLevel(nextMin);
        lhs = this.makeBinary(o.op, o.modifier, o.at, lhs, rhs);
      }
      return lhs;
    };
    const result = parseLevel(0);
    return result;
  }

  makeBinary(
    op: BinaryOp,
    modifier: SyntaxNode | null,
    at: SyntaxNode,
    lhs: SampleExpr,
    rhs: SampleExpr,
  ): SampleExpr {
    const returnBool = modifier?.getChild('Bool') != null;
    const matching: VectorMatching = { on: undefined, labels: [], card: 'one-to-one', include: [] };
    if (modifier) {
      const onIg = modifier.getChild('OnOrIgnoringModifier');
      if (onIg) {
        matching.on = onIg.getChild('On') !== null;
        matching.labels = this.groupingLabels(this.child(onIg, 'GroupingLabels'));
      }
      if (modifier.getChild('GroupLeft')) matching.card = 'many-to-one';
      if (modifier.getChild('GroupRight')) matching.card = 'one-to-many';
      const inc = modifier.getChild('GroupingLabels');
      if (inc) matching.include = this.groupingLabels(inc);
    }
    // Loki (syntax/ast.go mustNewBinOpExpr): set operations reject literal legs; literal-only
    // operations are folded, comparisons included (they give 0 or 1, with or without bool).
    const isSet = op === 'and' || op === 'or' || op === 'unless';
    if (isSet && lhs.kind === 'literal')
      this.fail(
        at,
        `unexpected literal for left leg of logical/set binary operation (${op}): ${lhs.value.toFixed(6)}`,
      );
    if (isSet && rhs.kind === 'literal')
      this.fail(
        at,
        `unexpected literal for right leg of logical/set binary operation (${op}): ${rhs.value.toFixed(6)}`,
      );
    if (lhs.kind === 'literal' && rhs.kind === 'literal')
      return { kind: 'literal', value: applyScalar(op, lhs.value, rhs.value) };
    const expr: BinaryExpr = { kind: 'binary', op, returnBool, matching, lhs, rhs };
    return expr;
  }

  groupingLabels(n: SyntaxNode): string[] {
    const out: string[] = [];
    const walk = (l: SyntaxNode): void => {
      for (const c of this.children(l)) {
        if (c.name === 'GroupingLabelList' || c.name === 'GroupingLabel') walk(c);
        else if (c.name === 'LabelName' || c.name === 'Identifier') out.push(this.text(c));
      }
    };
    walk(n);
    return out;
  }
}

const supportedVectorOps = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'sort',
  'sort_desc',
]);

const precedence: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '>=': 3,
  '<': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '>=' || op === '<' || op === '<=';
}

/** Scalar arithmetic with Loki's conventions (x/0 and x%0 are NaN; comparisons give 0/1). */
export function applyScalar(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? NaN : a / b;
    case '%':
      return b === 0 ? NaN : a % b;
    case '^':
      return Math.pow(a, b);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    default:
      throw new UnsupportedQueryError(`${op} between scalars`);
  }
}

function parseNumber(text: string): number | undefined {
  if (/^0x/i.test(text)) return undefined;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

function validateRange(e: RangeAggregationExpr): string | undefined {
  const groupingAllowed = [
    'avg_over_time',
    'stddev_over_time',
    'stdvar_over_time',
    'quantile_over_time',
    'max_over_time',
    'min_over_time',
    'first_over_time',
    'last_over_time',
  ];
  if (e.grouping && !groupingAllowed.includes(e.op)) return `grouping not allowed for ${e.op} aggregation`;
  if (e.unwrap) {
    const ok = [
      'avg_over_time',
      'sum_over_time',
      'max_over_time',
      'min_over_time',
      'stddev_over_time',
      'stdvar_over_time',
      'quantile_over_time',
      'rate',
      'rate_counter',
      'absent_over_time',
      'first_over_time',
      'last_over_time',
    ];
    return ok.includes(e.op) ? undefined : `invalid aggregation ${e.op} with unwrap`;
  }
  const ok = ['bytes_over_time', 'bytes_rate', 'count_over_time', 'rate', 'absent_over_time'];
  return ok.includes(e.op) ? undefined : `invalid aggregation ${e.op} without unwrap`;
}

export function lineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

/**
 * LogQL that Loki accepts but the lezer grammar (and so this engine) does not: name it instead
 * of reporting a bare syntax error.
 */
function knownGrammarGaps(query: string): void {
  const gaps: [RegExp, string, string][] = [
    [/\bapprox_topk\s*\(/, 'approx_topk', 'use topk'],
    [/\bvariants\s*\(/, 'variants(...)', 'write one query per variant'],
    [/\bcount_min_sketch\b/, 'count_min_sketch', ''],
    [
      /\|\s*unwrap\b[^[]*\[[^\]]*\]\s*offset\b/,
      'offset after an unwrap expression',
      'put "offset" right after the range',
    ],
    [
      /\|\s*[A-Za-z_]\w*\s*(=~|!~|!=|==|=|>=|<=|>|<)\s*("[^"]*"|`[^`]*`|[\w.]+)\s+[A-Za-z_]\w*\s*(=~|!~|!=|==|=|>=|<=|>|<)/,
      'space-separated label filters',
      'separate them with "," or "and"',
    ],
  ];
  for (const [re, construct, hint] of gaps)
    if (re.test(query)) throw new UnsupportedQueryError(construct, hint || undefined);
}

const cache = new Map<string, Expr>();

/** Parses a LogQL query into the typed AST. Throws LogQLSyntaxError (with line/column) on bad input. */
export function parseQuery(query: string): Expr {
  const hit = cache.get(query);
  if (hit) return hit;
  const b = new Builder(query);
  if (query.trim() === '') b.fail(0, 'syntax error: unexpected end of input');
  const tree = parser.parse(query);
  let errorAt = -1;
  tree.iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      if (node.type.isError) {
        errorAt = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (errorAt >= 0) {
    knownGrammarGaps(query);
    const near = query.slice(errorAt, errorAt + 20).split('\n')[0];
    b.fail(errorAt, near ? `syntax error: unexpected "${near}"` : 'syntax error: unexpected end of input');
  }
  const top = tree.topNode.getChild('Expr');
  if (!top) return b.fail(0, 'syntax error: not a LogQL expression');
  const expr = b.expr(top);
  if (cache.size > 5000) cache.clear();
  cache.set(query, expr);
  return expr;
}
