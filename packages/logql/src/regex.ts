/**
 * Go RE2 regular expressions translated to JavaScript RegExp. Loki compiles every regex with
 * Go's regexp package; the two dialects differ in a few places, which are either translated
 * here or rejected with an error that names the construct (never silently reinterpreted).
 */
import { LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/**
 * Compiles a Go regex. `anchored` wraps it like Prometheus label matchers do (`^(?:re)$`).
 */
export function compileGoRegex(source: string, anchored: boolean): RegExp {
  const key = (anchored ? 'A' : 'U') + source;
  const hit = cache.get(key);
  if (hit) return hit;
  const { body, flags } = translate(source);
  let re: RegExp;
  try {
    re = new RegExp(anchored ? `^(?:${body})$` : body, flags);
  } catch (err) {
    throw new LogQLSyntaxError(`invalid regex ${JSON.stringify(source)}: ${(err as Error).message}`, 1, 1);
  }
  if (cache.size > 10000) cache.clear();
  cache.set(key, re);
  return re;
}

function translate(src: string): { body: string; flags: string } {
  let flags = '';
  let i = 0;
  // Leading global flags: (?i), (?s), (?is) ... become JS flags.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new UnsupportedQueryError('regex flag (?U) (ungreedy)', src);
      if (!flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let needUnicode = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined)
        throw new LogQLSyntaxError(`invalid regex ${JSON.stringify(src)}: trailing backslash`, 1, 1);
      if (n >= '1' && n <= '9')
        throw new LogQLSyntaxError(
          `error parsing regexp: invalid escape sequence: \\${n} in ${JSON.stringify(src)} (backreferences are not supported by RE2)`,
          1,
          1,
        );
      if (n === 'A' && !inClass) {
        out += '^';
        i += 2;
        continue;
      }
      if (n === 'z' && !inClass) {
        out += '$(?![\\s\\S])';
        i += 2;
        continue;
      }
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      if (n === 'p' || n === 'P') {
        needUnicode = true;
        if (src[i + 2] !== '{') {
          // \pL → \p{L}
          out += `\\${n}{${src[i + 2]}}`;
          i += 3;
          continue;
        }
      }
      if (n === 'C') throw new UnsupportedQueryError('regex \\C (any byte)', src);
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        if (end > 0) {
          let name = src.slice(i + 2, end);
          const negate = name.startsWith('^');
          if (negate) name = name.slice(1);
          const cls = posixClasses[name];
          if (!cls)
            throw new LogQLSyntaxError(
              `invalid regex ${JSON.stringify(src)}: unknown POSIX class [:${name}:]`,
              1,
              1,
            );
          if (negate) throw new UnsupportedQueryError('negated POSIX class inside a bracket expression', src);
          out += cls;
          i = end + 2;
          continue;
        }
      }
      if (c === '[') {
        out += '\\[';
        i++;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      // A ']' right after '[' or '[^' is a literal in RE2.
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
        continue;
      }
      if (rest.startsWith('<') || rest.startsWith(':')) {
        if (rest.startsWith('<=') || rest.startsWith('<!'))
          throw new LogQLSyntaxError(
            `error parsing regexp: invalid or unsupported Perl syntax: ${JSON.stringify(src)} (lookbehind is not supported by RE2)`,
            1,
            1,
          );
        out += '(?' + rest[0];
        i += 3;
        continue;
      }
      if (rest.startsWith('=') || rest.startsWith('!'))
        throw new LogQLSyntaxError(
          `error parsing regexp: invalid or unsupported Perl syntax: ${JSON.stringify(src)} (lookahead is not supported by RE2)`,
          1,
          1,
        );
      const fl = /^([imsU-]+)(\)|:)/.exec(rest);
      if (fl) {
        if (fl[1]!.includes('U')) throw new UnsupportedQueryError('regex flag U (ungreedy)', src);
        if (fl[2] === ':') {
          out += `(?${fl[1]}:`;
          i += 2 + fl[0].length;
          continue;
        }
        throw new UnsupportedQueryError('regex flags set in the middle of an expression', src);
      }
      throw new LogQLSyntaxError(
        `invalid regex ${JSON.stringify(src)}: invalid or unsupported Perl syntax`,
        1,
        1,
      );
    }
    out += c;
    i++;
  }
  if (needUnicode) flags += 'u';
  return { body: out, flags };
}
