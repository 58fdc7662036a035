/**
 * The label set a log line carries through a pipeline, with Loki's three categories
 * (pkg/logql/log/labels.go): stream labels (the base), structured metadata, and parsed labels.
 * Precedence is parsed > structured metadata > stream; a parsed or metadata name that collides
 * with a stream label (or parsed with metadata) gets the `_extracted` suffix where Loki adds it.
 *
 * Copy-on-write: `fork()` is cheap so that many rules can continue from one shared parse.
 */

import type { ParserHints } from './hints.ts';

export type Labels = Record<string, string>;

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
export const PRESERVE_ERROR_LABEL = '__preserve_error__';
export const DUPLICATE_SUFFIX = '_extracted';

export class LabelsBuilder {
  readonly base: Labels;
  private meta: Map<string, string> | null;
  private parsed: Map<string, string> | null;
  private deleted: Set<string> | null;
  /**
   * Parsed names deleted after being set. With `parsed`, this is Loki's ParserHint.Extracted:
   * every name ever set as a parsed label on this line (later parsers skip them).
   */
  private extracted: Set<string> | null;
  private shared: boolean;
  err: string;
  errDetails: string;
  /** labelsKey(base), when the caller knows it: the series key of an untouched entry. */
  baseKey: string | undefined;
  /** Loki's ParserLabelHints for this line (metric queries); undefined: extract everything. */
  hints: ParserHints | undefined;

  constructor(base: Labels, baseKey?: string) {
    this.baseKey = baseKey;
    this.hints = undefined;
    this.base = base;
    this.meta = null;
    this.parsed = null;
    this.deleted = null;
    this.extracted = null;
    this.shared = false;
    this.err = '';
    this.errDetails = '';
  }

  /** A copy that shares storage until either side writes. */
  fork(): LabelsBuilder {
    const f = new LabelsBuilder(this.base, this.baseKey);
    f.meta = this.meta;
    f.parsed = this.parsed;
    f.deleted = this.deleted;
    f.extracted = this.extracted;
    f.hints = this.hints;
    f.err = this.err;
    f.errDetails = this.errDetails;
    f.shared = true;
    this.shared = true;
    return f;
  }

  private own(): void {
    if (!this.shared) return;
    this.meta = this.meta ? new Map(this.meta) : null;
    this.parsed = this.parsed ? new Map(this.parsed) : null;
    this.deleted = this.deleted ? new Set(this.deleted) : null;
    this.extracted = this.extracted ? new Set(this.extracted) : null;
    this.shared = false;
  }

  /** The stream key if nothing was added, deleted or flagged; undefined otherwise. */
  pristineKey(): string | undefined {
    if (this.baseKey === undefined || this.err !== '' || this.errDetails !== '') return undefined;
    if (
      (this.meta && this.meta.size > 0) ||
      (this.parsed && this.parsed.size > 0) ||
      (this.deleted && this.deleted.size > 0)
    )
      return undefined;
    return this.baseKey;
  }

  /** Loki's BaseHas: the stream labels contain the name. */
  baseHas(name: string): boolean {
    // Stream label objects are created without a prototype (streams.ts), so a lookup is enough.
    return this.base[name] !== undefined;
  }

  hasAnyMeta(): boolean {
    return this.meta !== null && this.meta.size > 0;
  }

  hasParsed(name: string): boolean {
    return this.parsed !== null && this.parsed.has(name);
  }

  hasMeta(name: string): boolean {
    return this.meta !== null && this.meta.has(name);
  }

  /** Loki's Get: parsed, then metadata, then (not deleted, non-empty) stream label. */
  get(name: string): string | undefined {
    const p = this.parsed?.get(name);
    if (p !== undefined) return p;
    const m = this.meta?.get(name);
    if (m !== undefined) return m;
    if (this.deleted?.has(name)) return undefined;
    const v = this.base[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** Adds structured metadata the way Loki's LabelsBuilder.Add does (collisions with stream labels get `_extracted`). */
  addMetadata(md: Labels): void {
    for (const name of Object.keys(md)) {
      const target = this.baseHas(name) ? name + DUPLICATE_SUFFIX : name;
      if (target === ERROR_LABEL) {
        this.err = md[name]!;
        continue;
      }
      if (target === ERROR_DETAILS_LABEL) {
        this.errDetails = md[name]!;
        continue;
      }
      this.setMeta(target, md[name]!);
    }
  }

  private setMeta(name: string, value: string): void {
    this.own();
    if (this.parsed?.has(name)) return;
    if (!this.meta) this.meta = new Map();
    this.meta.set(name, value);
  }

  /** Sets a parsed label (removes the same name from metadata, overriding the stream label). */
  setParsed(name: string, value: string): void {
    this.own();
    if (this.meta?.has(name)) this.meta.delete(name);
    if (!this.parsed) this.parsed = new Map();
    this.parsed.set(name, value);
  }

  /**
   * Removes parsed labels that were set (by a parse being redone) as if never set: unlike
   * del(), they do not count as extracted. The names were not extracted before.
   */
  unsetParsed(names: string[]): void {
    if (names.length === 0) return;
    this.own();
    for (const n of names) this.parsed?.delete(n);
  }

  /** Loki's Extracted(key): a parser does not overwrite a label an earlier parse already set on this line. */
  wasExtracted(name: string): boolean {
    return (
      (this.parsed !== null && this.parsed.has(name)) || (this.extracted !== null && this.extracted.has(name))
    );
  }

  del(name: string): void {
    this.own();
    this.meta?.delete(name);
    if (this.parsed?.delete(name)) {
      if (!this.extracted) this.extracted = new Set();
      this.extracted.add(name);
    }
    if (!this.deleted) this.deleted = new Set();
    this.deleted.add(name);
  }

  setErr(err: string, details?: string): void {
    this.err = err;
    if (details !== undefined) this.errDetails = details;
  }

  /** Where a parser's key lands: `_extracted` if the stream labels or metadata already have it. */
  parserKey(name: string): string {
    return this.baseHas(name) || this.hasMeta(name) ? name + DUPLICATE_SUFFIX : name;
  }

  /** All labels as Loki renders them (stream minus deleted/overridden, metadata, parsed, then errors). */
  toLabels(): Labels {
    const out: Labels = {};
    for (const k of Object.keys(this.base)) {
      if (this.deleted?.has(k) || this.meta?.has(k) || this.parsed?.has(k)) continue;
      out[k] = this.base[k]!;
    }
    if (this.meta) for (const [k, v] of this.meta) if (!this.parsed?.has(k)) out[k] = v;
    if (this.parsed) for (const [k, v] of this.parsed) out[k] = v;
    if (this.err !== '') out[ERROR_LABEL] = this.err;
    if (this.errDetails !== '') out[ERROR_DETAILS_LABEL] = this.errDetails;
    return out;
  }

  /** Only the named labels (Loki's grouped extraction); error labels force the full set like Loki. */
  pick(names: string[]): Labels {
    if (this.err !== '' || this.errDetails !== '') return this.toLabels();
    const out: Labels = {};
    for (const n of names) {
      const p = this.parsed?.get(n) ?? this.meta?.get(n);
      if (p !== undefined) {
        out[n] = p;
        continue;
      }
      if (this.deleted?.has(n)) continue;
      const v = this.base[n];
      if (v !== undefined && v !== '') out[n] = v;
    }
    return out;
  }

  /** Map for templates: every label plus __error__ like Loki's IntoMap. */
  toTemplateData(): Labels {
    return this.toLabels();
  }
}

/** Prometheus-style sorted label key used to identify series: `{a="1", b="2"}`. */
export function labelsKey(l: Labels): string {
  const keys = Object.keys(l).sort();
  let s = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) s += ', ';
    s += k + '=' + JSON.stringify(l[k]);
  }
  return s + '}';
}

export function sortLabels(l: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** Prometheus labels.Compare: lexicographic over sorted (name, value) pairs. */
export function compareLabels(a: Labels, b: Labels): number {
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  const n = Math.min(ak.length, bk.length);
  for (let i = 0; i < n; i++) {
    const x = ak[i]!;
    const y = bk[i]!;
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x]!;
    const yv = b[y]!;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return ak.length - bk.length;
}
