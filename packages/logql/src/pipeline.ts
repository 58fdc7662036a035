/**
 * Compiles pipeline stages (line filters, parsers, label filters, formatters, drop/keep) into
 * functions over a mutable log entry. Semantics follow Loki's pkg/logql/log.
 */
import type { CompareOp, DropKeepItem, LabelFilter, LabelMatcher, LineFilter, PipelineStage } from './ast.ts';
import { compileIpLineMatcher } from './ip.ts';
import { literalMatcher } from './literal-search.ts';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, PRESERVE_ERROR_LABEL, type LabelsBuilder } from './labels.ts';
import {
  makeJsonExpressionParser,
  makeLogfmtParser,
  makePatternParser,
  makePatternTest,
  makeRegexpParser,
  unpackLine,
} from './parsers.ts';
import { parseJsonLine } from './json-flatten.ts';
import { compileGoRegex } from './regex.ts';
import { compileTemplate, parseGoDurationMs, TemplateError } from './template.ts';
import { parseBytes } from './units.ts';

export interface EntryState {
  ts: bigint;
  line: string;
  labels: LabelsBuilder;
}

/** Returns false to drop the entry. */
export type StageFn = (e: EntryState) => boolean;

/** Stages that never write to the entry (line filters, string/ip label filters): safe on shared state. */
export const pureStages = new WeakSet<StageFn>();

function isPureLabelFilter(f: LabelFilter): boolean {
  if (f.kind === 'and' || f.kind === 'or') return isPureLabelFilter(f.left) && isPureLabelFilter(f.right);
  return f.kind === 'matcher' || f.kind === 'ip';
}

const ERR_LABEL_FILTER = 'LabelFilterErr';
const ERR_TEMPLATE = 'TemplateFormatErr';

export function compileMatcher(m: LabelMatcher): (value: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = compileGoRegex(m.value, true);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = compileGoRegex(m.value, true);
      return (v) => !re.test(v);
    }
  }
}

function compileLineFilter(f: LineFilter): (line: string) => boolean {
  const positive = f.op === '|=' || f.op === '|~' || f.op === '|>';
  const tests = f.values.map((v): ((line: string) => boolean) => {
    if (v.kind === 'ip') return compileIpLineMatcher(v.value);
    if (f.op === '|=' || f.op === '!=') {
      const s = v.value;
      return s === '' ? () => true : literalMatcher(s);
    }
    if (f.op === '|~' || f.op === '!~') {
      const re = compileGoRegex(v.value, false);
      return (line) => re.test(line);
    }
    return makePatternTest(v.value);
  });
  if (positive) {
    if (tests.length === 1) return tests[0]!;
    return (line) => tests.some((t) => t(line));
  }
  // Loki: `!= "a" or "b"` is `!= "a" != "b"` (pkg/logql/syntax/ast.go newOrLineFilterExpr).
  if (tests.length === 1) {
    const t = tests[0]!;
    return (line) => !t(line);
  }
  return (line) => !tests.some((t) => t(line));
}

/** Go's strconv.ParseFloat accepted forms. */
export function parseGoFloat(s: string): number | undefined {
  // Fast path: plain decimal integers (status codes, counts).
  let digits = s.length > 0 && s.length < 16;
  for (let i = 0; digits && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) digits = false;
  }
  if (digits) return Number(s);
  if (/^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?$/.test(s)) {
    if (s.includes('_')) return undefined;
    return Number(s);
  }
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?0x[0-9a-f]+(?:\.[0-9a-f]*)?p[+-]?\d+$/i.test(s)) return undefined;
  return undefined;
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '!=':
      return a !== b;
    case '=':
    case '==':
      return a === b;
  }
}

export function compileLabelFilter(f: LabelFilter): (e: EntryState) => boolean {
  switch (f.kind) {
    case 'and': {
      const l = compileLabelFilter(f.left);
      const r = compileLabelFilter(f.right);
      // Loki evaluates both sides of `and` (the right side may set an error label).
      return (e) => {
        const a = l(e);
        const b = r(e);
        return a && b;
      };
    }
    case 'or': {
      const l = compileLabelFilter(f.left);
      const r = compileLabelFilter(f.right);
      return (e) => l(e) || r(e);
    }
    case 'matcher': {
      const name = f.matcher.name;
      const test = compileMatcher(f.matcher);
      if (name === ERROR_LABEL) return (e) => test(e.labels.err);
      // The common forms without a nested matcher call (stage functions are called per line and rule).
      const value = f.matcher.value;
      if (f.matcher.op === '=') return (e) => (e.labels.get(name) ?? '') === value;
      if (f.matcher.op === '!=') return (e) => (e.labels.get(name) ?? '') !== value;
      return (e) => test(e.labels.get(name) ?? '');
    }
    case 'ip': {
      // log/ip.go IPLabelFilter: true when an error is already set, false when the label is
      // missing (for = and !=); otherwise the value is searched for addresses like a line.
      const test = compileIpLineMatcher(f.cidr);
      const name = f.name;
      const eq = f.op === '=';
      return (e) => {
        if (e.labels.err !== '') return true;
        const v = e.labels.get(name);
        if (v === undefined) return false;
        return eq ? test(v) : !test(v);
      };
    }
    case 'number':
    case 'duration':
    case 'bytes': {
      const name = f.name;
      const want = f.kind === 'number' ? f.value : f.kind === 'duration' ? f.seconds : f.bytes;
      const conv =
        f.kind === 'number' ? parseGoFloat : f.kind === 'duration' ? goDurationSeconds : parseBytes;
      const what =
        f.kind === 'number'
          ? 'strconv.ParseFloat'
          : f.kind === 'duration'
            ? 'time: invalid duration'
            : 'bytes';
      return (e) => {
        const v = e.labels.get(name);
        if (v === undefined) return false;
        const x = conv(v);
        if (x === undefined) {
          if (e.labels.err === '') e.labels.setErr(ERR_LABEL_FILTER, conversionError(what, v));
          return true;
        }
        return compare(f.op, x, want);
      };
    }
  }
}

function conversionError(what: string, v: string): string {
  if (what === 'strconv.ParseFloat')
    return `strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`;
  if (what === 'time: invalid duration') return `time: invalid duration ${JSON.stringify(v)}`;
  return `strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`;
}

function goDurationSeconds(v: string): number | undefined {
  const ms = parseGoDurationMs(v);
  return ms === undefined ? undefined : ms / 1000;
}

// stripansi's expression (what Loki's decolorize uses).
const ansi =
  /[\u001B\u009B][[\]()#;?]*(?:(?:(?:[a-zA-Z\d]*(?:;[a-zA-Z\d]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PRZcf-ntqry=><~]))/g;

function compileDrop(items: DropKeepItem[]): StageFn {
  const compiled = items.map((it) => ({
    name: it.name,
    test: it.matcher ? compileMatcher(it.matcher) : undefined,
  }));
  return (e) => {
    const l = e.labels;
    for (const { name, test } of compiled) {
      if (name === ERROR_LABEL) {
        if (!test || test(l.err)) l.err = '';
        continue;
      }
      if (name === ERROR_DETAILS_LABEL) {
        if (!test || test(l.errDetails)) l.errDetails = '';
        continue;
      }
      if (test) {
        if (test(l.get(name) ?? '')) l.del(name);
      } else if (l.get(name) !== undefined) l.del(name);
    }
    return true;
  };
}

function compileKeep(items: DropKeepItem[]): StageFn {
  const compiled = items.map((it) => ({
    name: it.name,
    test: it.matcher ? compileMatcher(it.matcher) : undefined,
  }));
  return (e) => {
    const all = e.labels.toLabels();
    for (const name of Object.keys(all)) {
      if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL || name === PRESERVE_ERROR_LABEL) continue;
      const value = all[name]!;
      const keep = compiled.some((k) => (k.test ? k.name === name && k.test(value) : k.name === name));
      if (!keep) e.labels.del(name);
    }
    return true;
  };
}

export function compileStage(stage: PipelineStage): StageFn {
  switch (stage.kind) {
    case 'lineFilter': {
      const f = stage.filter;
      const only = f.values.length === 1 ? f.values[0]! : undefined;
      let fn: StageFn;
      if (f.op === '|=' && only?.kind !== 'ip' && only?.value) {
        // The common `|= "text"`, with one call less.
        const includes = literalMatcher(only.value);
        fn = (e) => includes(e.line);
      } else {
        const test = compileLineFilter(f);
        fn = (e) => test(e.line);
      }
      pureStages.add(fn);
      return fn;
    }
    case 'json': {
      if (stage.params.length === 0)
        return (e) => {
          parseJsonLine(e.line, e.labels);
          return true;
        };
      const p = makeJsonExpressionParser(stage.params);
      return (e) => {
        p(e.line, e.labels);
        return true;
      };
    }
    case 'logfmt': {
      const p = makeLogfmtParser(stage.strict, stage.keepEmpty, stage.params);
      return (e) => {
        p(e.line, e.labels);
        return true;
      };
    }
    case 'regexp': {
      const p = makeRegexpParser(stage.pattern);
      return (e) => {
        p(e.line, e.labels);
        return true;
      };
    }
    case 'pattern': {
      const p = makePatternParser(stage.pattern);
      return (e) => {
        p(e.line, e.labels);
        return true;
      };
    }
    case 'unpack':
      return (e) => {
        e.line = unpackLine(e.line, e.labels);
        return true;
      };
    case 'labelFilter': {
      // A fresh function per compile, so it can be registered as pure without a wrapper.
      const fn: StageFn = compileLabelFilter(stage.filter);
      if (isPureLabelFilter(stage.filter)) pureStages.add(fn);
      return fn;
    }
    case 'lineFormat': {
      const tpl = compileTemplate(stage.template);
      const key = tpl.simpleKey;
      if (key !== undefined)
        return (e) => {
          e.line = e.labels.get(key) ?? '';
          return true;
        };
      return (e) => {
        try {
          e.line = tpl.execute({ data: e.labels.toTemplateData(), line: e.line, timestampNs: e.ts });
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          e.labels.setErr(ERR_TEMPLATE, err.message);
        }
        return true;
      };
    }
    case 'labelFormat': {
      const seen = new Set<string>();
      for (const op of stage.ops) {
        if (op.dst === ERROR_LABEL) throw new TemplateError(`${ERROR_LABEL} cannot be formatted`);
        if (seen.has(op.dst))
          throw new TemplateError(`multiple label name '${op.dst}' not allowed in a single format operation`);
        seen.add(op.dst);
      }
      const ops = stage.ops.map((op) => ({
        dst: op.dst,
        rename: op.rename,
        tpl: op.template !== undefined ? compileTemplate(op.template) : undefined,
      }));
      return (e) => {
        let data: Record<string, string> | undefined;
        for (const op of ops) {
          if (op.rename !== undefined) {
            const v = e.labels.get(op.rename);
            if (v !== undefined) {
              e.labels.setParsed(op.dst, v);
              e.labels.del(op.rename);
              // setParsed after del would be undone by del when names are equal; Loki sets then deletes too.
            }
            continue;
          }
          // Loki fills the template data map once, at the first template of the stage.
          if (!data) data = e.labels.toTemplateData();
          try {
            e.labels.setParsed(op.dst, op.tpl!.execute({ data, line: e.line, timestampNs: e.ts }));
          } catch (err) {
            if (!(err instanceof TemplateError)) throw err;
            e.labels.setErr(ERR_TEMPLATE, err.message);
          }
        }
        return true;
      };
    }
    case 'decolorize':
      return (e) => {
        e.line = e.line.replace(ansi, '');
        return true;
      };
    case 'drop':
      return compileDrop(stage.items);
    case 'keep':
      return compileKeep(stage.items);
  }
}

export function compilePipeline(stages: PipelineStage[]): StageFn[] {
  return stages.map(compileStage);
}
