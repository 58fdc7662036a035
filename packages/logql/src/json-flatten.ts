/**
 * `| json` without parameters (Loki's JSONParser, pkg/logql/log/parser.go): flattens nested
 * objects with "_", skips arrays and nulls, the first of duplicated keys wins; with parser hints
 * only required labels are extracted and the walk stops once all are found.
 *
 * Speed: a line is walked once. The label name each member becomes is derived once per stream
 * and object prefix and kept on a "member slot"; slots of an object are linked in the order the
 * last line had them, so on the next line (same producer, same key order) the key is checked in
 * place against the predicted slot instead of being sliced out and looked up in a map.
 */
import { decodeString, JsonScanError, skipValue, skipWs, stringEnd } from './json-scan.ts';
import type { LabelsBuilder } from './labels.ts';
import type { ParserHints } from './hints.ts';
import { addErrLabel, ERR_JSON, sanitizeLabelKey } from './parsers.ts';

/** What one member key of one object becomes; memoized per stream labels and object prefix. */
interface MemberSlot {
  /** The key as written in the line (undecoded, as Loki's jsonparser passes keys). */
  readonly raw: string;
  /** Label name for a scalar member ('' when the key sanitizes to nothing). */
  name: string | undefined;
  /** Prefix for the members of a nested object value. */
  nested: string | undefined;
  /** The slots of that nested object (saves looking them up by stream and prefix per line). */
  nestedSlots: ObjectSlots | undefined;
  /** shouldExtractPrefix(nested) for `prefixHintsOf`, like `extract`. */
  prefixHintsOf: ParserHints | undefined;
  walk: boolean;
  /** The member that followed this one in the last line walked: the prediction for the next line. */
  next: MemberSlot | undefined;
  /** shouldExtract(name) for `hintsOf` (one parse node keeps the same hints for a whole scan). */
  hintsOf: ParserHints | undefined;
  extract: boolean;
}

/** The slots of the objects found at one prefix. */
interface ObjectSlots {
  byKey: Map<string, MemberSlot>;
  /** Predicted first member. */
  first: MemberSlot | undefined;
}

// Bounds: lines with ever new keys (ids as keys) must not grow the memo without limit.
const MAX_PREFIXES = 1000;
const MAX_KEYS = 10000;

/**
 * Label names depend on the key path and on the stream labels (a name equal to a stream label
 * gets `_extracted`), so memos are per stream-labels object; entries with structured metadata
 * (which also cause `_extracted`) do not use them.
 */
const memo = new WeakMap<object, Map<string, ObjectSlots>>();

function objectSlots(lbs: LabelsBuilder, prefix: string): ObjectSlots | undefined {
  if (lbs.hasAnyMeta()) return undefined;
  let byPrefix = memo.get(lbs.base);
  if (!byPrefix) memo.set(lbs.base, (byPrefix = new Map()));
  let obj = byPrefix.get(prefix);
  if (!obj && byPrefix.size < MAX_PREFIXES)
    byPrefix.set(prefix, (obj = { byKey: new Map(), first: undefined }));
  return obj;
}

function slotFor(obj: ObjectSlots | undefined, raw: string): MemberSlot {
  let slot = obj?.byKey.get(raw);
  if (slot) return slot;
  slot = {
    raw,
    name: undefined,
    nested: undefined,
    nestedSlots: undefined,
    prefixHintsOf: undefined,
    walk: false,
    next: undefined,
    hintsOf: undefined,
    extract: false,
  };
  if (obj && obj.byKey.size < MAX_KEYS) obj.byKey.set(raw, slot);
  return slot;
}

const sanitizedCache = new Map<string, string>();
function sanitizedPart(key: string): string {
  let v = sanitizedCache.get(key);
  if (v === undefined) {
    v = key.trim() === '' ? '' : key.trim().replace(/[^A-Za-z0-9_]/gu, '_');
    if (sanitizedCache.size < 100000) sanitizedCache.set(key, v);
  }
  return v;
}

/** The label name a scalar member becomes (Loki: sanitized, prefixed, `_extracted` on collisions). */
function memberName(slot: MemberSlot, prefix: string, lbs: LabelsBuilder): string {
  if (slot.name !== undefined) return slot.name;
  let name: string;
  if (prefix === '') {
    name = sanitizeLabelKey(slot.raw, true);
    if (name !== '') name = lbs.parserKey(name);
  } else {
    const part = sanitizedPart(slot.raw);
    name = part === '' ? prefix : prefix + '_' + part;
    if (lbs.baseHas(name) || lbs.hasMeta(name)) name = name + '_extracted';
  }
  slot.name = name;
  return name;
}

/** The prefix a nested object's members get (`a` + `b` → `a_b`). */
function nestedPrefix(slot: MemberSlot, prefix: string): string {
  if (slot.nested !== undefined) return slot.nested;
  const part = sanitizedPart(slot.raw);
  const np =
    prefix === ''
      ? part !== '' && /^[0-9]/.test(part)
        ? '_' + part
        : part
      : part === ''
        ? prefix
        : prefix + '_' + part;
  slot.nested = np;
  return np;
}

/** Whether a member's value is extracted: hints allow the name and no earlier parse set it. */
function wanted(slot: MemberSlot, name: string, hints: ParserHints | undefined, lbs: LabelsBuilder): boolean {
  if (name === '') return false;
  if (hints) {
    if (slot.hintsOf !== hints) {
      slot.hintsOf = hints;
      slot.extract = hints.shouldExtract(name);
    }
    if (!slot.extract) return false;
  }
  // Loki: `!ShouldExtract(key) || Extracted(key)` → skip; so the first of duplicated keys wins.
  return !lbs.wasExtracted(name);
}

/**
 * The line has the key `key` followed by a quote at i. Slicing and comparing beats a charCodeAt
 * loop: the comparison is native, and a slice of a few chars is a cheap copy.
 */
function keyAt(s: string, i: number, key: string): boolean {
  const n = key.length;
  return s.charCodeAt(i + n) === 34 && s.slice(i, i + n) === key;
}

class StopParsing extends Error {}
const stopParsing = new StopParsing();

export function parseJsonLine(line: string, lbs: LabelsBuilder): void {
  const hints = lbs.hints;
  if (hints?.skipParsing(lbs)) return;
  // Fast path: one pass over the line. It extracts exactly what the validating walk extracts
  // when the JSON is well formed; on any syntax error its labels are undone and the validating
  // walk (jsonparser's order of checks, which decides what an erroring line carries) runs.
  const fast: FastWalk = { set: [], open: [] };
  try {
    fastMembers(line, 0, '', objectSlots(lbs, ''), lbs, hints, fast);
    return;
  } catch (err) {
    if (err === stopParsing) {
      // Stopped early inside nested objects: the validating walk would have checked their extent first.
      try {
        for (const start of fast.open) skipValue(line, start);
        return;
      } catch (e) {
        if (!(e instanceof JsonScanError)) throw e;
      }
    } else if (!(err instanceof JsonScanError)) throw err;
  }
  lbs.unsetParsed(fast.set);
  try {
    jsonMembers(line, 0, '', lbs, hints);
  } catch (err) {
    if (err === stopParsing) return;
    if (err instanceof JsonScanError) addErrLabel(lbs, ERR_JSON, err.message);
    else throw err;
  }
}

interface FastWalk {
  /** Labels set by the fast pass (undone if the line turns out malformed). */
  set: string[];
  /** Start offsets of the nested objects being walked. */
  open: number[];
}

/**
 * The fast pass: like jsonMembers, but nested objects are walked once (their end is where the
 * walk stops). Each char is read once where possible (`c`): charCodeAt is the walk's main cost,
 * and JSON written by programs rarely has whitespace between tokens (all of it is <= 32).
 */
function fastMembers(
  s: string,
  i: number,
  prefix: string,
  obj: ObjectSlots | undefined,
  lbs: LabelsBuilder,
  hints: ParserHints | undefined,
  fast: FastWalk,
): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 123) throw new JsonScanError('Malformed JSON error');
  i = skipWs(s, i + 1);
  let c = s.charCodeAt(i);
  if (c === 125) return i + 1;
  let expect = obj?.first;
  let prev: MemberSlot | undefined;
  for (;;) {
    if (c !== 34) throw new JsonScanError('Malformed JSON error');
    let slot: MemberSlot;
    // The predicted key followed by a quote is this member's whole key: the predicted text ended
    // at an unescaped quote before, and the same text before a quote leaves it unescaped again.
    if (expect !== undefined && keyAt(s, i + 1, expect.raw)) {
      slot = expect;
      i += 2 + expect.raw.length;
    } else {
      const ke = stringEnd(s, i);
      slot = slotFor(obj, s.slice(i + 1, ke - 1));
      if (obj) {
        if (prev) prev.next = slot;
        else obj.first = slot;
      }
      i = ke;
    }
    prev = slot;
    expect = slot.next;
    c = s.charCodeAt(i);
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (c !== 58) throw new JsonScanError('Malformed JSON error');
    c = s.charCodeAt(++i);
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (i >= s.length) throw new JsonScanError('Malformed JSON error');
    const start = i;
    let end: number;
    if (c === 123) {
      const np = nestedPrefix(slot, prefix);
      if (hints && slot.prefixHintsOf !== hints) {
        slot.prefixHintsOf = hints;
        slot.walk = hints.shouldExtractPrefix(np);
      }
      if (!hints || slot.walk) {
        fast.open.push(start);
        const inner = obj ? (slot.nestedSlots ??= objectSlots(lbs, np)) : objectSlots(lbs, np);
        end = fastMembers(s, start, np, inner, lbs, hints, fast);
        fast.open.pop();
      } else end = skipValue(s, start);
    } else {
      end = c === 34 ? stringEnd(s, start) : skipValue(s, start);
      if (c !== 91 && c !== 110) {
        const name = memberName(slot, prefix, lbs);
        if (wanted(slot, name, hints, lbs)) {
          lbs.setParsed(name, c === 34 ? decodeString(s, start, end) : s.slice(start, end));
          fast.set.push(name);
          if (hints?.allRequiredExtracted(lbs)) throw stopParsing;
        }
      }
    }
    i = end;
    c = s.charCodeAt(i);
    if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
    if (c === 44) {
      c = s.charCodeAt(++i);
      if (c <= 32) c = s.charCodeAt((i = skipWs(s, i)));
      continue;
    }
    if (c === 125) return i + 1;
    throw new JsonScanError('Malformed JSON error');
  }
}

/**
 * Walks the members of the object at `i` like jsonparser.ObjectEach: each value's extent is
 * found (and validated) before it is used, nested objects are walked with a prefix.
 */
function jsonMembers(
  s: string,
  i: number,
  prefix: string,
  lbs: LabelsBuilder,
  hints: ParserHints | undefined,
): void {
  const obj = objectSlots(lbs, prefix);
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 123) throw new JsonScanError('Malformed JSON error');
  i = skipWs(s, i + 1);
  if (s.charCodeAt(i) === 125) return;
  for (;;) {
    if (s.charCodeAt(i) !== 34) throw new JsonScanError('Malformed JSON error');
    const ke = stringEnd(s, i);
    const slot = slotFor(obj, s.slice(i + 1, ke - 1));
    i = skipWs(s, ke);
    if (s.charCodeAt(i) !== 58) throw new JsonScanError('Malformed JSON error');
    i = skipWs(s, i + 1);
    if (i >= s.length) throw new JsonScanError('Malformed JSON error');
    const start = i;
    const c = s.charCodeAt(i);
    const end = skipValue(s, i);
    if (c === 123) {
      const np = nestedPrefix(slot, prefix);
      if (!hints || hints.shouldExtractPrefix(np)) jsonMembers(s, start, np, lbs, hints);
    } else if (c !== 91 && c !== 110) {
      // Strings, numbers, booleans (arrays and null are not extracted).
      const name = memberName(slot, prefix, lbs);
      if (wanted(slot, name, hints, lbs)) {
        lbs.setParsed(name, c === 34 ? decodeString(s, start, end) : s.slice(start, end));
        if (hints?.allRequiredExtracted(lbs)) throw stopParsing;
      }
    }
    i = skipWs(s, end);
    const d = s.charCodeAt(i);
    if (d === 44) {
      i = skipWs(s, i + 1);
      continue;
    }
    if (d === 125) return;
    throw new JsonScanError('Malformed JSON error');
  }
}
