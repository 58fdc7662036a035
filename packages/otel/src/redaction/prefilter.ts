// One pass over a string decides which rules can possibly match it, so a clean record runs almost
// no regexes. Keywords go through an Aho-Corasick automaton (ASCII, case-folded, dense DFA table);
// the same loop measures what rules with no literal to key on need: the digit count, the longest
// digit run (digits joined by single spaces or dashes, as in card numbers, SSNs and IBANs), the
// longest run holding a dash, and two capitals right before two digits (an IBAN's country code).
// That bookkeeping sits on the digit and separator paths only, so letters cost nothing extra.
// `@` and `:`, which gate the email and IPv6 rules, are one-character pseudo-keywords of the
// automaton, counted on its rare accepting path.

export interface PrefilterRule {
  readonly keywords: readonly string[];
  readonly minDigits?: number;
  readonly minDigitRun?: number;
  readonly minDashedDigitRun?: number;
  readonly needsLettersThenDigits?: boolean;
  readonly minAt?: number;
  readonly minColons?: number;
  readonly requiresAnyOf?: string;
}

const ALPHABET = 128;

function isCapital(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** A rule gated on string features instead of (or besides) keywords, thresholds filled in. */
interface FeatureRule {
  readonly index: number;
  readonly minDigits: number;
  readonly minDigitRun: number;
  readonly minDashedDigitRun: number;
  readonly needsLettersThenDigits: boolean;
  readonly minAt: number;
  readonly minColons: number;
}

function containsAny(input: string, chars: string): boolean {
  for (let k = 0; k < chars.length; k++) if (input.indexOf(chars[k]!) !== -1) return true;
  return false;
}

function featureRuleMatches(rule: FeatureRule, f: Features): boolean {
  return (
    f.digits >= rule.minDigits &&
    f.maxDigitRun >= rule.minDigitRun &&
    f.maxDashedRun >= rule.minDashedDigitRun &&
    (f.lettersThenDigits || !rule.needsLettersThenDigits) &&
    f.at >= rule.minAt &&
    f.colons >= rule.minColons
  );
}

interface Features {
  digits: number;
  maxDigitRun: number;
  maxDashedRun: number;
  lettersThenDigits: boolean;
  at: number;
  colons: number;
}

export class KeywordPrefilter {
  private readonly classOf: Uint8Array;
  private readonly table: Uint16Array | Int32Array;
  private readonly firstAccepting: number;
  private readonly outputs: (readonly number[] | undefined)[];
  private readonly featureRules: FeatureRule[] = [];
  private readonly alwaysRules: number[] = [];
  /** Per rule index: characters one of which must also occur (see PrefilterRule.requiresAnyOf). */
  private readonly requiredChars: (string | undefined)[];
  private readonly stamps: Uint32Array;
  private stamp = 0;
  private readonly ruleCount: number;
  /** Offsets of accepting states met in the current scan (reused; valid up to the count). */
  private readonly accepts: number[] = [];
  /** What the current scan measured (reused); `at` and `colons` are counted by collect. */
  private readonly features: Features = {
    digits: 0,
    maxDigitRun: 0,
    maxDashedRun: 0,
    lettersThenDigits: false,
    at: 0,
    colons: 0,
  };
  private readonly maxAt: number;
  private readonly maxColons: number;
  /** Fewest digits with which a rule gated on features but not on `@` or `:` can match. */
  private readonly minFeatureDigits: number;

  constructor(rules: readonly PrefilterRule[]) {
    this.ruleCount = rules.length;
    this.requiredChars = rules.map((rule) => rule.requiresAnyOf);
    this.stamps = new Uint32Array(rules.length);
    const thresholds = (pick: (rule: PrefilterRule) => number | undefined) =>
      rules.map(pick).filter((n): n is number => n !== undefined && n > 0);
    const atThresholds = thresholds((r) => r.minAt);
    const colonThresholds = thresholds((r) => r.minColons);
    this.maxAt = Math.max(0, ...atThresholds);
    this.maxColons = Math.max(0, ...colonThresholds);
    // Build the trie. Outputs are rule indexes; the two past the last rule mark `@` and `:`.
    const children: Map<number, number>[] = [new Map()];
    const nodeOutputs: Set<number>[] = [new Set()];
    const atMarker = rules.length;
    const colonMarker = rules.length + 1;
    const keywordLists: { keywords: readonly string[]; index: number }[] = rules.map((rule, index) => ({
      keywords: rule.keywords,
      index,
    }));
    if (this.maxAt > 0) keywordLists.push({ keywords: ['@'], index: atMarker });
    if (this.maxColons > 0) keywordLists.push({ keywords: [':'], index: colonMarker });
    rules.forEach((rule, index) => {
      const gated =
        rule.minDigits !== undefined ||
        rule.minDigitRun !== undefined ||
        rule.minDashedDigitRun !== undefined ||
        rule.needsLettersThenDigits === true ||
        rule.minAt !== undefined ||
        rule.minColons !== undefined;
      if (gated) {
        this.featureRules.push({
          index,
          minDigits: rule.minDigits ?? 0,
          minDigitRun: rule.minDigitRun ?? 0,
          minDashedDigitRun: rule.minDashedDigitRun ?? 0,
          needsLettersThenDigits: rule.needsLettersThenDigits === true,
          minAt: rule.minAt ?? 0,
          minColons: rule.minColons ?? 0,
        });
      }
      if (rule.keywords.length === 0 && !gated) this.alwaysRules.push(index);
    });
    const digitNeeds = this.featureRules
      .filter((r) => r.minAt === 0 && r.minColons === 0)
      .map((r) =>
        Math.max(r.minDigits, r.minDigitRun, r.minDashedDigitRun, r.needsLettersThenDigits ? 2 : 0),
      );
    this.minFeatureDigits = digitNeeds.length > 0 ? Math.min(...digitNeeds) : Number.POSITIVE_INFINITY;
    for (const { keywords, index } of keywordLists) {
      for (const keyword of keywords) {
        let node = 0;
        for (const ch of keyword.toLowerCase()) {
          const code = ch.charCodeAt(0);
          // Non-ASCII keywords cannot be followed by the ASCII table; such a rule always runs.
          if (code >= ALPHABET) {
            node = -1;
            break;
          }
          let next = children[node]!.get(code);
          if (next === undefined) {
            next = children.length;
            children.push(new Map());
            nodeOutputs.push(new Set());
            children[node]!.set(code, next);
          }
          node = next;
        }
        if (node === -1) this.alwaysRules.push(index);
        else nodeOutputs[node]!.add(index);
      }
    }
    // Breadth-first: failure links, merged outputs, and a complete transition table (a DFA).
    const nodeCount = children.length;
    // Full 128-wide transition table, only while building the compact one (kept as a field it
    // held ~200 KB per redactor for nothing).
    const transitions = new Int32Array(nodeCount * ALPHABET);
    const fail = new Int32Array(nodeCount);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = children[0]!.get(c);
      if (next !== undefined) {
        transitions[c] = next;
        fail[next] = 0;
        queue.push(next);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const index of nodeOutputs[fail[node]!]!) nodeOutputs[node]!.add(index);
      for (let c = 0; c < ALPHABET; c++) {
        const next = children[node]!.get(c);
        if (next !== undefined) {
          fail[next] = transitions[fail[node]! * ALPHABET + c]!;
          transitions[node * ALPHABET + c] = next;
          queue.push(next);
        } else {
          transitions[node * ALPHABET + c] = transitions[fail[node]! * ALPHABET + c]!;
        }
      }
    }
    // Compact the table so the hot loop stays in L1 cache: characters that occur in no keyword
    // all behave alike (class 0); 'A'..'Z' share the class of 'a'..'z' (case folding compiled in).
    // States are renumbered so the accepting ones come last: acceptance is one comparison.
    const classOf = new Uint8Array(ALPHABET);
    const representatives = [0];
    for (let c = 0; c < ALPHABET; c++) {
      if (c >= 65 && c <= 90) continue;
      if (children.some((map) => map.has(c))) {
        classOf[c] = representatives.length;
        representatives.push(c);
      }
    }
    for (let c = 65; c <= 90; c++) classOf[c] = classOf[c | 32]!;
    const outputs = nodeOutputs.map((set) => (set.size > 0 ? [...set].sort((a, b) => a - b) : undefined));
    const order = [...outputs.keys()].sort(
      (a, b) => Number(outputs[a] !== undefined) - Number(outputs[b] !== undefined),
    );
    const renumbered = new Int32Array(nodeCount);
    order.forEach((node, index) => (renumbered[node] = index));
    const classes = representatives.length;
    // Entries are offsets (state * classes) of the next state, which saves a multiply per char.
    const size = nodeCount * classes;
    const compact = size < 0xffff ? new Uint16Array(size) : new Int32Array(size);
    for (let node = 0; node < nodeCount; node++) {
      for (let k = 0; k < classes; k++) {
        // Class 0 stands for every non-keyword char: from any state it leads back to the root.
        const next = k === 0 ? 0 : transitions[node * ALPHABET + representatives[k]!]!;
        compact[renumbered[node]! * classes + k] = renumbered[next]! * classes;
      }
    }
    this.classOf = classOf;
    this.table = compact;
    const stateOutputs = order.map((node) => outputs[node]);
    this.outputs = [];
    stateOutputs.forEach((found, state) => (this.outputs[state * classes] = found));
    const firstAcceptingState = order.findIndex((node) => outputs[node] !== undefined);
    this.firstAccepting = (firstAcceptingState === -1 ? nodeCount : firstAcceptingState) * classes;
  }

  /** Marks the rules of an accepting state (by offset); returns the updated count of distinct hits. */
  private collect(offset: number, stamp: number, hits: number): number {
    const found = this.outputs[offset]!;
    const stamps = this.stamps;
    const ruleCount = this.ruleCount;
    for (let k = 0; k < found.length; k++) {
      const index = found[k]!;
      if (index >= ruleCount) {
        if (index === ruleCount) this.features.at++;
        else this.features.colons++;
      } else if (stamps[index] !== stamp) {
        stamps[index] = stamp;
        hits++;
      }
    }
    return hits;
  }

  /**
   * Writes the indexes of candidate rules into `out` in ascending (priority) order and returns
   * how many there are.
   */
  scan(input: string, out: number[]): number {
    // The automaton runs inline here: most strings are short attribute values, for which a call
    // and the bookkeeping below would cost more than the scan itself. Accepting states are rare
    // and only remembered; a string with none, whose digits interest no rule, is done.
    const table = this.table;
    const classOf = this.classOf;
    const firstAccepting = this.firstAccepting;
    const accepts = this.accepts;
    let acceptCount = 0;
    let offset = 0;
    let digits = 0;
    let run = 0;
    let maxRun = 0;
    let maxDashedRun = 0;
    /** The previous char was a single space or dash inside a run. */
    let separated = false;
    /** The current run holds a dash. */
    let dashed = false;
    let capitalsBeforeRun = false;
    let lettersThenDigits = false;
    const length = input.length;
    for (let i = 0; i < length; i++) {
      const code = input.charCodeAt(i);
      if (code >= ALPHABET) {
        offset = 0;
        run = 0;
        separated = false;
        continue;
      }
      offset = table[offset + classOf[code]!]!;
      if (offset >= firstAccepting) accepts[acceptCount++] = offset;
      if (code <= 57 && code >= 48) {
        digits++;
        if (run === 0) {
          capitalsBeforeRun = isCapital(input.charCodeAt(i - 1)) && isCapital(input.charCodeAt(i - 2));
          dashed = false;
        }
        run++;
        if (run > maxRun) maxRun = run;
        if (run === 2 && capitalsBeforeRun && !separated) lettersThenDigits = true;
        if (dashed && run > maxDashedRun) maxDashedRun = run;
        separated = false;
      } else if (run > 0) {
        if ((code === 32 || code === 45) && !separated) {
          separated = true;
          if (code === 45) dashed = true;
        } else {
          run = 0;
          separated = false;
        }
      }
    }
    const quiet = acceptCount === 0 && this.alwaysRules.length === 0;
    if (quiet && digits < this.minFeatureDigits) return 0;
    const f = this.features;
    f.digits = digits;
    f.maxDigitRun = maxRun;
    f.maxDashedRun = maxDashedRun;
    f.lettersThenDigits = lettersThenDigits;
    f.at = 0;
    f.colons = 0;
    if (quiet && !this.anyFeatureRuleMatches(f)) return 0;
    return this.candidates(input, out, acceptCount);
  }

  private anyFeatureRuleMatches(f: Features): boolean {
    for (const rule of this.featureRules) if (featureRuleMatches(rule, f)) return true;
    return false;
  }

  /** The rules a string with some keyword, a feature rule's features or an always-run rule needs. */
  private candidates(input: string, out: number[], acceptCount: number): number {
    let stamp = ++this.stamp;
    if (stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = stamp = 1;
    }
    const accepts = this.accepts;
    let hits = 0;
    for (let k = 0; k < acceptCount; k++) hits = this.collect(accepts[k]!, stamp, hits);
    const stamps = this.stamps;
    const f = this.features;
    for (const rule of this.featureRules) {
      if (stamps[rule.index] !== stamp && featureRuleMatches(rule, f)) {
        stamps[rule.index] = stamp;
        hits++;
      }
    }
    for (const index of this.alwaysRules) {
      if (stamps[index] !== stamp) {
        stamps[index] = stamp;
        hits++;
      }
    }
    if (hits === 0) return 0;
    let n = 0;
    let found = 0;
    const required = this.requiredChars;
    for (let index = 0; index < this.ruleCount && found < hits; index++) {
      if (stamps[index] !== stamp) continue;
      found++;
      const chars = required[index];
      if (chars === undefined || containsAny(input, chars)) out[n++] = index;
    }
    return n;
  }
}
