// The pure redaction engine: strings and AnyValue trees in, redacted copies out. The processor,
// the `logward gateway` OTLP proxy and the CLI all reuse it. Never mutates its input: a value that
// needs no change is returned as the same reference, a changed one as a copy (copy-on-write).
import { createHmac, randomBytes } from 'node:crypto';
import {
  normalizeKeyName,
  resolveRedactionConfig,
  type CompiledRule,
  type RedactionConfigInput,
  type ResolvedRedactionConfig,
} from './config.ts';
import { maxDepthRuleId, sensitiveKeyRuleId, timeBudgetRuleId } from './default-rules.ts';
import { KeywordPrefilter } from './prefilter.ts';
import { addToReport, createRedactionReport, type RedactionAction, type RedactionReport } from './types.ts';
import { shannonEntropy } from './validators.ts';

export interface RedactorOptions {
  /** Clock for the time budget, in milliseconds (default `performance.now`). */
  readonly now?: () => number;
  /**
   * Run the keyword prefilter (default true). `false` runs every pattern over every string; the
   * output is identical, only slower. It exists as the benchmark's naive baseline and as the
   * reference the prefilter is tested against.
   */
  readonly prefilter?: boolean;
}

export interface Redactor {
  readonly config: ResolvedRedactionConfig;
  /** True when no pseudonymKey was configured and pseudonyms use a random per-process key. */
  readonly usesRandomPseudonymKey: boolean;
  /** Redacts one string. A `drop` finding yields the mask marker (a bare string cannot be removed). */
  redactString(input: string, report?: RedactionReport): string;
  /**
   * Redacts an AnyValue (string, number, boolean, bytes, arrays, maps, nested). Sensitive key
   * names mask their whole value. Returns `undefined` when a `drop` finding removed the value.
   */
  redactValue<T>(value: T, report?: RedactionReport): T | undefined;
  /** Whether a key (attribute key, dotted path or map key) names a secret. */
  isSensitiveKey(key: string): boolean;
  /** Starts a scope with one time budget, for redacting the parts of one record. */
  beginScope(report: RedactionReport): RedactionScope;
}

/** Marks a value removed by a `drop` action; never escapes the engine. */
export const DROPPED: unique symbol = Symbol('logward.redaction.dropped');
export type Dropped = typeof DROPPED;

let processPseudonymKey: string | undefined;
/** One random key per process, so pseudonyms from every redactor in the process agree. */
function randomProcessKey(): string {
  processPseudonymKey ??= randomBytes(32).toString('hex');
  return processPseudonymKey;
}

/**
 * What the engine knows about a key: whether it names a secret, and the last few string values
 * seen under it that needed no redaction. Attribute values repeat (methods, routes, user agents,
 * service names); redaction is a pure function of the string, so an identical value is clean
 * again without another scan.
 */
export interface KeyInfo {
  readonly sensitive: boolean;
  /**
   * Recent clean values, direct-mapped by length and last character (see cleanSlot): a lookup
   * costs at most one string comparison, where a ring of recent values compared each entry, and
   * values of one length (ids, paths) mostly differ in their last character.
   */
  readonly clean: string[];
}

/** Clean values remembered per key (a power of two). */
const rememberedPerKey = 8;

function cleanSlot(value: string): number {
  const length = value.length;
  return (length * 5 + value.charCodeAt(length - 1)) & (rememberedPerKey - 1);
}

/** Longest string remembered as clean per key (bounds the memory the shortcut can hold). */
const maxRememberedLength = 512;

/** Key memo slots (see RedactionScope.keySlot): attributes use 0..63, the body 64..255. */
const bodyKeySlots = 64;
const keySlotLimit = 256;

interface Span {
  start: number;
  end: number;
  rule: CompiledRule;
}

export function maskMarker(ruleId: string): string {
  return `[REDACTED:${ruleId}]`;
}

class RedactionEngine implements Redactor {
  readonly config: ResolvedRedactionConfig;
  readonly usesRandomPseudonymKey: boolean;
  readonly rules: readonly CompiledRule[];
  readonly prefilter: KeywordPrefilter | undefined;
  readonly candidates: number[];
  readonly now: () => number;
  private readonly pseudonymKey: string;
  private readonly pseudonyms = new Map<string, string>();
  private readonly keys = new Map<string, KeyInfo>();
  /** Remember the last clean value per key (a prefilter shortcut, so off in naive mode). */
  readonly rememberCleanValues: boolean;
  private readonly sensitiveNames: readonly string[];

  constructor(config: ResolvedRedactionConfig, options: RedactorOptions) {
    this.config = config;
    this.rules = config.rules;
    this.usesRandomPseudonymKey = config.pseudonymKey === undefined;
    this.pseudonymKey = config.pseudonymKey ?? randomProcessKey();
    this.prefilter = options.prefilter === false ? undefined : new KeywordPrefilter(this.rules);
    this.rememberCleanValues = this.prefilter !== undefined;
    this.candidates = this.rules.map((_, i) => i);
    this.now = options.now ?? (() => performance.now());
    this.sensitiveNames = config.sensitiveKeys.names;
    this.warmUp();
  }

  /**
   * V8 compiles regexes and hot functions on their first runs; doing that at startup keeps the
   * first records that need a rule from spending their time budget on compilation.
   */
  private warmUp(): void {
    const value = 'Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd5';
    const keywords = this.rules.flatMap((rule) => rule.keywords);
    const sample = [
      ...keywords.map((keyword) => `${keyword}=${value} ${keyword}: ${value}`),
      `https://u:${value}@h.example/?token=${value} 4111 1111 1111 1111 a@b.example 123-45-6789 10.0.0.1 ::1`,
    ].join('\n');
    new RedactionScope(this, createRedactionReport()).string(sample);
  }

  redactString(input: string, report: RedactionReport = createRedactionReport()): string {
    const scope = this.beginScope(report);
    const out = scope.string(input);
    return out === DROPPED ? maskMarker(scope.lastDropRule ?? sensitiveKeyRuleId) : out;
  }

  redactValue<T>(value: T, report: RedactionReport = createRedactionReport()): T | undefined {
    const out = this.beginScope(report).value(value, 0);
    return out === DROPPED ? undefined : (out as T);
  }

  beginScope(report: RedactionReport): RedactionScope {
    return new RedactionScope(this, report);
  }

  isSensitiveKey(key: string): boolean {
    return this.keyInfo(key).sensitive;
  }

  /** Per-key facts, cached: keys repeat across records. Bounded so hostile key churn cannot grow it. */
  keyInfo(key: string): KeyInfo {
    let info = this.keys.get(key);
    if (info === undefined) {
      if (this.keys.size >= 10_000) this.keys.clear();
      info = { sensitive: this.computeKeyVerdict(key), clean: new Array<string>(rememberedPerKey).fill('') };
      this.keys.set(key, info);
    }
    return info;
  }

  private computeKeyVerdict(key: string): boolean {
    const keys = this.config.sensitiveKeys;
    if (!keys.enabled) return false;
    const lastSegment = normalizeKeyName(key.slice(key.lastIndexOf('.') + 1));
    if (keys.allow.has(lastSegment) || keys.allow.has(normalizeKeyName(key))) return false;
    return this.sensitiveNames.some((name) => lastSegment.endsWith(name));
  }

  replacement(ruleId: string, action: RedactionAction, keep: number, secret: string): string {
    switch (action) {
      case 'partial': {
        // Never reveal more than a quarter of a secret, however `keep` is configured.
        const compact = secret.replace(/[\s-]/g, '');
        const visible = Math.min(keep, Math.floor(compact.length / 4));
        return visible > 0 ? `[REDACTED:${ruleId}:...${compact.slice(-visible)}]` : maskMarker(ruleId);
      }
      case 'hash':
        return `[PSEUDO:${ruleId}:${this.pseudonym(secret)}]`;
      default:
        return maskMarker(ruleId);
    }
  }

  /** Keyed HMAC-SHA256 (first 12 hex): same input and key give the same token, no key no reversal. */
  private pseudonym(secret: string): string {
    let token = this.pseudonyms.get(secret);
    if (token === undefined) {
      token = createHmac('sha256', this.pseudonymKey).update(secret).digest('hex').slice(0, 12);
      if (this.pseudonyms.size >= 4096) this.pseudonyms.clear();
      this.pseudonyms.set(secret, token);
    }
    return token;
  }
}

/** Redaction of the parts of one record under one time budget. */
export class RedactionScope {
  private readonly engine: RedactionEngine;
  readonly report: RedactionReport;
  private deadline = Number.POSITIVE_INFINITY;
  private started = false;
  private exhausted = false;
  private visited = 0;
  /** Id of the rule behind the latest `drop`, for callers that must put a marker in its place. */
  lastDropRule: string | undefined;
  private readonly spans: Span[] = [];
  /**
   * Key memo by position: records from one call site repeat their keys in the same order, so the
   * n-th key of this record is usually the n-th key of the previous one and its KeyInfo is found
   * by one identity comparison instead of a Map lookup. Attributes and body use separate ranges
   * so records of different shapes do not push each other's keys out of place.
   */
  private keySlot = bodyKeySlots;
  private readonly slotKeys: string[] = [];
  private readonly slotInfos: KeyInfo[] = [];

  constructor(engine: RedactionEngine, report: RedactionReport) {
    this.engine = engine;
    this.report = report;
  }

  get budgetExceeded(): boolean {
    return this.exhausted;
  }

  /**
   * The clock starts at the first string that needs pattern matching: a clean record never reads
   * it, and the prefilter scan before that point is linear and cheap.
   */
  private overBudget(): boolean {
    if (this.exhausted) return true;
    const now = this.engine.now();
    if (!this.started) {
      this.started = true;
      this.deadline = now + this.engine.config.budgetMs;
    }
    if (now > this.deadline) this.exhausted = true;
    return this.exhausted;
  }

  /** Reuses the scope for the next record (the processor is synchronous, one record at a time). */
  reset(): void {
    if (this.report.total > 0) {
      this.report.counts.clear();
      this.report.total = 0;
    }
    this.deadline = Number.POSITIVE_INFINITY;
    this.started = false;
    this.exhausted = false;
    this.visited = 0;
    this.lastDropRule = undefined;
    this.keySlot = bodyKeySlots;
  }

  /** Keys met from here on are an attribute list's (see keySlot). */
  startAttributes(): void {
    this.keySlot = 0;
  }

  private keyInfo(key: string): KeyInfo {
    const slot = this.keySlot++;
    if (slot >= keySlotLimit) return this.engine.keyInfo(key);
    if (this.slotKeys[slot] === key) return this.slotInfos[slot]!;
    const info = this.engine.keyInfo(key);
    this.slotKeys[slot] = key;
    this.slotInfos[slot] = info;
    return info;
  }

  /** Redacts the value under a key: the whole value if the key is sensitive, else its content. */
  entry(key: string, item: unknown, depth: number): unknown {
    const info = this.keyInfo(key);
    if (info.sensitive) return this.keyed(item);
    if (typeof item !== 'string' || item.length === 0) return this.value(item, depth);
    const slot = cleanSlot(item);
    // Identity is checked first by ===; equal content of another string object still matches.
    if (item === info.clean[slot]) return item;
    const next = this.string(item);
    if (next === item && item.length <= maxRememberedLength && this.engine.rememberCleanValues) {
      info.clean[slot] = item;
    }
    return next;
  }

  /** After the budget: no more scanning, every remaining non-empty string is masked whole. */
  private wholesale(input: string): string {
    if (input.length === 0) return input;
    addToReport(this.report, timeBudgetRuleId);
    return maskMarker(timeBudgetRuleId);
  }

  string(input: string): string | Dropped {
    if (this.exhausted) return this.wholesale(input);
    const engine = this.engine;
    const candidates = engine.candidates;
    const count =
      engine.prefilter === undefined ? candidates.length : engine.prefilter.scan(input, candidates);
    if (count === 0) return input;
    if (this.overBudget()) return this.wholesale(input);
    const spans = this.spans;
    spans.length = 0;
    for (let k = 0; k < count; k++) this.findSpans(engine.rules[candidates[k]!]!, input, spans);
    if (spans.length === 0) return input;
    spans.sort((a, b) => a.start - b.start);
    let out = '';
    let cursor = 0;
    let dropped = false;
    for (const span of spans) {
      const rule = span.rule;
      addToReport(this.report, rule.id);
      if (rule.action === 'drop') {
        dropped = true;
        this.lastDropRule = rule.id;
      }
      out += input.slice(cursor, span.start);
      out += engine.replacement(rule.id, rule.action, rule.keep, input.slice(span.start, span.end));
      cursor = span.end;
    }
    if (dropped) return DROPPED;
    return out + input.slice(cursor);
  }

  private findSpans(rule: CompiledRule, input: string, spans: Span[]): void {
    const regex = rule.regex;
    const group = rule.secretGroup;
    regex.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = regex.exec(input)) !== null) {
      if (m[0].length === 0) {
        regex.lastIndex = m.index + 1;
        continue;
      }
      let start = m.index;
      let secret: string | undefined = m[0];
      if (group > 0) {
        const indices = m.indices?.[group];
        secret = m[group];
        if (indices === undefined || secret === undefined || secret.length === 0) continue;
        start = indices[0];
      }
      let accepted: string | null = secret;
      // gitleaks semantics: a finding needs entropy strictly above the rule's threshold.
      if (rule.minEntropy > 0 && shannonEntropy(secret) <= rule.minEntropy) accepted = null;
      if (accepted !== null && rule.check !== undefined)
        accepted = rule.check(secret, { input, start, groups: m });
      if (accepted === null || accepted.length === 0) {
        // A rejected candidate may hide a real one after its start ("user=x;token=...").
        regex.lastIndex = m.index + 1;
        continue;
      }
      const end = start + accepted.length;
      if (!overlaps(spans, start, end)) spans.push({ start, end, rule });
      regex.lastIndex = Math.max(end, m.index + 1);
    }
  }

  /** Applies the key rule: the whole value of a sensitive key is hidden, whatever its shape. */
  keyed(value: unknown): unknown {
    if (value === null || value === undefined || value === '') return value;
    const keys = this.engine.config.sensitiveKeys;
    addToReport(this.report, sensitiveKeyRuleId);
    if (keys.action === 'drop') {
      this.lastDropRule = sensitiveKeyRuleId;
      return DROPPED;
    }
    if (typeof value === 'string')
      return this.engine.replacement(sensitiveKeyRuleId, keys.action, keys.keep, value);
    if (keys.action === 'hash' && (typeof value === 'number' || typeof value === 'boolean')) {
      return this.engine.replacement(sensitiveKeyRuleId, 'hash', keys.keep, String(value));
    }
    return maskMarker(sensitiveKeyRuleId);
  }

  /** Redacts an AnyValue. Returns the same reference when nothing changed. */
  value(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        return this.number(value);
      case 'object':
        if (value === null) return value;
        if (depth >= this.engine.config.maxDepth) {
          addToReport(this.report, maxDepthRuleId);
          return maskMarker(maxDepthRuleId);
        }
        // Time is checked on a stride so a huge clean tree is still bounded by the budget.
        if ((++this.visited & 255) === 0 && this.overBudget()) return this.wholesale('x');
        if (ArrayBuffer.isView(value)) return value;
        if (Array.isArray(value)) return this.array(value, depth);
        return this.map(value as Record<string, unknown>, depth);
      default:
        return value;
    }
  }

  /** Card numbers logged as numbers: integers of 13+ digits are scanned as their decimal text. */
  private number(value: number): unknown {
    if (!Number.isSafeInteger(value) || (value < 1e12 && value > -1e12)) return value;
    const text = String(value);
    const out = this.string(text);
    return out === text ? value : out;
  }

  private array(value: readonly unknown[], depth: number): unknown {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const next = this.value(item, depth + 1);
      if (out === undefined) {
        if (next === item) continue;
        out = value.slice(0, i);
      }
      if (next !== DROPPED) out.push(next);
    }
    return out ?? value;
  }

  private map(value: Record<string, unknown>, depth: number): unknown {
    const keys = Object.keys(value);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = value[key];
      const next = this.entry(key, item, depth + 1);
      if (out === undefined) {
        if (next === item) continue;
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = value[keys[j]!];
      }
      if (next !== DROPPED) out[key] = next;
    }
    return out ?? value;
  }
}

function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  for (const span of spans) if (start < span.end && span.start < end) return true;
  return false;
}

/** Builds a redactor from config (validated with zod; throws RedactionConfigError naming the field). */
export function createRedactor(config?: RedactionConfigInput, options: RedactorOptions = {}): Redactor {
  return new RedactionEngine(resolveRedactionConfig(config), options);
}
