// One pass over a string decides which rules can possibly match it, so a clean record runs almost
// no regexes. Keywords go through an Aho-Corasick automaton (ASCII, case-folded, dense DFA table);
// the same loop counts digits, `@` and `:` for the rules that have no literal to key on.

export interface PrefilterRule {
  readonly keywords: readonly string[];
  readonly minDigits?: number;
  readonly minAt?: number;
  readonly minColons?: number;
}

const ALPHABET = 128;

export class KeywordPrefilter {
  private readonly transitions: Int32Array;
  private readonly outputs: (readonly number[] | undefined)[];
  private readonly featureRules: { index: number; minDigits: number; minAt: number; minColons: number }[] =
    [];
  private readonly alwaysRules: number[] = [];
  private readonly stamps: Uint32Array;
  private stamp = 0;
  private readonly ruleCount: number;

  constructor(rules: readonly PrefilterRule[]) {
    this.ruleCount = rules.length;
    this.stamps = new Uint32Array(rules.length);
    // Build the trie.
    const children: Map<number, number>[] = [new Map()];
    const nodeOutputs: Set<number>[] = [new Set()];
    rules.forEach((rule, index) => {
      const gated = rule.minDigits !== undefined || rule.minAt !== undefined || rule.minColons !== undefined;
      if (gated) {
        this.featureRules.push({
          index,
          minDigits: rule.minDigits ?? 0,
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
    this.outputs = nodeOutputs.map((set) => (set.size > 0 ? [...set].sort((a, b) => a - b) : undefined));
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
    const outputs = this.outputs;
    const stamps = this.stamps;
    let state = 0;
    let hits = 0;
    let digits = 0;
    let at = 0;
    let colons = 0;
    for (let i = 0; i < input.length; i++) {
      let code = input.charCodeAt(i);
      if (code >= ALPHABET) {
        state = 0;
        continue;
      }
      if (code <= 57) {
        if (code >= 48) digits++;
      } else if (code === 58) colons++;
      else if (code === 64) at++;
      else if (code >= 65 && code <= 90) code |= 32;
      state = transitions[state * ALPHABET + code]!;
      const found = outputs[state];
      if (found !== undefined) {
        for (let k = 0; k < found.length; k++) {
          const index = found[k]!;
          if (stamps[index] !== stamp) {
            stamps[index] = stamp;
            hits++;
          }
        }
      }
    }
    for (const rule of this.featureRules) {
      if (
        digits >= rule.minDigits &&
        at >= rule.minAt &&
        colons >= rule.minColons &&
        stamps[rule.index] !== stamp
      ) {
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
    for (let index = 0; index < this.ruleCount && n < hits; index++) {
      if (stamps[index] === stamp) out[n++] = index;
    }
    return n;
  }
}
