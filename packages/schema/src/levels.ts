// Severity levels and their OTel SeverityNumber. OWASP's Logging Vocabulary uses only INFO, WARN and
// CRITICAL; OTel has no CRITICAL range, so CRITICAL maps into ERROR (18, the spec's own "Critical" example).
// FATAL (21) is kept for crashes of the process itself, which these events are not.

/** The three levels the OWASP Logging Vocabulary assigns to its events. */
export const securityLevels = ['INFO', 'WARN', 'CRITICAL'] as const;
export type SecurityLevel = (typeof securityLevels)[number];

/** Every level word a caller may pass explicitly (OTel short names plus OWASP's CRITICAL). */
export const severityLevelNames = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'FATAL'] as const;
export type SeverityLevelName = (typeof severityLevelNames)[number];

/** OTel SeverityNumber for each level word (the smallest number of its range, as the data model recommends). */
export const severityNumberByLevel: Readonly<Record<SeverityLevelName, number>> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  CRITICAL: 18,
  FATAL: 21,
};

/** The OTel data model's short names for SeverityNumber 1..24 (index 0 is UNSPECIFIED). */
const shortNames = ['UNSPECIFIED'].concat(
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].map((n) => [n, `${n}2`, `${n}3`, `${n}4`]),
);

/** Severity as an OTel log record carries it. */
export interface Severity {
  severityNumber: number;
  severityText: string;
}

/**
 * Text for a SeverityNumber: our level word where the number is one of ours (18 → "CRITICAL"),
 * otherwise the data model's short name (19 → "ERROR3").
 */
export function severityTextFor(severityNumber: number): string {
  for (const name of severityLevelNames) {
    if (severityNumberByLevel[name] === severityNumber) return name;
  }
  return shortNames[severityNumber] ?? 'UNSPECIFIED';
}

/** Accepts 'warn', 'WARN', 'Critical', a SeverityNumber 1..24, or { severityNumber, severityText? }. */
export type ExplicitLevel =
  SecurityLevel | SeverityLevelName | Lowercase<SeverityLevelName> | number | Severity;

/** Turns an explicit level from a caller into a Severity; throws RangeError naming the bad value. */
export function parseExplicitLevel(level: ExplicitLevel): Severity {
  if (typeof level === 'number') {
    if (!Number.isInteger(level) || level < 1 || level > 24) {
      throw new RangeError(`level: SeverityNumber must be an integer 1..24, got ${String(level)}`);
    }
    return { severityNumber: level, severityText: severityTextFor(level) };
  }
  if (typeof level === 'string') {
    const upper = level.toUpperCase() as SeverityLevelName;
    const n = severityNumberByLevel[upper];
    if (n === undefined) {
      throw new RangeError(
        `level: expected one of ${severityLevelNames.join(', ')} (or 1..24), got ${JSON.stringify(level)}`,
      );
    }
    return { severityNumber: n, severityText: upper };
  }
  if (level && typeof level === 'object' && typeof level.severityNumber === 'number') {
    const parsed = parseExplicitLevel(level.severityNumber);
    return { severityNumber: parsed.severityNumber, severityText: level.severityText ?? parsed.severityText };
  }
  throw new RangeError(
    `level: expected a level word, a SeverityNumber or { severityNumber }, got ${typeof level}`,
  );
}
