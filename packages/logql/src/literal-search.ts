/**
 * `line.includes(text)` for line filters (`|= "text"`, `!= "text"`), anchored on the text's
 * rarest char. Why: String#includes finds candidates by the text's first char, and filters on
 * JSON logs usually start with a quote (`|= "\"verb\":\"delete\""`), the most frequent char of
 * such lines, so most of the search is spent on false starts. The first lines a filter sees are
 * sampled to learn which of its chars is rarest; from then on the search looks for the text from
 * that char on and checks the part before it. The answer is the same as includes'.
 */

const SAMPLE_LINES = 16;

export function literalMatcher(text: string): (line: string) => boolean {
  if (text.length < 2) return (line) => line.includes(text);
  // Occurrences in the sampled lines of the text's chars: ASCII in an array (the usual case,
  // and cheap to count), others in a map.
  const ascii = new Int32Array(128).fill(-1);
  const other = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) ascii[c] = 0;
    else other.set(c, 0);
  }
  const count = (c: number): number => (c < 128 ? ascii[c]! : other.get(c)!);
  let sampled = 0;
  let k = -1; // the anchor, once sampled
  let head = '';
  let tail = '';
  return (line) => {
    if (k > 0) {
      // Every occurrence of text has its tail at k or later; check the head before each one.
      for (let j = line.indexOf(tail, k); j >= 0; j = line.indexOf(tail, j + 1))
        if (line.startsWith(head, j - k)) return true;
      return false;
    }
    if (k < 0) {
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c < 128) {
          if (ascii[c]! >= 0) ascii[c]!++;
        } else {
          const n = other.get(c);
          if (n !== undefined) other.set(c, n + 1);
        }
      }
      if (++sampled === SAMPLE_LINES) {
        k = rarest(text, count);
        head = text.slice(0, k);
        tail = text.slice(k);
      }
    }
    return line.includes(text);
  };
}

/** Position of the text's least frequent char in the sampled lines (the first one on ties). */
function rarest(text: string, count: (c: number) => number): number {
  let best = 0;
  for (let i = 1; i < text.length; i++)
    if (count(text.charCodeAt(i)) < count(text.charCodeAt(best))) best = i;
  return best;
}
