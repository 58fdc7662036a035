/** ip("...") filters: a single address, a CIDR, or a range `a-b` (IPv4 here; IPv6 is rejected clearly). */
import { LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';

function parseV4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function compileIpMatcher(pattern: string): (value: string) => boolean {
  if (pattern.includes(':')) throw new UnsupportedQueryError('ip() with IPv6 addresses', pattern);
  let lo: number;
  let hi: number;
  if (pattern.includes('/')) {
    const [addr, bitsText] = pattern.split('/') as [string, string];
    const base = parseV4(addr);
    const bits = Number(bitsText);
    if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32)
      throw new LogQLSyntaxError(`invalid ip pattern ${JSON.stringify(pattern)}`, 1, 1);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    lo = (base & mask) >>> 0;
    hi = (lo | (~mask >>> 0)) >>> 0;
  } else if (pattern.includes('-')) {
    const [a, b] = pattern.split('-') as [string, string];
    const x = parseV4(a);
    const y = parseV4(b);
    if (x === undefined || y === undefined)
      throw new LogQLSyntaxError(`invalid ip pattern ${JSON.stringify(pattern)}`, 1, 1);
    lo = x;
    hi = y;
  } else {
    const x = parseV4(pattern);
    if (x === undefined) throw new LogQLSyntaxError(`invalid ip pattern ${JSON.stringify(pattern)}`, 1, 1);
    lo = hi = x;
  }
  return (value) => {
    const v = parseV4(value);
    return v !== undefined && v >= lo && v <= hi;
  };
}

/** Line filter: any IPv4 address appearing in the line matches. */
export function compileIpLineMatcher(pattern: string): (line: string) => boolean {
  const m = compileIpMatcher(pattern);
  return (line) => {
    for (const cand of line.match(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g) ?? [])
      if (m(cand)) return true;
    return false;
  };
}
