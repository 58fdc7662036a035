// Log-injection defence (CWE-117): control characters in user-controlled strings are encoded visibly,
// never deleted, so the record still shows that someone tried. Covered: C0 controls (CR, LF, TAB, ESC
// of ANSI sequences, NUL, ...), DEL, C1 controls (NEL U+0085 included), the Unicode line/paragraph
// separators U+2028/U+2029 (which JSON.stringify leaves raw), and bidi controls (U+061C, U+200E/F,
// U+202A–U+202E, U+2066–U+2069; "Trojan Source" style reordering in log viewers).
// A backslash itself is not escaped: a literal "\n" typed by a user stays two harmless characters.

const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const unsafeGlobal = new RegExp(unsafe.source, 'g');
const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function encode(ch: string): string {
  return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export function hasUnsafeCharacters(text: string): boolean {
  return unsafe.test(text);
}

/** "a\r\nb\u001b[31m" → "a\\r\\nb\\u001b[31m". Returns the same string when nothing needs encoding. */
export function neutralizeString(text: string): string {
  return unsafe.test(text) ? text.replace(unsafeGlobal, encode) : text;
}

const maxDepth = 64;

/**
 * Neutralizes every string (and map key) inside an AnyValue. Copy-on-write: returns the input itself
 * when nothing changed, so the caller's objects are never mutated. Cycles become "[Circular]" and
 * nesting deeper than 64 becomes "[MaxDepth]", because the OTLP encoder would overflow the stack on
 * either and lose the record.
 */
export function neutralizeValue(value: unknown): unknown {
  return walk(value, new Set<object>(), 0);
}

function walk(value: unknown, seen: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return neutralizeString(value);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= maxDepth) return '[MaxDepth]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = walk(item, seen, depth + 1);
        if (next !== item) (copy ??= value.slice())[i] = next;
      }
      return copy ?? value;
    }
    // Only plain maps are AnyValue; other objects (Date, Error, class instances) pass through for the
    // SDK to accept or reject as it does today.
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | undefined;
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const item = source[key];
      const next = walk(item, seen, depth + 1);
      const safeKey = neutralizeString(key);
      if (next !== item || safeKey !== key) {
        copy ??= { ...source };
        if (safeKey !== key) delete copy[key];
        copy[safeKey] = next;
      }
    }
    return copy ?? value;
  } finally {
    seen.delete(value);
  }
}
