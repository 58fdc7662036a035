// Number formatting exactly as Go's fmt/strconv do it, because alert annotations are rendered by
// Go's text/template in Loki: `{{ $value }}` prints a float64 with %v, humanize uses %.4g, and
// printf is Go's. JavaScript's toPrecision rounds ties differently and picks other exponent rules.

interface Decimal {
  digits: string; // significant digits, no leading or trailing zeros ('' for zero)
  point: number; // value = 0.<digits> * 10^point
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  let digits: string;
  let point: number;
  if (exponent >= 0) {
    digits = (mantissa << BigInt(exponent)).toString();
    point = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    point = digits.length + exponent;
  }
  return trim({ digits, point });
}

function trim(d: Decimal): Decimal {
  let digits = d.digits.replace(/0+$/, '');
  let point = d.point;
  const leading = /^0*/.exec(digits)![0].length;
  digits = digits.slice(leading);
  point -= leading;
  return digits ? { digits, point } : { digits: '', point: 0 };
}

/** Rounds to `n` significant digits, ties to even as strconv does on an exact decimal. */
function roundDigits(d: Decimal, n: number): Decimal {
  if (n < 0) return { digits: '', point: 0 };
  if (d.digits.length <= n) return d;
  const next = d.digits[n]!;
  let up: boolean;
  if (next > '5') up = true;
  else if (next < '5') up = false;
  else if (/[1-9]/.test(d.digits.slice(n + 1))) up = true;
  else up = n > 0 && Number(d.digits[n - 1]) % 2 === 1;
  let kept = d.digits.slice(0, n);
  let point = d.point;
  if (up) {
    const incremented = (BigInt(kept || '0') + 1n).toString();
    if (incremented.length > kept.length) point += 1;
    kept = incremented;
  }
  return trim({ digits: kept, point });
}

function shortestDecimal(x: number): Decimal {
  // JavaScript and Go both print the shortest digits that round-trip; only the layout differs.
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  return trim({ digits, point: Number(exp) + 1 });
}

function formatE(d: Decimal, decimals: number, upper = false): string {
  const digits = (d.digits || '0').padEnd(decimals + 1, '0');
  const exp = d.digits ? d.point - 1 : 0;
  const head = digits[0]! + (decimals > 0 ? '.' + digits.slice(1, decimals + 1) : '');
  const sign = exp < 0 ? '-' : '+';
  const e = String(Math.abs(exp)).padStart(2, '0');
  return `${head}${upper ? 'E' : 'e'}${sign}${e}`;
}

function formatF(d: Decimal, decimals: number): string {
  let intPart: string;
  let fracPart: string;
  if (d.point <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-d.point) + d.digits;
  } else {
    intPart = d.digits.slice(0, d.point).padEnd(d.point, '0');
    fracPart = d.digits.slice(d.point);
  }
  fracPart = fracPart.padEnd(decimals, '0').slice(0, decimals);
  return decimals > 0 ? `${intPart}.${fracPart}` : intPart;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** strconv.FormatFloat(x, 'g', prec, 64); prec -1 = shortest. */
export function formatFloatG(x: number, prec: number, upper = false): string {
  const s = special(x);
  if (s) return s;
  const sign = signOf(x);
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let p = prec === 0 ? 1 : prec;
  const d = shortest ? shortestDecimal(abs) : roundDigits(exactDecimal(abs), p);
  const nd = Math.max(d.digits.length, 1);
  const dp = d.digits ? d.point : 1;
  if (shortest) p = nd;
  let eprec = p;
  if (eprec > nd && nd >= dp) eprec = nd;
  if (shortest) eprec = 6;
  const exp = dp - 1;
  if (exp < -4 || exp >= eprec) {
    return sign + formatE(d, Math.min(p, nd) - 1, upper);
  }
  const fracDigits = p > dp ? Math.max(nd - dp, 0) : Math.max(p - dp, 0);
  return sign + formatF(d, fracDigits);
}

/** strconv.FormatFloat(x, 'e', prec, 64); prec -1 = shortest. */
export function formatFloatE(x: number, prec: number, upper = false): string {
  const s = special(x);
  if (s) return s;
  const abs = Math.abs(x);
  const d = prec < 0 ? shortestDecimal(abs) : roundDigits(exactDecimal(abs), prec + 1);
  const decimals = prec < 0 ? Math.max(d.digits.length - 1, 0) : prec;
  return signOf(x) + formatE(d, decimals, upper);
}

/** strconv.FormatFloat(x, 'f', prec, 64); prec -1 = shortest. */
export function formatFloatF(x: number, prec: number): string {
  const s = special(x);
  if (s) return s;
  const abs = Math.abs(x);
  if (prec < 0) {
    const d = shortestDecimal(abs);
    return signOf(x) + formatF(d, Math.max(d.digits.length - d.point, 0));
  }
  const exact = exactDecimal(abs);
  const d = roundDigits(exact, exact.point + prec);
  return signOf(x) + formatF(d, prec);
}

/** What Go's fmt prints for a float64 with %v (and therefore `{{ $value }}`). */
export function formatFloatV(x: number): string {
  return formatFloatG(x, -1);
}

export type GoValue = string | number | bigint | boolean | undefined | Map<string, string> | GoValue[];

function typeName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Map) return 'map[string]string';
  if (Array.isArray(v)) return '[]interface {}';
  return '<nil>';
}

/** fmt's %v for the value kinds templates handle. */
export function formatValue(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatV(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `map[${keys.map((k) => `${k}:${v.get(k)}`).join(' ')}]`;
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  return '<no value>';
}

function quoteGo(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (left) return text.padEnd(width, ' ');
  if (zero) {
    const signed = /^[+-]/.test(text) ? text[0]! : '';
    return signed + text.slice(signed.length).padStart(width - signed.length, '0');
  }
  return text.padStart(width, ' ');
}

/** Go's fmt.Sprintf for the verbs alert templates use: %s %q %v %d %f %e %g %x %X %t %%. */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argIndex = 0;
  const spec = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/y;
  for (let i = 0; i < format.length;) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    spec.lastIndex = percent;
    const m = spec.exec(format);
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i = spec.lastIndex;
    const flags = m[1] ?? '';
    const widthText = m[2];
    const precText = m[3];
    const verb = m[4]!;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++];
    const width = widthText === undefined ? undefined : Number(widthText);
    const prec = precText === undefined ? -1 : Number(precText || '0');
    const plus = flags.includes('+');
    const space = flags.includes(' ') && !plus;
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const bad = () => `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;
    let text: string;
    switch (verb) {
      case 'v':
        text = typeof arg === 'number' && prec >= 0 ? formatFloatG(arg, prec) : formatValue(arg);
        break;
      case 's':
        if (typeof arg === 'number' || typeof arg === 'bigint' || typeof arg === 'boolean') text = bad();
        else text = typeof arg === 'string' ? arg : arg === undefined ? '%!s(<nil>)' : formatValue(arg);
        if (prec >= 0) text = text.slice(0, prec);
        break;
      case 'q':
        text = typeof arg === 'string' ? quoteGo(arg) : bad();
        break;
      case 't':
        text = typeof arg === 'boolean' ? String(arg) : bad();
        break;
      case 'd':
        text =
          typeof arg === 'bigint' ? (arg >= 0n ? (plus ? '+' : space ? ' ' : '') : '') + String(arg) : bad();
        break;
      case 'x':
      case 'X': {
        if (typeof arg === 'bigint') text = arg.toString(16);
        else if (typeof arg === 'string') text = Buffer.from(arg).toString('hex');
        else text = bad();
        if (verb === 'X') text = text.toUpperCase();
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (typeof arg !== 'number') {
          text = bad();
          break;
        }
        const lower = verb.toLowerCase();
        if (lower === 'f') text = formatFloatF(arg, prec < 0 ? 6 : prec);
        else if (lower === 'e') text = formatFloatE(arg, prec < 0 ? 6 : prec, verb === 'E');
        else text = formatFloatG(arg, prec, verb === 'G');
        if ((plus || space) && !text.startsWith('-')) text = (plus ? '+' : ' ') + text;
        break;
      }
      default:
        text = `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;
    }
    out += pad(text, width, left, zero && verb !== 's');
  }
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args
      .slice(argIndex)
      .map((a) => `${typeName(a)}=${formatValue(a)}`)
      .join(', ')})`;
  }
  return out;
}
