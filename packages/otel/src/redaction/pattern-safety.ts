// A startup check for user-supplied patterns. The default rules are proven safe by a ReDoS
// analyzer in the test suite; user patterns arrive at runtime, where running a full analyzer is too
// slow, so this rejects the shape behind almost every catastrophic-backtracking report: an
// unbounded quantifier applied to a group that itself contains an unbounded quantifier
// (`(a+)+`, `(\w*\s?)*`, `(?:x|y+)*`). It is a conservative structural check, not a proof.

/** Returns a description of the problem, or null when the pattern passes. */
export function findNestedUnboundedQuantifier(source: string): string | null {
  // Each open group records whether something inside it is repeated without bound.
  const groups: { start: number; hasUnbounded: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      continue;
    }
    if (ch === '(') {
      groups.push({ start: i, hasUnbounded: false });
      continue;
    }
    const quantifier = unboundedQuantifierAt(source, i);
    if (ch === ')') {
      const group = groups.pop();
      if (group === undefined) continue;
      const after = unboundedQuantifierAt(source, i + 1);
      if (after && group.hasUnbounded) {
        return `nested unbounded quantifier (group at offset ${group.start}) can backtrack catastrophically`;
      }
      const parent = groups[groups.length - 1];
      if (parent !== undefined && (group.hasUnbounded || after)) parent.hasUnbounded = true;
      continue;
    }
    if (quantifier) {
      const parent = groups[groups.length - 1];
      if (parent !== undefined) parent.hasUnbounded = true;
    }
  }
  return null;
}

function unboundedQuantifierAt(source: string, i: number): boolean {
  const ch = source[i];
  if (ch === '*' || ch === '+') return true;
  if (ch === '{') return /^\{\d+,\}/.test(source.slice(i, i + 12));
  return false;
}
