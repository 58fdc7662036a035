// One pass over a string decides which rules can possibly match it, so a clean record runs almost
// no regexes. Keywords go through an Aho-Corasick automaton (ASCII, case-folded, dense DFA table);
// the same loop counts digits and measures the longest digit run (digits joined by single spaces
// or dashes, as in card numbers, SSNs and IBANs) for rules with no literal to key on. `@` and `:`,
// which gate the email and IPv6 rules, are one-character pseudo-keywords of the automaton, so they
// are counted on its rare accepting path instead of by extra passes over every string.

export interface PrefilterRule {
  readonly keywords: readonly string[];
  readonly minDigits?: number;
  readonly minDigitRun?: number;
  readonly minDashedDigitRun?: number;
  readonly needsLettersThenDigits?: boolean;
  readonly minAt?: number;
  readonly minColons?: number;
}

const ALPHABET = 128;

const dashInRunFlag = 1;
const capitalsBeforeRunFlag = 2;

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

interface Features {
  digits: number;
  maxDigitRun: number;
  maxDashedRun: number;
  lettersThenDigits: boolean;
  at: number;
  colons: number;
}

export class KeywordPrefilter {
  /** Full 128-wide transition table, used while building the compact one. */
  private readonly transitions: Int32Array;
  private readonly classOf: Uint8Array;
  private readonly table: Uint16Array | Int32Array;
  private readonly firstAccepting: number;
  private readonly outputs: (readonly number[] | undefined)[];
  private readonly featureRules: FeatureRule[] = [];
  private readonly alwaysRules: number[] = [];
  private readonly stamps: Uint32Array;
  private stamp = 0;
  private readonly ruleCount: number;
  /** Offsets of accepting states met in the current scan (reused; valid up to the count). */
  private readonly accepts: number[] = [];
  /** Occurrences of the pseudo-keywords `@` and `:` in the current scan. */
  private atCount = 0;
  private colonCount = 0;
  private readonly scratch: Features = {
    digits: 0,
    maxDigitRun: 0,
    maxDashedRun: 0,
    lettersThenDigits: false,
    at: 0,
    colons: 0,
  };
  private readonly maxAt: number;
  private readonly maxColons: number;
  /** Smallest digit count at which any digit-run feature can matter. */
  private readonly minRunThreshold: number;
  /** Smallest digit count any digit-gated rule needs. */
  private readonly minFeatureDigits: number;

  constructor(rules: readonly PrefilterRule[]) {
    this.ruleCount = rules.length;
    this.stamps = new Uint32Array(rules.length);
    const thresholds = (pick: (rule: PrefilterRule) => number | undefined) =>
      rules.map(pick).filter((n): n is number => n !== undefined && n > 0);
    const atThresholds = thresholds((r) => r.minAt);
    const colonThresholds = thresholds((r) => r.minColons);
    this.maxAt = Math.max(0, ...atThresholds);
    this.maxColons = Math.max(0, ...colonThresholds);
    const runThresholds = thresholds(
      (r) => r.minDigitRun ?? r.minDashedDigitRun ?? (r.needsLettersThenDigits ? 2 : undefined),
    );
    this.minRunThreshold = runThresholds.length > 0 ? Math.min(...runThresholds) : Number.POSITIVE_INFINITY;
    const digitNeeds = thresholds((r) =>
      Math.max(
        r.minDigits ?? 0,
        r.minDigitRun ?? 0,
        r.minDashedDigitRun ?? 0,
        r.needsLettersThenDigits ? 2 : 0,
      ),
    );
    this.minFeatureDigits = digitNeeds.length > 0 ? Math.min(...digitNeeds) : Number.POSITIVE_INFINITY;
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
    this.transitions = new Int32Array(nodeCount * ALPHABET);
    const fail = new Int32Array(nodeCount);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = children[0]!.get(c);
      if (next !== undefined) {
        this.transitions[c] = next;
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
          fail[next] = this.transitions[fail[node]! * ALPHABET + c]!;
          this.transitions[node * ALPHABET + c] = next;
          queue.push(next);
        } else {
          this.transitions[node * ALPHABET + c] = this.transitions[fail[node]! * ALPHABET + c]!;
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
        const next = k === 0 ? 0 : this.transitions[node * ALPHABET + representatives[k]!]!;
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

  /**
   * `@` and `:` were counted by the automaton. Digit runs (single spaces or dashes inside a run
   * do not break it), dashed runs (a `-` inside, as in SSNs) and two capitals directly followed
   * by two digits (an IBAN's country code and check digits) need a second pass, taken only when
   * the string has enough digits for any of them.
   */
  private features(input: string, digits: number, runBound: number, runFlags: number): Features {
    const f = this.scratch;
    f.at = this.atCount;
    f.colons = this.colonCount;
    f.digits = digits;
    f.maxDigitRun = 0;
    f.maxDashedRun = 0;
    f.lettersThenDigits = false;
    if (runBound < this.minRunThreshold || !this.runPassUseful(runBound, runFlags)) return f;
    let run = 0;
    let separated = false;
    let dashed = false;
    let capitals = 0;
    let capitalsBeforeRun = 0;
    for (let i = 0; i < input.length; i++) {
      const code = input.charCodeAt(i);
      if (code >= 48 && code <= 57) {
        if (run === 0) {
          capitalsBeforeRun = capitals;
          dashed = false;
        }
        run++;
        if (run > f.maxDigitRun) f.maxDigitRun = run;
        if (run === 2 && capitalsBeforeRun >= 2 && !separated) f.lettersThenDigits = true;
        if (dashed && run > f.maxDashedRun) f.maxDashedRun = run;
        separated = false;
        capitals = 0;
        continue;
      }
      capitals = code >= 65 && code <= 90 ? capitals + 1 : 0;
      if (run > 0) {
        if ((code === 32 || code === 45) && !separated) {
          separated = true;
          if (code === 45) dashed = true;
        } else {
          run = 0;
          separated = false;
        }
      }
    }
    return f;
  }

  /** Marks the rules of an accepting state (by offset); returns the updated count of distinct hits. */
  private collect(offset: number, stamp: number, hits: number): number {
    const found = this.outputs[offset]!;
    const stamps = this.stamps;
    const ruleCount = this.ruleCount;
    for (let k = 0; k < found.length; k++) {
      const index = found[k]!;
      if (index >= ruleCount) {
        if (index === ruleCount) this.atCount++;
        else this.colonCount++;
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
    // and only remembered; a string with none, too few digits and no always-run rule is done.
    const table = this.table;
    const classOf = this.classOf;
    const firstAccepting = this.firstAccepting;
    const accepts = this.accepts;
    let acceptCount = 0;
    let offset = 0;
    let digits = 0;
    let run = 0;
    let maxRun = 0;
    // Cheap supersets of two run features, so the exact pass can be skipped for ids like
    // "req-370248999": a dash met inside a run, and two capitals right before a run's first digit.
    let runFlags = 0;
    const length = input.length;
    for (let i = 0; i < length; i++) {
      const code = input.charCodeAt(i);
      if (code >= ALPHABET) {
        offset = 0;
        run = 0;
        continue;
      }
      offset = table[offset + classOf[code]!]!;
      if (offset >= firstAccepting) accepts[acceptCount++] = offset;
      if (code <= 57 && code >= 48) {
        if (run === 0 && isCapital(input.charCodeAt(i - 1)) && isCapital(input.charCodeAt(i - 2)))
          runFlags |= capitalsBeforeRunFlag;
        digits++;
        if (++run > maxRun) maxRun = run;
      } else if (code !== 32 && code !== 45) run = 0;
      else if (code === 45 && run > 0) runFlags |= dashInRunFlag;
    }
    if (
      acceptCount === 0 &&
      this.alwaysRules.length === 0 &&
      (digits < this.minFeatureDigits || !this.digitRuleMayMatch(digits, maxRun, runFlags))
    )
      return 0;
    return this.candidates(input, out, acceptCount, digits, maxRun, runFlags);
  }

  /**
   * Whether a feature rule that needs neither `@` nor `:` can match, judged from the main loop's
   * bounds alone (with no accepting state there are no `@` or `:`).
   */
  private digitRuleMayMatch(digits: number, runBound: number, runFlags: number): boolean {
    for (const rule of this.featureRules) {
      if (
        rule.minAt === 0 &&
        rule.minColons === 0 &&
        digits >= rule.minDigits &&
        this.runsMayMatch(rule, runBound, runFlags)
      )
        return true;
    }
    return false;
  }

  private runsMayMatch(rule: FeatureRule, runBound: number, runFlags: number): boolean {
    return (
      runBound >= rule.minDigitRun &&
      (rule.minDashedDigitRun === 0 ||
        ((runFlags & dashInRunFlag) !== 0 && runBound >= rule.minDashedDigitRun)) &&
      (!rule.needsLettersThenDigits || (runFlags & capitalsBeforeRunFlag) !== 0)
    );
  }

  /** Whether any run-gated rule can still match, judged from the main loop's bounds alone. */
  private runPassUseful(runBound: number, runFlags: number): boolean {
    for (const rule of this.featureRules) {
      const needsRuns = rule.minDigitRun > 0 || rule.minDashedDigitRun > 0 || rule.needsLettersThenDigits;
      if (needsRuns && this.runsMayMatch(rule, runBound, runFlags)) return true;
    }
    return false;
  }

  /** The rules a string with some keyword, enough digits or an always-run rule may need. */
  private candidates(
    input: string,
    out: number[],
    acceptCount: number,
    digits: number,
    runBound: number,
    runFlags: number,
  ): number {
    let stamp = ++this.stamp;
    if (stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = stamp = 1;
    }
    this.atCount = 0;
    this.colonCount = 0;
    const accepts = this.accepts;
    let hits = 0;
    for (let k = 0; k < acceptCount; k++) hits = this.collect(accepts[k]!, stamp, hits);
    const stamps = this.stamps;
    const gated =
      this.featureRules.length > 0 &&
      (digits >= this.minFeatureDigits || this.atCount > 0 || this.colonCount > 0);
    if (gated) {
      const features = this.features(input, digits, runBound, runFlags);
      for (const rule of this.featureRules) {
        if (
          features.digits >= rule.minDigits &&
          features.maxDigitRun >= rule.minDigitRun &&
          features.maxDashedRun >= rule.minDashedDigitRun &&
          (features.lettersThenDigits || !rule.needsLettersThenDigits) &&
          features.at >= rule.minAt &&
          features.colons >= rule.minColons &&
          stamps[rule.index] !== stamp
        ) {
          stamps[rule.index] = stamp;
          hits++;
        }
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
    for (let index = 0; index < this.ruleCount && n < hits; index++) {
      if (stamps[index] === stamp) out[n++] = index;
    }
    return n;
  }
}
