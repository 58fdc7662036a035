// One pass over a string decides which rules can possibly match it, so a clean record runs almost
// no regexes. Keywords go through an Aho-Corasick automaton (ASCII, case-folded, dense DFA table);
// the same loop counts digits, `@` and `:` and measures the longest digit run (digits joined by
// single spaces or dashes, as in card numbers, SSNs and IBANs) for rules with no literal to key on.

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

interface Features {
  digits: number;
  maxDigitRun: number;
  maxDashedRun: number;
  lettersThenDigits: boolean;
  at: number;
  colons: number;
}

function countUpTo(input: string, ch: string, limit: number): number {
  let count = 0;
  let from = input.indexOf(ch);
  while (from !== -1 && count < limit) {
    count++;
    from = input.indexOf(ch, from + 1);
  }
  return count;
}

export class KeywordPrefilter {
  private readonly transitions: Int32Array;
  private readonly outputs: (readonly number[] | undefined)[];
  /** 1 where a state completes at least one keyword; a byte load in the hot loop. */
  private readonly accepting: Uint8Array;
  private readonly featureRules: {
    index: number;
    minDigits: number;
    minDigitRun: number;
    minDashedDigitRun: number;
    needsLettersThenDigits: boolean;
    minAt: number;
    minColons: number;
  }[] = [];
  private readonly alwaysRules: number[] = [];
  private readonly stamps: Uint32Array;
  private stamp = 0;
  private readonly ruleCount: number;
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

  constructor(rules: readonly PrefilterRule[]) {
    this.ruleCount = rules.length;
    this.stamps = new Uint32Array(rules.length);
    const thresholds = (pick: (rule: PrefilterRule) => number | undefined) =>
      rules.map(pick).filter((n): n is number => n !== undefined && n > 0);
    const atThresholds = thresholds((r) => r.minAt);
    const colonThresholds = thresholds((r) => r.minColons);
    this.maxAt = Math.max(0, ...atThresholds);
    this.maxColons = Math.max(0, ...colonThresholds);
    // Build the trie.
    const children: Map<number, number>[] = [new Map()];
    const nodeOutputs: Set<number>[] = [new Set()];
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
      for (const keyword of rule.keywords) {
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
    });
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
    // Case folding is compiled into the table: 'A'..'Z' move like 'a'..'z'.
    for (let node = 0; node < nodeCount; node++) {
      for (let c = 65; c <= 90; c++)
        this.transitions[node * ALPHABET + c] = this.transitions[node * ALPHABET + (c | 32)]!;
    }
    this.outputs = nodeOutputs.map((set) => (set.size > 0 ? [...set].sort((a, b) => a - b) : undefined));
    this.accepting = Uint8Array.from(this.outputs, (o) => (o === undefined ? 0 : 1));
  }

  /** `@` and `:` are counted by native indexOf, only as far as the thresholds need. */
  private features(
    input: string,
    digits: number,
    maxDigitRun: number,
    maxDashedRun: number,
    lettersThenDigits: boolean,
  ): Features {
    const f = this.scratch;
    f.at = this.maxAt > 0 ? countUpTo(input, '@', this.maxAt) : 0;
    f.colons = this.maxColons > 0 ? countUpTo(input, ':', this.maxColons) : 0;
    f.digits = digits;
    f.maxDigitRun = maxDigitRun;
    f.maxDashedRun = maxDashedRun;
    f.lettersThenDigits = lettersThenDigits;
    return f;
  }

  /** Marks the rules of an accepting state; returns the updated count of distinct hits. */
  private collect(state: number, stamp: number, hits: number): number {
    const found = this.outputs[state]!;
    const stamps = this.stamps;
    for (let k = 0; k < found.length; k++) {
      const index = found[k]!;
      if (stamps[index] !== stamp) {
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
    let stamp = ++this.stamp;
    if (stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = stamp = 1;
    }
    const transitions = this.transitions;
    const accepting = this.accepting;
    let state = 0;
    let accepted = 0;
    // Digit runs are tracked in the same pass: run = digits in the current run, separated = a
    // single space or dash was just seen after a digit (a second one ends the run).
    // Also: dashed runs (a run with a `-` inside, as in SSNs) and two capitals directly followed
    // by two digits (an IBAN's country code and check digits).
    let digits = 0;
    let run = 0;
    let maxRun = 0;
    let separated = false;
    let dashed = false;
    let maxDashedRun = 0;
    let capitals = 0;
    let capitalsBeforeRun = 0;
    let lettersThenDigits = false;
    const length = input.length;
    for (let i = 0; i < length; i++) {
      const code = input.charCodeAt(i);
      if (code >= ALPHABET) {
        state = 0;
        run = 0;
        capitals = 0;
        continue;
      }
      // Upper-case letters have the transitions of their lower-case twins: no folding here.
      state = transitions[(state << 7) | code]!;
      if (accepting[state] !== 0) accepted = this.collect(state, stamp, accepted);
      if (code - 48 < 10 && code >= 48) {
        digits++;
        if (run === 0) {
          capitalsBeforeRun = capitals;
          dashed = false;
        }
        if (++run > maxRun) maxRun = run;
        if (run === 2 && capitalsBeforeRun >= 2 && !separated) lettersThenDigits = true;
        if (dashed && run > maxDashedRun) maxDashedRun = run;
        separated = false;
        capitals = 0;
      } else {
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
    }
    let hits = accepted;
    const features =
      this.featureRules.length > 0
        ? this.features(input, digits, maxRun, maxDashedRun, lettersThenDigits)
        : undefined;
    const stamps = this.stamps;
    if (features !== undefined) {
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
