// Alert label and annotation templates, rendered like Loki's ruler renders them: Loki hands alerting
// rules to Prometheus' rules package, which expands Go text/template with Prometheus' function map
// and the `$labels`/`$value`/`$externalLabels`/`$externalURL` shorthands. This is the subset of Go
// templates that rule files use; anything else is rejected when the rule file loads, so a template
// never fails silently at alert time.
import { formatFloatG, formatValue, sprintf, type GoValue } from './go-format.ts';
import { parsePromDuration } from './duration.ts';

export class AlertTemplateError extends Error {
  override name = 'AlertTemplateError';
}

/** The data an alert template sees (Prometheus `template.AlertTemplateData`). */
export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; otherwise: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] };

interface Pipeline {
  decl: string[];
  assign: boolean; // `=` rather than `:=`
  commands: Command[];
}
interface Command {
  operands: Operand[];
  /** Offset of the command's first token in the template text, and the command as Go prints it. */
  pos: number;
  text: string;
}
type Operand =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'var'; name: string; fields: string[] }
  | { kind: 'func'; name: string }
  | { kind: 'literal'; value: GoValue }
  | { kind: 'nil' }
  | { kind: 'sub'; pipe: Pipeline; fields: string[] };

// ---------------------------------------------------------------------------------------------
// Lexing

interface Token {
  kind: 'ident' | 'var' | 'field' | 'string' | 'number' | 'op';
  text: string;
  value?: GoValue;
  /** Offset in the whole template text where the token starts. */
  pos: number;
}

function lexAction(src: string, base: number): Token[] {
  const raw: Omit<Token, 'pos'>[] = [];
  const starts: number[] = [];
  const tokens = {
    push(t: Omit<Token, 'pos'>) {
      raw.push(t);
      starts.push(base + currentStart);
    },
  };
  let currentStart = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    currentStart = i;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    if (src.startsWith(':=', i)) {
      tokens.push({ kind: 'op', text: ':=' });
      i += 2;
      continue;
    }
    if (c === '=') {
      tokens.push({ kind: 'op', text: '=' });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new AlertTemplateError('unterminated quoted string');
      const raw = src.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\'/g, "'")) as string;
      } catch {
        throw new AlertTemplateError(`bad string literal ${raw}`);
      }
      tokens.push({ kind: 'string', text: raw, value });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new AlertTemplateError('unterminated raw quoted string');
      tokens.push({ kind: 'string', text: src.slice(i, j + 1), value: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const number =
      /^[+-]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(
        src.slice(i),
      );
    if (number && (c !== '.' || /\d/.test(src[i + 1] ?? ''))) {
      const text = number[0].replace(/_/g, '');
      const isInt = /^[+-]?(0[xX][0-9a-fA-F]+|\d+)$/.test(text);
      tokens.push({ kind: 'number', text, value: isInt ? BigInt(text) : Number(text) });
      i += number[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'var', text: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '.') {
      const m = /^\.[A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'field', text: m[0] });
      i += m[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      i += ident[0].length;
      continue;
    }
    if (c === "'") throw new AlertTemplateError('character constants are not supported');
    throw new AlertTemplateError(`unexpected "${c}" in action`);
  }
  return raw.map((t, k) => ({ ...t, pos: starts[k]! }));
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Item = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; source: string };

function splitTemplate(text: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= text.length) {
    const open = text.indexOf('{{', i);
    let chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    if (trimNext) chunk = chunk.replace(/^\s+/, '');
    if (open < 0) {
      if (chunk) items.push({ kind: 'text', text: chunk });
      break;
    }
    const trimLeft = /^\{\{- /.test(text.slice(open)) || /^\{\{-\s/.test(text.slice(open));
    if (trimLeft) chunk = chunk.replace(/\s+$/, '');
    if (chunk) items.push({ kind: 'text', text: chunk });
    let bodyStart = open + (trimLeft ? 3 : 2);
    // Comments may contain "}}"-free text only, as in Go.
    const close = text.indexOf('}}', bodyStart);
    if (close < 0) throw new AlertTemplateError('unclosed action (missing "}}")');
    let bodyEnd = close;
    trimNext = false;
    if (/\s-$/.test(text.slice(bodyStart, close))) {
      bodyEnd = close - 1;
      trimNext = true;
    }
    const untrimmed = text.slice(bodyStart, bodyEnd);
    const body = untrimmed.trim();
    const bodyOffset = bodyStart + (untrimmed.length - untrimmed.trimStart().length);
    bodyStart = close + 2;
    i = bodyStart;
    if (body.startsWith('/*')) {
      if (!body.endsWith('*/')) throw new AlertTemplateError('unclosed comment');
      continue;
    }
    items.push({ kind: 'action', tokens: lexAction(body, bodyOffset), source: body });
  }
  return items;
}

// Functions the Loki ruler offers and logward renders; see callFunction.
const supportedFunctions = new Set([
  'and',
  'or',
  'not',
  'len',
  'index',
  'print',
  'printf',
  'println',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'html',
  'js',
  'urlquery',
  'humanize',
  'humanize1024',
  'humanizeDuration',
  'humanizePercentage',
  'humanizeTimestamp',
  'title',
  'toUpper',
  'toLower',
  'match',
  'reReplaceAll',
  'stripPort',
  'stripDomain',
  'parseDuration',
  'safeHtml',
  'externalURL',
  'pathPrefix',
  'args',
]);
// Functions Loki has but an offline evaluation cannot give the same answer for.
const unsupportedFunctions: Record<string, string> = {
  query: 'it runs a query against the ruler at alert time',
  first: 'it works on query results',
  label: 'it works on query results',
  value: 'it works on query results',
  strvalue: 'it works on query results',
  sortByLabel: 'it works on query results',
  graphLink: 'it links to the Prometheus UI',
  tableLink: 'it links to the Prometheus UI',
  toTime: 'logward templates have no time values',
  slice: 'logward templates have no slices',
  call: 'logward templates have no function values',
};

/** Variables in scope while parsing: Go's parser rejects a use of an undeclared variable. */
class VariableScopes {
  readonly stack: Set<string>[] = [new Set(['$'])];
  push(): void {
    this.stack.push(new Set());
  }
  pop(): void {
    this.stack.pop();
  }
  declare(names: string[]): void {
    for (const name of names) this.stack[this.stack.length - 1]!.add(name);
  }
  check(name: string): void {
    if (this.stack.some((scope) => scope.has(name))) return;
    // Loki's ruler validates templates with $labels, $externalLabels and $value only (pkg/ruler
    // compat.go testTemplateParsing), so a rule file using $externalURL never loads in Loki.
    const hint =
      name === '$externalURL'
        ? " (Loki's ruler rejects rule files that use it; the externalURL function works)"
        : '';
    throw new AlertTemplateError(`undefined variable "${name}"${hint}`);
  }
}

class Parser {
  pos = 0;
  readonly items: Item[];
  readonly scopes = new VariableScopes();
  readonly source: string;
  constructor(items: Item[], source: string) {
    this.items = items;
    this.source = source;
  }

  parseList(terminators: string[]): { nodes: Node[]; end: string; rest: Token[] } {
    const nodes: Node[] = [];
    while (this.pos < this.items.length) {
      const item = this.items[this.pos++]!;
      if (item.kind === 'text') {
        nodes.push({ kind: 'text', text: item.text });
        continue;
      }
      const [first, ...rest] = item.tokens;
      if (!first) throw new AlertTemplateError('missing value for command');
      if (first.kind === 'ident' && (first.text === 'end' || first.text === 'else')) {
        if (!terminators.includes(first.text)) throw new AlertTemplateError(`unexpected {{${first.text}}}`);
        return { nodes, end: first.text, rest };
      }
      if (
        first.kind === 'ident' &&
        (first.text === 'if' || first.text === 'with' || first.text === 'range')
      ) {
        nodes.push(this.parseControl(first.text, rest));
        continue;
      }
      if (
        first.kind === 'ident' &&
        ['define', 'template', 'block', 'break', 'continue'].includes(first.text)
      ) {
        throw new AlertTemplateError(`{{${first.text}}} is not supported in alert templates`);
      }
      const pipe = parsePipeline(item.tokens, this.scopes, this.source);
      if (!pipe.assign) this.scopes.declare(pipe.decl);
      nodes.push({ kind: 'action', pipe });
    }
    if (terminators.length) throw new AlertTemplateError('unexpected EOF (missing {{end}})');
    return { nodes, end: '', rest: [] };
  }

  parseControl(keyword: 'if' | 'with' | 'range', tokens: Token[]): Node {
    // Variables declared in an if/with/range pipeline live until its {{end}}.
    this.scopes.push();
    const pipe = parsePipeline(tokens, this.scopes, this.source);
    if (!pipe.assign) this.scopes.declare(pipe.decl);
    const body = this.parseList(['end', 'else']);
    let otherwise: Node[] = [];
    if (body.end === 'else') {
      const [next, ...rest] = body.rest;
      if (
        next &&
        next.kind === 'ident' &&
        (next.text === 'if' || next.text === 'with') &&
        keyword !== 'range'
      ) {
        // `{{else if x}}` is sugar for `{{else}}{{if x}}...{{end}}{{end}}`, sharing the final {{end}}.
        otherwise = [this.parseControl(next.text, rest)];
      } else {
        if (body.rest.length) throw new AlertTemplateError('unexpected tokens after {{else}}');
        const tail = this.parseList(['end']);
        otherwise = tail.nodes;
      }
    }
    this.scopes.pop();
    if (keyword === 'range') return { kind: 'range', pipe, body: body.nodes, otherwise };
    return { kind: keyword, pipe, then: body.nodes, otherwise };
  }
}

function parsePipeline(tokens: Token[], scopes: VariableScopes, source: string): Pipeline {
  let pos = 0;
  const decl: string[] = [];
  let assign = false;
  // Declarations: `$x :=`, `$i, $e :=`, `$x =`.
  const declEnd = tokens.findIndex((t) => t.kind === 'op' && (t.text === ':=' || t.text === '='));
  if (
    declEnd > 0 &&
    tokens.slice(0, declEnd).every((t) => t.kind === 'var' || (t.kind === 'op' && t.text === ','))
  ) {
    for (const t of tokens.slice(0, declEnd)) if (t.kind === 'var') decl.push(t.text);
    assign = tokens[declEnd]!.text === '=';
    if (assign) for (const name of decl) scopes.check(name);
    pos = declEnd + 1;
  }
  const commands: Command[] = [];
  let current: Operand[] = [];
  let currentStart = pos;
  const finish = (endIndex: number): Command => {
    const first = tokens[currentStart]!;
    const last = tokens[endIndex - 1]!;
    const text = source
      .slice(first.pos, last.pos + last.text.length)
      .replace(/\s+/g, ' ')
      .trim();
    return { operands: current, pos: first.pos, text };
  };
  const take = (): Operand => {
    const t = tokens[pos++]!;
    let operand: Operand;
    if (t.kind === 'op' && t.text === '(') {
      let depth = 1;
      const start = pos;
      while (pos < tokens.length && depth > 0) {
        const u = tokens[pos++]!;
        if (u.kind === 'op' && u.text === '(') depth++;
        if (u.kind === 'op' && u.text === ')') depth--;
      }
      if (depth !== 0) throw new AlertTemplateError('unclosed left paren');
      operand = {
        kind: 'sub',
        pipe: parsePipeline(tokens.slice(start, pos - 1), scopes, source),
        fields: [],
      };
    } else if (t.kind === 'field') {
      operand = { kind: 'dot', fields: t.text === '.' ? [] : [t.text.slice(1)] };
    } else if (t.kind === 'var') {
      scopes.check(t.text);
      operand = { kind: 'var', name: t.text, fields: [] };
    } else if (t.kind === 'string' || t.kind === 'number') {
      operand = { kind: 'literal', value: t.value };
    } else if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') operand = { kind: 'literal', value: t.text === 'true' };
      else if (t.text === 'nil') operand = { kind: 'nil' };
      else {
        if (unsupportedFunctions[t.text]) {
          throw new AlertTemplateError(
            `function "${t.text}" is not supported by logward (${unsupportedFunctions[t.text]})`,
          );
        }
        if (!supportedFunctions.has(t.text)) throw new AlertTemplateError(`function "${t.text}" not defined`);
        operand = { kind: 'func', name: t.text };
      }
    } else {
      throw new AlertTemplateError(`unexpected "${t.text}" in operand`);
    }
    // Field chains directly attached: `$labels.instance`, `(...).x`, `.Labels.job`.
    while (pos < tokens.length && tokens[pos]!.kind === 'field' && tokens[pos]!.text !== '.') {
      if (operand.kind === 'func' || operand.kind === 'literal' || operand.kind === 'nil') break;
      operand.fields.push(tokens[pos++]!.text.slice(1));
    }
    return operand;
  };
  while (pos < tokens.length) {
    const t = tokens[pos]!;
    if (t.kind === 'op' && t.text === '|') {
      if (!current.length) throw new AlertTemplateError('missing command before "|"');
      commands.push(finish(pos));
      current = [];
      pos++;
      currentStart = pos;
      continue;
    }
    if (t.kind === 'op' && (t.text === ')' || t.text === ',' || t.text === ':=' || t.text === '=')) {
      throw new AlertTemplateError(`unexpected "${t.text}" in command`);
    }
    current.push(take());
  }
  if (!current.length) throw new AlertTemplateError('missing value for command');
  commands.push(finish(pos));
  for (const [index, { operands }] of commands.entries()) {
    if (index > 0 && operands[0]!.kind !== 'func' && operands.length === 1 && operands[0]!.kind !== 'sub') {
      throw new AlertTemplateError('non executable command in pipeline stage ' + (index + 1));
    }
  }
  return { decl, assign, commands };
}

// ---------------------------------------------------------------------------------------------
// Execution

type Value = GoValue | RootData;
class RootData {
  readonly data: AlertTemplateData;
  constructor(data: AlertTemplateData) {
    this.data = data;
  }
}

function toMap(record: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(record));
}

function field(receiver: Value, name: string): Value {
  if (receiver instanceof RootData) {
    switch (name) {
      case 'Labels':
        return toMap(receiver.data.labels);
      case 'ExternalLabels':
        return toMap(receiver.data.externalLabels);
      case 'ExternalURL':
        return receiver.data.externalURL;
      case 'Value':
        return receiver.data.value;
      default:
        throw new AlertTemplateError(`can't evaluate field ${name} in type template.AlertTemplateData`);
    }
  }
  // Prometheus expands alert templates with missingkey=zero: a missing label is "" (checked against Loki 3.7).
  if (receiver instanceof Map) return receiver.get(name) ?? '';
  if (receiver === undefined) throw new AlertTemplateError(`nil pointer evaluating interface {}.${name}`);
  throw new AlertTemplateError(`can't evaluate field ${name} in type ${typeof receiver}`);
}

function truthy(v: Value): boolean {
  if (v === undefined || v === false || v === '' || v === 0 || v === 0n) return false;
  if (v instanceof Map) return v.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function toFloat(v: Value, fn: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const n = Number(v.trim());
    if (v.trim() === '' || (Number.isNaN(n) && !/^[+-]?nan$/i.test(v.trim()))) {
      throw new AlertTemplateError(`error calling ${fn}: strconv.ParseFloat: parsing "${v}": invalid syntax`);
    }
    return n;
  }
  throw new AlertTemplateError(`error calling ${fn}: can't convert ${formatValue(v as GoValue)} to float`);
}

function str(v: Value, fn: string, position: number): string {
  if (typeof v === 'string') return v;
  if (v === undefined) throw new AlertTemplateError(`error calling ${fn}: invalid value; expected string`);
  throw new AlertTemplateError(
    `wrong type for value; expected string; got ${typeof v} (argument ${position} of ${fn})`,
  );
}

function compareValues(fn: string, a: Value, b: Value): number {
  const goType = (v: Value) =>
    typeof v === 'bigint'
      ? 'int'
      : typeof v === 'number'
        ? 'float64'
        : typeof v === 'string'
          ? 'string'
          : typeof v === 'boolean'
            ? 'bool'
            : 'interface {}';
  if (goType(a) !== goType(b)) {
    throw new AlertTemplateError(
      `error calling ${fn}: incompatible types for comparison: ${goType(a)} and ${goType(b)}`,
    );
  }
  if (typeof a === 'boolean' && fn !== 'eq' && fn !== 'ne') {
    throw new AlertTemplateError(`error calling ${fn}: invalid type for comparison`);
  }
  if (typeof a !== 'string' && typeof a !== 'number' && typeof a !== 'bigint' && typeof a !== 'boolean') {
    throw new AlertTemplateError(`error calling ${fn}: invalid type for comparison`);
  }
  return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
}

function humanizeWith(v: number, base: number, big: string[], small: string[] | undefined): string {
  if (v === 0 || !Number.isFinite(v)) return formatFloatG(v, 4);
  let prefix = '';
  if (Math.abs(v) >= 1 || !small) {
    for (const p of big) {
      if (Math.abs(v) < base) break;
      prefix = p;
      v /= base;
    }
    return formatFloatG(v, 4) + prefix;
  }
  for (const p of small) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return formatFloatG(v, 4) + prefix;
}

const smallPrefixes = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatFloatG(v, 4);
  if (v === 0) return formatFloatG(v, 4) + 's';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatFloatG(v, 4)}s`;
  }
  let prefix = '';
  for (const p of smallPrefixes) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatFloatG(v, 4)}${prefix}s`;
}

function humanizeTimestamp(v: number): string {
  if (!Number.isFinite(v)) return formatFloatG(v, 4);
  // Prometheus' floatToTime goes through model.Time, which has millisecond precision.
  const ms = BigInt(Math.trunc(v * 1e9)) / 1_000_000n;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime()))
    throw new AlertTemplateError('error calling humanizeTimestamp: timestamp out of range');
  const millis = Number(((ms % 1000n) + 1000n) % 1000n);
  const base = date.toISOString().slice(0, 19).replace('T', ' ');
  const frac = millis ? '.' + String(millis).padStart(3, '0').replace(/0+$/, '') : '';
  return `${base}${frac} +0000 UTC`;
}

/** Go's strings.ToUpper/ToLower map rune by rune: a rune without a one-rune case mapping (ß) stays. */
function mapRunes(text: string, upper: boolean): string {
  let out = '';
  for (const c of text) {
    const mapped = upper ? c.toUpperCase() : c.toLowerCase();
    out += [...mapped].length === 1 ? mapped : c;
  }
  return out;
}

const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** Prometheus' title: cases.Title(language.AmericanEnglish, cases.NoLower): first letter of each word. */
function titleCase(text: string): string {
  let out = '';
  for (const { segment, isWordLike } of wordSegmenter.segment(text)) {
    if (!isWordLike) {
      out += segment;
      continue;
    }
    let done = false;
    for (const c of segment) {
      if (!done && c.toUpperCase() !== c.toLowerCase()) {
        out += mapRunes(c, true);
        done = true;
      } else {
        out += c;
      }
    }
  }
  return out;
}

function goRegExp(pattern: string, fn: string, flags = ''): RegExp {
  try {
    // Go's RE2 syntax and JavaScript's agree on what alert templates use; (?P<name>) needs rewriting.
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch (error) {
    throw new AlertTemplateError(`error calling ${fn}: ${(error as Error).message}`);
  }
}

function callFunction(name: string, args: Value[], root: RootData): Value {
  const arity = (n: number) => {
    if (args.length !== n)
      throw new AlertTemplateError(`wrong number of args for ${name}: want ${n} got ${args.length}`);
  };
  const goArgs = args as GoValue[];
  switch (name) {
    case 'and': {
      let last: Value = undefined;
      for (const a of args) {
        last = a;
        if (!truthy(a)) return a as GoValue;
      }
      return last as GoValue;
    }
    case 'or': {
      let last: Value = undefined;
      for (const a of args) {
        last = a;
        if (truthy(a)) return a as GoValue;
      }
      return last as GoValue;
    }
    case 'not':
      arity(1);
      return !truthy(args[0]);
    case 'len': {
      arity(1);
      const a = args[0];
      if (typeof a === 'string') return BigInt(Buffer.byteLength(a));
      if (a instanceof Map) return BigInt(a.size);
      if (Array.isArray(a)) return BigInt(a.length);
      throw new AlertTemplateError(`error calling len: len of type ${typeof a}`);
    }
    case 'index': {
      let cur = args[0];
      for (const key of args.slice(1)) {
        if (cur instanceof Map) cur = cur.get(str(key, 'index', 2)) ?? '';
        else if (Array.isArray(cur) && typeof key === 'bigint') cur = cur[Number(key)];
        else throw new AlertTemplateError(`error calling index: cannot index ${typeof cur}`);
      }
      return cur as GoValue;
    }
    case 'print':
      // fmt.Sprint adds spaces between operands when neither is a string.
      return goArgs.reduce<string>((out, a, i) => {
        const sep = i > 0 && typeof a !== 'string' && typeof goArgs[i - 1] !== 'string' ? ' ' : '';
        return out + sep + formatValue(a);
      }, '');
    case 'println':
      return goArgs.map(formatValue).join(' ') + '\n';
    case 'printf':
      if (!args.length)
        throw new AlertTemplateError('wrong number of args for printf: want at least 1 got 0');
      return sprintf(str(args[0], 'printf', 1), goArgs.slice(1));
    case 'eq': {
      if (args.length < 2) throw new AlertTemplateError('missing argument for comparison');
      return args.slice(1).some((b) => compareValues('eq', args[0], b) === 0);
    }
    case 'ne':
      arity(2);
      return compareValues('ne', args[0], args[1]) !== 0;
    case 'lt':
      arity(2);
      return compareValues('lt', args[0], args[1]) < 0;
    case 'le':
      arity(2);
      return compareValues('le', args[0], args[1]) <= 0;
    case 'gt':
      arity(2);
      return compareValues('gt', args[0], args[1]) > 0;
    case 'ge':
      arity(2);
      return compareValues('ge', args[0], args[1]) >= 0;
    case 'html':
    case 'safeHtml': {
      const text = goArgs.map(formatValue).join('');
      if (name === 'safeHtml') return text;
      return text.replace(
        /[&'<>"\0]/g,
        (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!,
      );
    }
    case 'js':
      // Go's template.JSEscapeString.
      return goArgs
        .map(formatValue)
        .join('')
        .replace(/[\\'"<>&=]/g, (c) =>
          c === '\\' || c === "'" || c === '"'
            ? `\\${c}`
            : `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
        );
    case 'urlquery':
      return encodeURIComponent(goArgs.map(formatValue).join('')).replace(/%20/g, '+');
    case 'humanize':
      arity(1);
      return humanizeWith(
        toFloat(args[0], name),
        1000,
        ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'],
        smallPrefixes,
      );
    case 'humanize1024':
      arity(1);
      return humanizeWith(
        toFloat(args[0], name),
        1024,
        ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'],
        undefined,
      );
    case 'humanizeDuration':
      arity(1);
      return humanizeDuration(toFloat(args[0], name));
    case 'humanizePercentage':
      arity(1);
      return formatFloatG(toFloat(args[0], name) * 100, 4) + '%';
    case 'humanizeTimestamp':
      arity(1);
      return humanizeTimestamp(toFloat(args[0], name));
    case 'title':
      arity(1);
      return titleCase(str(args[0], name, 1));
    case 'toUpper':
      arity(1);
      return mapRunes(str(args[0], name, 1), true);
    case 'toLower':
      arity(1);
      return mapRunes(str(args[0], name, 1), false);
    case 'match':
      arity(2);
      return goRegExp(str(args[0], name, 1), name).test(str(args[1], name, 2));
    case 'reReplaceAll': {
      arity(3);
      const re = goRegExp(str(args[0], name, 1), name, 'g');
      // Go expands $1 and ${1}; JavaScript's replace understands $1, so rewrite ${name} forms.
      const replacement = str(args[1], name, 2).replace(/\$\{(\w+)\}/g, (_m, g: string) =>
        /^\d+$/.test(g) ? `$${g}` : `$<${g}>`,
      );
      return str(args[2], name, 3).replace(re, replacement);
    }
    case 'stripPort': {
      arity(1);
      const host = str(args[0], name, 1);
      const bracketed = /^\[([^\]]+)\]:\d*$/.exec(host);
      if (bracketed) return bracketed[1]!;
      const m = /^([^:]*):\d*$/.exec(host);
      return m ? m[1]! : host;
    }
    case 'stripDomain': {
      arity(1);
      const hostPort = str(args[0], name, 1);
      const m = /^([^:[\]]*)(:\d+)?$/.exec(hostPort);
      if (!m || /^\d+\.\d+\.\d+\.\d+$/.test(m[1]!)) return hostPort;
      return m[1]!.split('.')[0]! + (m[2] ?? '');
    }
    case 'parseDuration': {
      arity(1);
      try {
        return parsePromDuration(str(args[0], name, 1)) / 1000;
      } catch (error) {
        throw new AlertTemplateError(`error calling parseDuration: ${(error as Error).message}`);
      }
    }
    case 'externalURL':
      arity(0);
      return root.data.externalURL;
    case 'pathPrefix':
      arity(0);
      try {
        return new URL(root.data.externalURL).pathname.replace(/\/$/, '');
      } catch {
        return '';
      }
    case 'args':
      return new Map(goArgs.map((a, i) => [`arg${i}`, formatValue(a)]));
    default:
      throw new AlertTemplateError(`function "${name}" not defined`);
  }
}

class LocatedTemplateError extends AlertTemplateError {
  constructor(message: string, location: string) {
    super(`${location}: ${message}`);
  }
}

class Executor {
  readonly root: RootData;
  readonly scopes: Map<string, Value>[];
  readonly text: string;
  readonly name: string;
  out = '';
  constructor(root: RootData, text: string, name: string) {
    this.text = text;
    this.name = name;
    this.root = root;
    this.scopes = [new Map<string, Value>([['$', root]])];
  }

  lookup(name: string): Value {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i]!.has(name)) return this.scopes[i]!.get(name);
    }
    throw new AlertTemplateError(`undefined variable: ${name}`);
  }

  assign(name: string, value: Value, declare: boolean): void {
    if (declare) {
      this.scopes[this.scopes.length - 1]!.set(name, value);
      return;
    }
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i]!.has(name)) {
        this.scopes[i]!.set(name, value);
        return;
      }
    }
    throw new AlertTemplateError(`undefined variable: ${name}`);
  }

  run(nodes: Node[], dot: Value): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          const value = this.pipeline(node.pipe, dot);
          if (!node.pipe.decl.length) this.out += formatValue(value as GoValue);
          break;
        }
        case 'if':
        case 'with': {
          this.scopes.push(new Map());
          const value = this.pipeline(node.pipe, dot);
          if (truthy(value)) this.run(node.then, node.kind === 'with' ? value : dot);
          else this.run(node.otherwise, dot);
          this.scopes.pop();
          break;
        }
        case 'range': {
          this.scopes.push(new Map());
          const value = this.pipeline({ ...node.pipe, decl: [] }, dot);
          const entries: [Value, Value][] =
            value instanceof Map
              ? [...value.keys()].sort().map((k) => [k, value.get(k)])
              : Array.isArray(value)
                ? value.map((v, i) => [BigInt(i), v])
                : typeof value === 'bigint'
                  ? Array.from({ length: Number(value) }, (_, i) => [BigInt(i), BigInt(i)])
                  : [];
          if (
            value !== undefined &&
            !(value instanceof Map) &&
            !Array.isArray(value) &&
            typeof value !== 'bigint'
          ) {
            throw new AlertTemplateError(`range can't iterate over ${formatValue(value as GoValue)}`);
          }
          if (!entries.length) this.run(node.otherwise, dot);
          for (const [key, element] of entries) {
            const [first, second] = node.pipe.decl;
            if (second !== undefined) {
              this.assign(first!, key, true);
              this.assign(second, element, true);
            } else if (first !== undefined) {
              this.assign(first, element, true);
            }
            this.run(node.body, element);
          }
          this.scopes.pop();
          break;
        }
      }
    }
  }

  pipeline(pipe: Pipeline, dot: Value): Value {
    let value: Value = undefined;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.command(command, dot, piped ? [value] : []);
      piped = true;
    }
    for (const name of pipe.decl) this.assign(name, value, !pipe.assign);
    return value;
  }

  operand(op: Operand, dot: Value): Value {
    let value: Value;
    let fields: string[] = [];
    switch (op.kind) {
      case 'dot':
        value = dot;
        fields = op.fields;
        break;
      case 'var':
        value = this.lookup(op.name);
        fields = op.fields;
        break;
      case 'literal':
        return op.value;
      case 'nil':
        throw new AlertTemplateError('nil is not a command');
      case 'sub':
        value = this.pipeline(op.pipe, dot);
        fields = op.fields;
        break;
      case 'func':
        return callFunction(op.name, [], this.root);
    }
    for (const name of fields) value = field(value, name);
    return value;
  }

  command(command: Command, dot: Value, piped: Value[]): Value {
    const [head, ...rest] = command.operands;
    try {
      if (head!.kind === 'func') {
        const args = rest.map((op) => this.operand(op, dot));
        return callFunction(head!.name, [...args, ...piped], this.root);
      }
      if (rest.length || piped.length) throw new AlertTemplateError("can't give argument to non-function");
      return this.operand(head!, dot);
    } catch (error) {
      if (!(error instanceof AlertTemplateError) || error instanceof LocatedTemplateError) throw error;
      throw new LocatedTemplateError(error.message, this.location(command));
    }
  }

  /** Go's ErrorContext for the command: `template: <name>:<line>:<col>: executing "<name>" at <cmd>`. */
  location(command: Command): string {
    // Offsets count from the start of the user's text after Prometheus' runtime definitions
    // ({{$labels := .Labels}}...{{$value := .Value}}, 112 bytes, with $externalURL).
    const userOffset = Buffer.byteLength(this.text.slice(definitionsLength, command.pos));
    const before = this.text.slice(definitionsLength, command.pos);
    const newline = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const column =
      newline < 0 ? runtimeDefinitionsBytes + userOffset : Buffer.byteLength(before.slice(newline + 1));
    const name = `__alert_${this.name}`;
    return `template: ${name}:${line}:${column}: executing "${name}" at <${command.text}>`;
  }
}

// Prometheus prepends these so users can write `$labels` rather than `.Labels` (the set Loki's
// ruler validates templates with; Prometheus also has $externalURL, which Loki rejects at load).
const prometheusDefinitions =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$value := .Value}}';
const definitionsLength = prometheusDefinitions.length;
const runtimeDefinitionsBytes =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}'
    .length;

/** A parsed alert template. `compileAlertTemplate` throws AlertTemplateError for anything Loki would reject or logward cannot render. */
export interface CompiledAlertTemplate {
  source: string;
  /** `ruleName` names the template in error messages (`__alert_<name>`), as Prometheus does. */
  render(data: AlertTemplateData, ruleName?: string): string;
}

export function compileAlertTemplate(source: string): CompiledAlertTemplate {
  const text = prometheusDefinitions + source;
  const nodes = new Parser(splitTemplate(text), text).parseList([]).nodes;
  return {
    source,
    render(data, name = '') {
      const executor = new Executor(new RootData(data), text, name);
      executor.run(nodes, executor.root);
      return executor.out;
    },
  };
}

/**
 * Renders like Prometheus' rule evaluation does: an execution error does not drop the alert, it
 * becomes the text `<error expanding template: ...>`.
 */
export function expandAlertTemplate(
  template: CompiledAlertTemplate,
  data: AlertTemplateData,
  ruleName = '',
): string {
  if (!template.source.includes('{{')) return template.source;
  try {
    return template.render(data, ruleName);
  } catch (error) {
    return `<error expanding template: error executing template __alert_${ruleName}: ${(error as Error).message}>`;
  }
}
