/**
 * The subset of Go text/template that Loki's line_format and label_format use
 * (pkg/logql/log/fmt.go): `{{.label}}`, pipelines (`{{ .x | ToUpper }}`), if/else if/else/end,
 * trim markers, and the common functions of Loki's function map and its sprig subset.
 * Unknown keys render as "" (Loki sets missingkey=zero). Functions and actions not
 * implemented here are rejected when the query is compiled, naming the function.
 */
import { UnsupportedQueryError } from './errors.ts';
import { compileGoRegex } from './regex.ts';
import { parseBytes, parseDurationMs } from './units.ts';

type Value = string | number | boolean | Date | null | undefined;

export interface TemplateContext {
  data: Record<string, string>;
  line: string;
  timestampNs: bigint;
}

type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipeline }
  | { t: 'if'; branches: { cond: Pipeline; body: Node[] }[]; otherwise: Node[] };

type Pipeline = Command[];
type Command = Operand[];
type Operand =
  | { t: 'field'; path: string[] }
  | { t: 'dot' }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'nil' }
  | { t: 'fn'; name: string }
  | { t: 'sub'; pipe: Pipeline };

type Fn = (ctx: TemplateContext, ...args: Value[]) => Value;

export class CompiledTemplate {
  readonly source: string;
  private readonly nodes: Node[];
  /** `{{.label}}` alone: Loki copies the label value directly (missing → empty line). */
  readonly simpleKey: string | undefined;
  constructor(source: string, nodes: Node[]) {
    this.source = source;
    this.nodes = nodes;
    const only = nodes.length === 1 ? nodes[0]! : undefined;
    if (only?.t === 'action' && only.pipe.length === 1 && only.pipe[0]!.length === 1) {
      const op = only.pipe[0]![0]!;
      if (op.t === 'field' && op.path.length === 1) this.simpleKey = op.path[0];
    }
  }

  execute(ctx: TemplateContext): string {
    let out = '';
    const run = (nodes: Node[]): void => {
      for (const n of nodes) {
        if (n.t === 'text') out += n.text;
        else if (n.t === 'action') out += printValue(evalPipe(n.pipe, ctx, undefined));
        else {
          let done = false;
          for (const b of n.branches) {
            if (truthy(evalPipe(b.cond, ctx, undefined))) {
              run(b.body);
              done = true;
              break;
            }
          }
          if (!done) run(n.otherwise);
        }
      }
    };
    run(this.nodes);
    return out;
  }
}

export class TemplateError extends Error {}

/** Field names a template reads (Loki's listNodeFields), for parser hints. */
export function templateFields(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?<![\w\d"])\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)/g)) {
    const before = source.slice(0, m.index);
    // Only inside actions.
    if (before.lastIndexOf('{{') > before.lastIndexOf('}}')) out.push(...m[1]!.split('.'));
  }
  return out;
}

const cache = new Map<string, CompiledTemplate>();

export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const tokens = tokenize(source);
  let pos = 0;
  const parseList = (stopAt: string[]): { nodes: Node[]; stop: string; stopTok: Token | undefined } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos]!;
      if (tok.t === 'text') {
        nodes.push({ t: 'text', text: tok.text });
        pos++;
        continue;
      }
      const words = tok.body.trim();
      const kw = /^(if|else|end|range|with|define|template|block|break|continue)\b/.exec(words)?.[1];
      if (kw && stopAt.includes(kw)) return { nodes, stop: kw, stopTok: tok };
      pos++;
      if (words.startsWith('/*')) continue; // comment
      if (kw === 'if') {
        const branches: { cond: Pipeline; body: Node[] }[] = [];
        let cond = parsePipeline(words.slice(2), source);
        const otherwise: Node[] = [];
        for (;;) {
          const r = parseList(['else', 'end']);
          branches.push({ cond, body: r.nodes });
          if (r.stop === 'end') {
            pos++;
            break;
          }
          if (r.stop !== 'else') throw new TemplateError(`template: unexpected EOF in if`);
          const elseBody = r.stopTok!.t === 'action' ? r.stopTok!.body.trim().slice(4).trim() : '';
          pos++;
          if (elseBody.startsWith('if')) {
            cond = parsePipeline(elseBody.slice(2), source);
            continue;
          }
          const r2 = parseList(['end']);
          otherwise.push(...r2.nodes);
          if (r2.stop !== 'end') throw new TemplateError(`template: unexpected EOF in else`);
          pos++;
          break;
        }
        nodes.push({ t: 'if', branches, otherwise });
        continue;
      }
      if (kw === 'else' || kw === 'end') throw new TemplateError(`template: unexpected {{${kw}}}`);
      if (kw) throw new UnsupportedQueryError(`template action {{${kw}}}`, `in ${JSON.stringify(source)}`);
      if (/^\$\w*\s*:?=/.test(words))
        throw new UnsupportedQueryError('template variables ($x := ...)', `in ${JSON.stringify(source)}`);
      nodes.push({ t: 'action', pipe: parsePipeline(words, source) });
    }
    return { nodes, stop: '', stopTok: undefined };
  };
  const r = parseList([]);
  const tpl = new CompiledTemplate(source, r.nodes);
  cache.set(source, tpl);
  return tpl;
}

type Token = { t: 'text'; text: string } | { t: 'action'; body: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) out.push({ t: 'text', text });
      break;
    }
    let bodyStart = open + 2;
    if (
      src.startsWith('- ', bodyStart) ||
      src.startsWith('-\t', bodyStart) ||
      src.startsWith('-\n', bodyStart)
    ) {
      text = text.replace(/\s+$/, '');
      bodyStart += 1;
    }
    if (text) out.push({ t: 'text', text });
    const close = findClose(src, bodyStart);
    if (close < 0) throw new TemplateError(`template: unclosed action in ${JSON.stringify(src)}`);
    let body = src.slice(bodyStart, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    out.push({ t: 'action', body });
    i = close + 2;
  }
  return out;
}

function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '`') {
      i = src.indexOf('`', i + 1) + 1;
      if (i === 0) return -1;
      continue;
    }
    if (src.startsWith('}}', i)) return i;
    i++;
  }
  return -1;
}

function parsePipeline(text: string, source: string): Pipeline {
  let i = 0;
  const s = text;
  const parse = (closer: string): Pipeline => {
    const pipe: Pipeline = [];
    let cmd: Command = [];
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (i >= s.length) {
        if (closer) throw new TemplateError('template: unclosed left paren');
        break;
      }
      const c = s[i]!;
      if (c === ')' && closer === ')') {
        i++;
        break;
      }
      if (c === '|') {
        if (cmd.length === 0) throw new TemplateError('template: missing command before |');
        pipe.push(cmd);
        cmd = [];
        i++;
        continue;
      }
      if (c === '(') {
        i++;
        cmd.push({ t: 'sub', pipe: parse(')') });
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
        cmd.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1).replace(/\\'/g, "'")) as string });
        i = j + 1;
        continue;
      }
      if (c === '`') {
        const j = s.indexOf('`', i + 1);
        cmd.push({ t: 'str', v: s.slice(i + 1, j) });
        i = j + 1;
        continue;
      }
      if (c === '.') {
        const m = /^\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?/.exec(s.slice(i))!;
        if (m[1]) cmd.push({ t: 'field', path: m[1].split('.') });
        else cmd.push({ t: 'dot' });
        i += m[0].length;
        continue;
      }
      if (c === '$')
        throw new UnsupportedQueryError('template variables ($)', `in ${JSON.stringify(source)}`);
      const num = /^[+-]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)/.exec(s.slice(i));
      if (num) {
        cmd.push({ t: 'num', v: Number(num[0]) });
        i += num[0].length;
        continue;
      }
      const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
      if (id) {
        const name = id[0];
        i += name.length;
        if (name === 'true' || name === 'false') cmd.push({ t: 'bool', v: name === 'true' });
        else if (name === 'nil') cmd.push({ t: 'nil' });
        else {
          if (!functions[name]) {
            if (unsupportedFunctions.has(name))
              throw new UnsupportedQueryError(`template function ${name}`, `in ${JSON.stringify(source)}`);
            throw new TemplateError(`template: function "${name}" not defined`);
          }
          cmd.push({ t: 'fn', name });
        }
        continue;
      }
      throw new TemplateError(`template: unexpected ${JSON.stringify(c)} in command`);
    }
    if (cmd.length) pipe.push(cmd);
    if (pipe.length === 0) throw new TemplateError('template: missing value for command');
    return pipe;
  };
  return parse('');
}

function evalPipe(pipe: Pipeline, ctx: TemplateContext, _dot: Value): Value {
  let prev: Value = undefined;
  let hasPrev = false;
  for (const cmd of pipe) {
    const head = cmd[0]!;
    if (head.t === 'fn') {
      const args = cmd.slice(1).map((o) => evalOperand(o, ctx));
      if (hasPrev) args.push(prev);
      prev = functions[head.name]!(ctx, ...args);
    } else {
      if (cmd.length > 1 || hasPrev) throw new TemplateError(`template: can't give argument to non-function`);
      prev = evalOperand(head, ctx);
    }
    hasPrev = true;
  }
  return prev;
}

function evalOperand(o: Operand, ctx: TemplateContext): Value {
  switch (o.t) {
    case 'field':
      if (o.path.length > 1)
        throw new TemplateError(`template: can't evaluate field ${o.path[1]} in type string`);
      return ctx.data[o.path[0]!] ?? '';
    case 'dot':
      return '';
    case 'str':
    case 'num':
    case 'bool':
      return o.v;
    case 'nil':
      return null;
    case 'fn':
      return functions[o.name]!(ctx);
    case 'sub':
      return evalPipe(o.pipe, ctx, undefined);
  }
}

function truthy(v: Value): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  return true;
}

function printValue(v: Value): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'number') return goFormatNumber(v);
  if (v instanceof Date) return goTimeString(v);
  return String(v);
}

function goFormatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  return s.replace(/e\+?(-?)(\d)$/, 'e$1$10$2').replace('e+', 'e+');
}

function goTimeString(d: Date): string {
  // Go's time.Time String(): 2006-01-02 15:04:05.999999999 -0700 MST (UTC here).
  const iso = d.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? '.' + frac : ''} +0000 UTC`;
}

function str(v: Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return goFormatNumber(v);
  if (v instanceof Date) return goTimeString(v);
  return String(v);
}

function toInt(v: Value): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(str(v));
  return Number.isNaN(n) ? 0 : Math.trunc(n);
}

function toFloat(v: Value): number {
  if (typeof v === 'number') return v;
  const n = Number(str(v));
  return Number.isNaN(n) ? 0 : n;
}

function requireString(name: string, v: Value): string {
  if (typeof v !== 'string')
    throw new TemplateError(`template: wrong type for value in ${name}; expected string; got ${typeof v}`);
  return v;
}

function cutsetRegex(cutset: string): string {
  return '[' + cutset.replace(/[\]\\^-]/g, '\\$&') + ']';
}

function goReplacement(repl: string): string {
  return repl.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const functions: Record<string, Fn> = {
  ToLower: (_c, s) => str(s).toLowerCase(),
  ToUpper: (_c, s) => str(s).toUpperCase(),
  lower: (_c, s) => str(s).toLowerCase(),
  upper: (_c, s) => str(s).toUpperCase(),
  title: (_c, s) =>
    str(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, p: string, l: string) => p + l.toUpperCase()),
  Replace: (_c, s, o, n, cnt) => {
    let out = str(s);
    const old = str(o);
    const nw = str(n);
    let count = toInt(cnt);
    if (count < 0) return out.split(old).join(nw);
    let idx = 0;
    let res = '';
    while (count-- > 0) {
      const at = out.indexOf(old, idx);
      if (at < 0) break;
      res += out.slice(idx, at) + nw;
      idx = at + old.length;
    }
    out = res + out.slice(idx);
    return out;
  },
  replace: (_c, o, n, s) => str(s).split(str(o)).join(str(n)),
  Trim: (_c, s, cut) =>
    str(s).replace(new RegExp(`^${cutsetRegex(str(cut))}+|${cutsetRegex(str(cut))}+$`, 'g'), ''),
  TrimLeft: (_c, s, cut) => str(s).replace(new RegExp(`^${cutsetRegex(str(cut))}+`), ''),
  TrimRight: (_c, s, cut) => str(s).replace(new RegExp(`${cutsetRegex(str(cut))}+$`), ''),
  TrimPrefix: (_c, s, p) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  TrimSuffix: (_c, s, p) =>
    str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s),
  TrimSpace: (_c, s) => str(s).trim(),
  trim: (_c, s) => str(s).trim(),
  trimAll: (_c, cut, s) =>
    str(s).replace(new RegExp(`^${cutsetRegex(str(cut))}+|${cutsetRegex(str(cut))}+$`, 'g'), ''),
  trimPrefix: (_c, p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (_c, p, s) =>
    str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s),
  regexReplaceAll: (_c, re, s, repl) =>
    str(s).replace(
      new RegExp(compileGoRegex(str(re), false).source, compileGoRegex(str(re), false).flags + 'g'),
      goReplacement(str(repl)),
    ),
  regexReplaceAllLiteral: (_c, re, s, repl) => {
    const r = compileGoRegex(str(re), false);
    return str(s).replace(new RegExp(r.source, r.flags + 'g'), () => str(repl));
  },
  count: (_c, re, s) => {
    const r = compileGoRegex(str(re), false);
    return (str(s).match(new RegExp(r.source, r.flags + 'g')) ?? []).length;
  },
  urlencode: (_c, s) =>
    encodeURIComponent(str(s))
      .replace(/%20/g, '+')
      .replace(/[!'()*~]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase()),
  urldecode: (_c, s) => decodeURIComponent(str(s).replace(/\+/g, ' ')),
  b64enc: (_c, s) => Buffer.from(str(s)).toString('base64'),
  b64dec: (_c, s) => Buffer.from(str(s), 'base64').toString('utf8'),
  trunc: (_c, n, s) => {
    const c = toInt(n);
    const r = [...str(s)];
    if (c < 0 && r.length + c > 0) return r.slice(r.length + c).join('');
    if (c >= 0 && r.length > c) return r.slice(0, c).join('');
    return str(s);
  },
  substr: (_c, start, end, s) => {
    const a = toInt(start);
    const b = toInt(end);
    const v = str(s);
    if (a < 0) return v.slice(0, b);
    if (b < 0 || b > v.length) return v.slice(a);
    return v.slice(a, b);
  },
  contains: (_c, sub, s) => str(s).includes(str(sub)),
  hasPrefix: (_c, p, s) => str(s).startsWith(str(p)),
  hasSuffix: (_c, p, s) => str(s).endsWith(str(p)),
  repeat: (_c, n, s) => str(s).repeat(Math.max(0, toInt(n))),
  indent: (_c, n, s) => str(s).replace(/^/gm, ' '.repeat(toInt(n))),
  nindent: (_c, n, s) => '\n' + str(s).replace(/^/gm, ' '.repeat(toInt(n))),
  int: (_c, v) => toInt(v),
  float64: (_c, v) => toFloat(v),
  add: (_c, a, b) => toInt(a) + toInt(b),
  sub: (_c, a, b) => toInt(a) - toInt(b),
  mul: (_c, a, b) => toInt(a) * toInt(b),
  div: (_c, a, b) => {
    if (toInt(b) === 0) throw new TemplateError('template: runtime error: integer divide by zero');
    return Math.trunc(toInt(a) / toInt(b));
  },
  mod: (_c, a, b) => {
    if (toInt(b) === 0) throw new TemplateError('template: runtime error: integer divide by zero');
    return toInt(a) % toInt(b);
  },
  addf: (_c, a, b) => toFloat(a) + toFloat(b),
  subf: (_c, a, b) => toFloat(a) - toFloat(b),
  mulf: (_c, a, b) => toFloat(a) * toFloat(b),
  divf: (_c, a, b) => toFloat(a) / toFloat(b),
  max: (_c, ...xs) => Math.max(...xs.map(toInt)),
  min: (_c, ...xs) => Math.min(...xs.map(toInt)),
  maxf: (_c, ...xs) => Math.max(...xs.map(toFloat)),
  minf: (_c, ...xs) => Math.min(...xs.map(toFloat)),
  ceil: (_c, v) => Math.ceil(toFloat(v)),
  floor: (_c, v) => Math.floor(toFloat(v)),
  round: (_c, v, p) => {
    const f = 10 ** toInt(p ?? 0);
    return Math.round(toFloat(v) * f) / f;
  },
  default: (_c, d, given) => (truthy(given) ? given : d),
  bytes: (_c, v) => {
    const b = parseBytes(str(v));
    if (b === undefined) throw new TemplateError(`template: invalid bytes ${str(v)}`);
    return b;
  },
  duration: (_c, v) => {
    const ms = parseGoDurationMs(str(v));
    if (ms === undefined) throw new TemplateError(`template: time: invalid duration "${str(v)}"`);
    return ms / 1000;
  },
  duration_seconds: (_c, v) => {
    const ms = parseGoDurationMs(str(v));
    if (ms === undefined) throw new TemplateError(`template: time: invalid duration "${str(v)}"`);
    return ms / 1000;
  },
  unixEpochMillis: (_c, d) => (d instanceof Date ? d.getTime() : 0),
  unixEpochNanos: (c, d) => (d instanceof Date ? Number(c.timestampNs) : 0),
  unixEpoch: (_c, d) => (d instanceof Date ? Math.floor(d.getTime() / 1000) : 0),
  alignLeft: (_c, n, s) => {
    const c = toInt(n);
    const r = [...str(s)];
    if (c < 0 || c === r.length) return str(s);
    return c > r.length ? str(s) + ' '.repeat(c - r.length) : r.slice(0, c).join('');
  },
  alignRight: (_c, n, s) => {
    const c = toInt(n);
    const r = [...str(s)];
    if (c < 0 || c === r.length) return str(s);
    return c > r.length ? ' '.repeat(c - r.length) + str(s) : r.slice(r.length - c).join('');
  },
  __line__: (c) => c.line,
  __timestamp__: (c) => new Date(Number(c.timestampNs / 1000000n)),
  eq: (_c, a, ...bs) => bs.some((b) => compare(a, b) === 0 && typeof a === typeof b),
  ne: (_c, a, b) => !(compare(a, b) === 0 && typeof a === typeof b),
  lt: (_c, a, b) => compare(a, b) < 0,
  le: (_c, a, b) => compare(a, b) <= 0,
  gt: (_c, a, b) => compare(a, b) > 0,
  ge: (_c, a, b) => compare(a, b) >= 0,
  and: (_c, ...xs) => {
    for (const x of xs) if (!truthy(x)) return x;
    return xs[xs.length - 1];
  },
  or: (_c, ...xs) => {
    for (const x of xs) if (truthy(x)) return x;
    return xs[xs.length - 1];
  },
  not: (_c, x) => !truthy(x),
  // Go's len of a string counts bytes.
  len: (_c, x) => Buffer.byteLength(str(x), 'utf8'),
  print: (_c, ...xs) => xs.map(str).join(''),
  printf: (_c, fmt, ...xs) => goSprintf(requireString('printf', fmt), xs),
};

const unsupportedFunctions = new Set([
  'date',
  'toDate',
  'toDateInZone',
  'now',
  'fromJson',
  'unixToTime',
  'index',
  'slice',
  'html',
  'js',
  'urlquery',
  'println',
  'call',
]);

export function parseGoDurationMs(text: string): number | undefined {
  // Go's time.ParseDuration: units ns us µs ms s m h only (no d/w/y), a bare "0" is allowed.
  if (/[dwy]/.test(text.replace(/\d/g, ''))) return undefined;
  return parseDurationMs(text);
}

function goSprintf(fmt: string, args: Value[]): string {
  let i = 0;
  return fmt.replace(
    /%([-+ #0]*)(\d+)?(?:\.(\d+))?([sdvqfxXtge%])/g,
    (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
      if (verb === '%') return '%';
      const a = args[i++];
      let s: string;
      switch (verb) {
        case 'd':
          s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(string=${str(a)})`;
          break;
        case 'f':
          s =
            typeof a === 'number'
              ? a.toFixed(prec === undefined ? 6 : Number(prec))
              : `%!f(string=${str(a)})`;
          break;
        case 'q':
          s = JSON.stringify(str(a));
          break;
        case 'x':
          s = typeof a === 'number' ? a.toString(16) : Buffer.from(str(a)).toString('hex');
          break;
        case 'X':
          s =
            typeof a === 'number'
              ? a.toString(16).toUpperCase()
              : Buffer.from(str(a)).toString('hex').toUpperCase();
          break;
        default:
          s = str(a);
          if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
      }
      if (width !== undefined && s.length < Number(width)) {
        const pad = (flags.includes('0') && verb !== 's' ? '0' : ' ').repeat(Number(width) - s.length);
        s = flags.includes('-') ? s + pad.replace(/0/g, ' ') : pad + s;
      }
      return s;
    },
  );
}
