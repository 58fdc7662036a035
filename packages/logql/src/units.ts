/** Durations, byte sizes and Go string literals as LogQL spells them. */

const durationUnitsMs: Record<string, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ns: 1e-6,
};

/**
 * Parses a duration like `5m`, `1h30m`, `1.5s`, `-2ms` into milliseconds (fractional for
 * sub-millisecond units). Returns undefined when the text is not a duration.
 */
export function parseDurationMs(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  } else if (rest.startsWith('+')) {
    rest = rest.slice(1);
  }
  if (rest === '') return undefined;
  if (rest === '0') return 0;
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|μs|ns|y|w|d|h|m|s)/;
  let total = 0;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * durationUnitsMs[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

const byteUnits: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
  pb: 1000 ** 5,
  pib: 1024 ** 5,
  eb: 1000 ** 6,
  eib: 1024 ** 6,
  k: 1000,
  m: 1000 ** 2,
  g: 1000 ** 3,
  t: 1000 ** 4,
  p: 1000 ** 5,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
  pi: 1024 ** 5,
};

/** Parses a byte size like go-humanize's ParseBytes (`10KB` = 10000, `1KiB` = 1024, `42` = 42). */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$/.exec(
    text.replace(/,/g, ''),
  );
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (unit === '') return n;
  const mult = byteUnits[unit];
  return mult === undefined ? undefined : n * mult;
}

/** Unquotes a LogQL string literal: Go double-quoted string (strconv.Unquote rules) or a backquoted raw string. */
export function unquoteString(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, -1);
  const body = raw.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case "'":
        out += "'";
        break;
      case 'x':
        out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        if (n !== undefined && n >= '0' && n <= '7') {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
          break;
        }
        throw new Error(`invalid escape sequence \\${n ?? ''} in string ${raw}`);
    }
  }
  return out;
}

/** Formats a float the way Go's strconv.FormatFloat(f, 'f', -1, 64) does (Prometheus sample values). */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  // Expand exponent notation: Go's 'f' format never uses it.
  return expandExponent(v);
}

function expandExponent(v: number): string {
  const neg = v < 0;
  const [mant, expStr] = Math.abs(v).toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const pointPos = 1 + exp;
  let out: string;
  if (pointPos <= 0) out = '0.' + '0'.repeat(-pointPos) + digits;
  else if (pointPos >= digits.length) out = digits + '0'.repeat(pointPos - digits.length);
  else out = digits.slice(0, pointPos) + '.' + digits.slice(pointPos);
  return (neg ? '-' : '') + out;
}
