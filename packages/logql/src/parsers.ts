/**
 * Line parsers: json with parameters, logfmt, regexp, pattern, unpack (Loki
 * pkg/logql/log/parser.go semantics). `| json` without parameters is in json-flatten.ts.
 */
import type { ExtractionParam } from './ast.ts';
import { LogQLSyntaxError } from './errors.ts';
import { decodeString, eachMember, findPath, JsonScanError, skipWs } from './json-scan.ts';
import { PRESERVE_ERROR_LABEL, type LabelsBuilder } from './labels.ts';
import { compileGoRegex } from './regex.ts';

export const ERR_JSON = 'JSONParserErr';
export const ERR_LOGFMT = 'LogfmtParserErr';

/** Loki's sanitizeLabelKey: trim, prefix a leading digit with "_", replace anything but [A-Za-z0-9_] by "_". */
export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  let k = key.trim();
  if (k === '') return k;
  if (isPrefix && k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57) k = '_' + k;
  return /^[A-Za-z0-9_]*$/.test(k) ? k : k.replace(/[^A-Za-z0-9_]/gu, '_');
}

/** Loki's addErrLabel: a parser error, preserved when the query filters on __error__. */
export function addErrLabel(lbs: LabelsBuilder, err: string, details: string | undefined): void {
  lbs.setErr(err, details);
  if (lbs.hints?.preserveError) lbs.setParsed(PRESERVE_ERROR_LABEL, 'true');
}

/** Parses a jsonexpr path: `a.b`, `a[0]`, `["a.b"]`, `a["b"][1]`. */
export function parseJsonPath(expr: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  const s = expr;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new LogQLSyntaxError(`cannot parse expression [${expr}]: unclosed [`, 1, 1);
      const inner = s.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^".*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else throw new LogQLSyntaxError(`cannot parse expression [${expr}]`, 1, 1);
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_\-@$]+/.exec(s.slice(i));
    if (!m)
      throw new LogQLSyntaxError(`cannot parse expression [${expr}]: unexpected ${JSON.stringify(c)}`, 1, 1);
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}

export function makeJsonExpressionParser(
  params: ExtractionParam[],
): (line: string, lbs: LabelsBuilder) => void {
  const compiled = params.map((p) => ({ id: p.label, path: parseJsonPath(p.expression ?? p.label) }));
  return (line, lbs) => {
    if (line.length === 0 || lbs.hints?.skipParsing(lbs)) return;
    const first = line.charCodeAt(0);
    if (first !== 34 && first !== 123 && first !== 91) {
      addErrLabel(lbs, ERR_JSON, undefined);
      return;
    }
    for (const { id, path } of compiled) {
      let hit: ReturnType<typeof findPath>;
      try {
        hit = findPath(line, path);
      } catch (err) {
        if (err instanceof JsonScanError) {
          addErrLabel(lbs, ERR_JSON, err.message);
          continue;
        }
        throw err;
      }
      if (!hit) {
        if (lbs.get(id) === undefined) lbs.setParsed(id, '');
        continue;
      }
      const key = lbs.baseHas(id) || lbs.hasMeta(id) ? id + '_extracted' : id;
      const [start, end, type] = hit;
      let value: string;
      if (type === 'null') value = '';
      else if (type === 'string') value = decodeString(line, start, end);
      else value = line.slice(start, end);
      lbs.setParsed(key, value);
    }
  };
}

/** `| unpack`: string members become labels; `_entry` replaces the line. Returns the new line. */
export function unpackLine(line: string, lbs: LabelsBuilder): string {
  if (line.length === 0 || lbs.hints?.skipParsing(lbs)) return line;
  if (line.charCodeAt(0) !== 123) {
    addErrLabel(lbs, ERR_JSON, 'expecting json object(6), but it is not');
    return line;
  }
  let entry = line;
  const pending: [string, string][] = [];
  try {
    eachMember(line, 0, (key, start, end, type) => {
      if (type !== 'string') return;
      if (key === '_entry') {
        entry = decodeString(line, start, end);
        return;
      }
      const k = lbs.baseHas(key) || lbs.hasMeta(key) ? key + '_extracted' : key;
      if (lbs.wasExtracted(k) || (lbs.hints && !lbs.hints.shouldExtract(k))) return;
      pending.push([sanitizeLabelKey(k, true), decodeString(line, start, end)]);
    });
  } catch (err) {
    if (err instanceof JsonScanError) {
      addErrLabel(lbs, ERR_JSON, err.message);
      return line;
    }
    throw err;
  }
  for (const [k, v] of pending) lbs.setParsed(k, v);
  return entry;
}

interface Keyval {
  key: string;
  value: string;
}

/** Go logfmt decoder as Loki vendors it (pkg/logql/log/logfmt/decode.go). */
export function decodeLogfmt(
  line: string,
  onPair: (kv: Keyval) => boolean | void,
  strict: boolean,
): string | undefined {
  let pos = 0;
  const n = line.length;
  let err: string | undefined;
  while (pos < n) {
    // skip whitespace (bytes <= ' ')
    while (pos < n && line.charCodeAt(pos) <= 32) pos++;
    if (pos >= n) break;
    const start = pos;
    let key: string | undefined;
    let value = '';
    let ok = true;
    let state: 'key' | 'skip' = 'key';
    while (pos < n) {
      const c = line.charCodeAt(pos);
      if (c === 61) break; // '='
      if (c === 34) {
        err = `logfmt syntax error at pos ${pos + 1} : unexpected '"'`;
        state = 'skip';
        break;
      }
      if (c <= 32) break;
      pos++;
    }
    if (state === 'key') {
      if (pos > start) key = line.slice(start, pos);
      if (pos >= n || line.charCodeAt(pos) <= 32) {
        // bare key
        if (key !== undefined && onPair({ key, value: '' }) === false) return err;
        continue;
      }
      // at '='
      if (key === undefined) {
        err = `logfmt syntax error at pos ${pos + 1} : unexpected '='`;
        state = 'skip';
      } else {
        pos++;
        if (pos >= n || line.charCodeAt(pos) <= 32) {
          if (onPair({ key, value: '' }) === false) return err;
          continue;
        }
        if (line.charCodeAt(pos) === 34) {
          // quoted value
          let j = pos + 1;
          let hasEsc = false;
          let closed = -1;
          while (j < n) {
            const d = line.charCodeAt(j);
            if (d === 92) {
              hasEsc = true;
              j += 2;
              continue;
            }
            if (d === 34) {
              closed = j;
              break;
            }
            j++;
          }
          if (closed < 0) {
            pos = n;
            err = `logfmt syntax error at pos ${n + 1} : unterminated quoted value`;
            ok = false;
          } else {
            const raw = line.slice(pos, closed + 1);
            pos = closed + 1;
            if (hasEsc) {
              try {
                value = JSON.parse(raw) as string;
              } catch {
                err = `logfmt syntax error at pos ${pos + 1} : invalid quoted value`;
                ok = false;
              }
            } else value = raw.slice(1, -1);
          }
          if (!ok) {
            if (strict) return err;
            continue;
          }
          if (onPair({ key, value }) === false) return err;
          continue;
        }
        const vs = pos;
        while (pos < n) {
          const d = line.charCodeAt(pos);
          if (d === 61 || d === 34) {
            err = `logfmt syntax error at pos ${pos + 1} : unexpected '${String.fromCharCode(d)}'`;
            state = 'skip';
            break;
          }
          if (d <= 32) break;
          pos++;
        }
        if (state === 'key') {
          value = line.slice(vs, pos);
          if (onPair({ key, value }) === false) return err;
          continue;
        }
      }
    }
    // skip_value: skip to next whitespace; this keyval is invalid.
    while (pos < n && line.charCodeAt(pos) > 32) pos++;
    if (strict) return err;
  }
  return err;
}

export function makeLogfmtParser(
  strict: boolean,
  keepEmpty: boolean,
  params: ExtractionParam[],
): (line: string, lbs: LabelsBuilder) => void {
  if (params.length === 0) {
    return (line, lbs) => {
      const hints = lbs.hints;
      if (hints?.skipParsing(lbs)) return;
      const err = decodeLogfmt(
        line,
        ({ key, value }) => {
          let k = sanitizeLabelKey(key, true);
          if (k === '') return;
          k = lbs.parserKey(k);
          if (lbs.wasExtracted(k) || (hints && !hints.shouldExtract(k))) return;
          if (!keepEmpty && value === '') return;
          lbs.setParsed(k, value);
          // Loki stops decoding once every required label is extracted.
          if (hints?.allRequiredExtracted(lbs)) return false;
        },
        strict,
      );
      if (strict && err !== undefined) addErrLabel(lbs, ERR_LOGFMT, err);
    };
  }
  // `| logfmt id="key", other`: only the named keys, renamed to their ids.
  const byKey = new Map<string, string>();
  for (const p of params) byKey.set(p.expression ?? p.label, p.label);
  const ids = new Set(params.map((p) => p.label));
  return (line, lbs) => {
    if (lbs.hints?.skipParsing(lbs)) return;
    for (const p of params) if (!lbs.baseHas(p.label) && !lbs.hasMeta(p.label)) lbs.setParsed(p.label, '');
    const err = decodeLogfmt(
      line,
      ({ key, value }) => {
        const k = sanitizeLabelKey(key, true);
        // LogfmtExpressionParser: a key equal to an expression is renamed to its identifier; a
        // key that already is an identifier is extracted as is.
        const id = byKey.get(k) ?? (ids.has(k) ? k : undefined);
        if (id === undefined) return;
        const target = lbs.baseHas(id) || lbs.hasMeta(id) ? id + '_extracted' : id;
        lbs.setParsed(target, value);
      },
      strict,
    );
    if (strict && err !== undefined) addErrLabel(lbs, ERR_LOGFMT, err);
  };
}

export function makeRegexpParser(pattern: string): (line: string, lbs: LabelsBuilder) => void {
  const re = compileGoRegex(pattern, false);
  const names = [...pattern.matchAll(/\(\?P?<([^>]+)>/g)].map((m) => m[1]!);
  if (names.length === 0)
    throw new LogQLSyntaxError(
      `invalid regexp stage ${JSON.stringify(pattern)}: at least one named capture must be supplied`,
      1,
      1,
    );
  const seen = new Set<string>();
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))
      throw new LogQLSyntaxError(`invalid extracted label name '${n}'`, 1, 1);
    if (seen.has(n)) throw new LogQLSyntaxError(`duplicate extracted label name '${n}'`, 1, 1);
    seen.add(n);
  }
  return (line, lbs) => {
    const m = re.exec(line);
    if (!m || !m.groups) return;
    for (const n of names) {
      const key = lbs.parserKey(n);
      if (lbs.wasExtracted(key) || (lbs.hints && !lbs.hints.shouldExtract(key))) continue;
      lbs.setParsed(key, m.groups[n] ?? '');
    }
  };
}

type PatternNode = { capture: string } | { literal: string };

export function parsePatternExpr(p: string): PatternNode[] {
  const out: PatternNode[] = [];
  let lit = '';
  const re = /<([A-Za-z_][A-Za-z0-9_]*)>/y;
  let i = 0;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (m) {
      if (lit) out.push({ literal: lit });
      lit = '';
      out.push({ capture: m[1]! });
      i += m[0].length;
      continue;
    }
    lit += p[i];
    i++;
  }
  if (lit) out.push({ literal: lit });
  return out;
}

export function makePatternParser(pattern: string): (line: string, lbs: LabelsBuilder) => void {
  const nodes = parsePatternExpr(pattern);
  const captures = nodes.filter((n): n is { capture: string } => 'capture' in n && n.capture !== '_');
  if (captures.length === 0)
    throw new LogQLSyntaxError(
      `invalid pattern ${JSON.stringify(pattern)}: at least one capture is required`,
      1,
      1,
    );
  for (let i = 0; i + 1 < nodes.length; i++) {
    if ('capture' in nodes[i]! && 'capture' in nodes[i + 1]!)
      throw new LogQLSyntaxError(
        `invalid pattern ${JSON.stringify(pattern)}: found consecutive capture: invalid expression`,
        1,
        1,
      );
  }
  const names = new Set<string>();
  for (const c of captures) {
    if (names.has(c.capture))
      throw new LogQLSyntaxError(
        `invalid pattern ${JSON.stringify(pattern)}: duplicate capture name (${c.capture}): invalid expression`,
        1,
        1,
      );
    names.add(c.capture);
  }
  return (line, lbs) => {
    if (lbs.hints?.skipParsing(lbs)) return;
    const values = matchPattern(nodes, line);
    if (!values) return;
    for (const [name, v] of values) {
      const key = lbs.parserKey(name);
      if (lbs.wasExtracted(key) || (lbs.hints && !lbs.hints.shouldExtract(key))) continue;
      lbs.setParsed(key, v);
    }
  };
}

/** Loki's pattern.Matcher.Matches: returns named captures in order, possibly partial. */
function matchPattern(nodes: PatternNode[], line: string): [string, string][] | undefined {
  if (line.length === 0 || nodes.length === 0) return undefined;
  let expr = nodes;
  let input = line;
  const out: [string, string][] = [];
  const first = expr[0]!;
  if ('literal' in first) {
    if (!input.startsWith(first.literal)) return undefined;
    input = input.slice(first.literal.length);
    expr = expr.slice(1);
  }
  if (expr.length === 0) return undefined;
  while (expr.length) {
    const cap = expr[0] as { capture: string };
    if (expr.length === 1) {
      if (cap.capture !== '_') out.push([cap.capture, input]);
      return out;
    }
    const lit = (expr[1] as { literal: string }).literal;
    expr = expr.slice(2);
    const i = input.indexOf(lit);
    if (i < 0) {
      if (cap.capture !== '_') out.push([cap.capture, input]);
      return out;
    }
    if (cap.capture !== '_') out.push([cap.capture, input.slice(0, i)]);
    input = input.slice(i + lit.length);
  }
  return out;
}

/** Loki's pattern line filter (`|>`): Matcher.Test. */
export function makePatternTest(pattern: string): (line: string) => boolean {
  const nodes = parsePatternExpr(pattern);
  for (const n of nodes) {
    if ('capture' in n && n.capture !== '_')
      throw new LogQLSyntaxError(
        `invalid pattern filter ${JSON.stringify(pattern)}: named captures are not allowed: found '<${n.capture}>'`,
        1,
        1,
      );
  }
  for (let i = 0; i + 1 < nodes.length; i++) {
    if ('capture' in nodes[i]! && 'capture' in nodes[i + 1]!)
      throw new LogQLSyntaxError(
        `invalid pattern filter ${JSON.stringify(pattern)}: found consecutive capture`,
        1,
        1,
      );
  }
  return (line) => {
    if (line.length === 0 || nodes.length === 0) return line.length === 0 && nodes.length === 0;
    let off = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (!('literal' in n)) continue;
      const j = line.indexOf(n.literal, off);
      if (j < 0) return false;
      // An empty capture between literals does not match (Loki: `if i != 0 && j == 0`).
      if (i !== 0 && j === off) return false;
      off = j + n.literal.length;
    }
    const reqRem = 'capture' in nodes[nodes.length - 1]!;
    const hasRem = off !== line.length;
    return reqRem === hasRem;
  };
}

export { skipWs };
