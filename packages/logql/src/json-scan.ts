/**
 * A small JSON scanner that keeps raw number text ("1.50" stays "1.50", like Loki's
 * jsonparser-based parser) and walks objects without building them. Used by `| json`,
 * `| json a="path"` and `| unpack`.
 */

export class JsonScanError extends Error {}

const Ch = {
  Quote: 34,
  Backslash: 92,
  OpenBrace: 123,
  CloseBrace: 125,
  OpenBracket: 91,
  CloseBracket: 93,
  Colon: 58,
  Comma: 44,
} as const;

export function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** Returns the index just after the closing quote of the string starting at i (s[i] === '"'). */
export function stringEnd(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) throw new JsonScanError("Value looks like string, but can't find closing '\"' symbol");
    // Count preceding backslashes.
    let k = q - 1;
    let bs = 0;
    while (k > i && s.charCodeAt(k) === Ch.Backslash) {
      bs++;
      k--;
    }
    if (bs % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Decodes the string token s[i..end) including quotes. */
export function decodeString(s: string, i: number, end: number): string {
  const raw = s.slice(i + 1, end - 1);
  if (raw.indexOf('\\') < 0) return raw;
  try {
    return JSON.parse(s.slice(i, end)) as string;
  } catch {
    return '';
  }
}

/** Index just after the value starting at i. */
export function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === Ch.Quote) return stringEnd(s, i);
  if (c === Ch.OpenBrace || c === Ch.OpenBracket) {
    let depth = 0;
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === Ch.Quote) {
        j = stringEnd(s, j);
        continue;
      }
      if (d === Ch.OpenBrace || d === Ch.OpenBracket) depth++;
      else if (d === Ch.CloseBrace || d === Ch.CloseBracket) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    throw new JsonScanError(
      c === Ch.OpenBrace
        ? "Value looks like object, but can't find closing '}' symbol"
        : "Value is array, but can't find closing ']' symbol",
    );
  }
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (
      d === Ch.Comma ||
      d === Ch.CloseBrace ||
      d === Ch.CloseBracket ||
      d === 32 ||
      d === 10 ||
      d === 13 ||
      d === 9
    )
      break;
    j++;
  }
  if (j === i) throw new JsonScanError('Unknown value type');
  return j;
}

export type JsonValueType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export function valueType(s: string, i: number): JsonValueType {
  const c = s.charCodeAt(i);
  if (c === Ch.Quote) return 'string';
  if (c === Ch.OpenBrace) return 'object';
  if (c === Ch.OpenBracket) return 'array';
  if (c === 116 || c === 102) return 'boolean';
  if (c === 110) return 'null';
  return 'number';
}

/**
 * Calls visit(key, start, end, type) for each member of the object starting at i.
 * Keys are passed raw (undecoded), as Loki's jsonparser does.
 */
export function eachMember(
  s: string,
  i: number,
  visit: (key: string, start: number, end: number, type: JsonValueType) => void,
): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== Ch.OpenBrace) throw new JsonScanError('Malformed JSON error');
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === Ch.CloseBrace) return i + 1;
  for (;;) {
    if (s.charCodeAt(i) !== Ch.Quote) throw new JsonScanError('Malformed JSON error');
    const ke = stringEnd(s, i);
    const key = s.slice(i + 1, ke - 1);
    i = skipWs(s, ke);
    if (s.charCodeAt(i) !== Ch.Colon) throw new JsonScanError('Malformed JSON error');
    i = skipWs(s, i + 1);
    if (i >= s.length) throw new JsonScanError('Malformed JSON error');
    const type = valueType(s, i);
    const end = skipValue(s, i);
    visit(key, i, end, type);
    i = skipWs(s, end);
    const c = s.charCodeAt(i);
    if (c === Ch.Comma) {
      i = skipWs(s, i + 1);
      continue;
    }
    if (c === Ch.CloseBrace) return i + 1;
    throw new JsonScanError('Malformed JSON error');
  }
}

/**
 * The key token s[ks..ke) (quotes included) names `name`, compared in place: most members of a
 * line are not the one looked for, so their keys are not sliced out. Decoding escapes only
 * shortens a key, so a key of name's length matches by its text and a shorter one never does.
 */
function keyIs(s: string, ks: number, ke: number, name: string): boolean {
  const n = ke - ks - 2;
  if (n < name.length) return false;
  if (n === name.length) {
    for (let k = 0; k < n; k++) if (s.charCodeAt(ks + 1 + k) !== name.charCodeAt(k)) return false;
    return true;
  }
  for (let j = ks + 1; j < ke - 1; j++)
    if (s.charCodeAt(j) === Ch.Backslash) return decodeString(s, ks, ke) === name;
  return false;
}

/**
 * Start of the first member named `name` in the object at i (-1 if absent); stops at the first
 * hit. Each structural char is read once (`c`; whitespace, all <= 32, is rare between tokens).
 */
function memberValueStart(s: string, i: number, name: string): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== Ch.OpenBrace) throw new JsonScanError('Malformed JSON error');
  i = skipWs(s, i + 1);
  let c = s.charCodeAt(i);
  if (c === Ch.CloseBrace) return -1;
  for (;;) {
    if (c !== Ch.Quote) throw new JsonScanError('Malformed JSON error');
    const ks = i;
    const ke = stringEnd(s, i);
    c = s.charCodeAt((i = ke));
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (c !== Ch.Colon) throw new JsonScanError('Malformed JSON error');
    c = s.charCodeAt(++i);
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (i >= s.length) throw new JsonScanError('Malformed JSON error');
    if (keyIs(s, ks, ke, name)) return i;
    c = s.charCodeAt((i = c === Ch.Quote ? stringEnd(s, i) : skipValue(s, i)));
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (c === Ch.Comma) {
      c = s.charCodeAt(++i);
      if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
      continue;
    }
    if (c === Ch.CloseBrace) return -1;
    throw new JsonScanError('Malformed JSON error');
  }
}

/** Finds the value at a path of object keys / array indexes; returns [start, end, type] or undefined. */
export function findPath(s: string, path: (string | number)[]): [number, number, JsonValueType] | undefined {
  let i = skipWs(s, 0);
  for (const step of path) {
    const t = valueType(s, i);
    if (typeof step === 'number') {
      if (t !== 'array') return undefined;
      i = skipWs(s, i + 1);
      let idx = 0;
      let found = false;
      while (s.charCodeAt(i) !== Ch.CloseBracket && i < s.length) {
        if (idx === step) {
          found = true;
          break;
        }
        i = skipWs(s, skipValue(s, i));
        if (s.charCodeAt(i) === Ch.Comma) i = skipWs(s, i + 1);
        idx++;
      }
      if (!found) return undefined;
      continue;
    }
    if (t !== 'object') return undefined;
    const hit = memberValueStart(s, i, step);
    if (hit < 0) return undefined;
    i = hit;
  }
  return [i, skipValue(s, i), valueType(s, i)];
}
