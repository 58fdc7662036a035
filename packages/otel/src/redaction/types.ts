// Shared types of the redaction engine. Kept free of OpenTelemetry imports so the engine can run
// anywhere (the processor, the `logward gateway` OTLP proxy, the CLI).

/** What happens to a detected secret. */
export type RedactionAction = 'mask' | 'partial' | 'hash' | 'drop';

export const redactionActions: readonly RedactionAction[] = ['mask', 'partial', 'hash', 'drop'];

/**
 * Narrows a regex match to the secret that must be replaced. Returns the secret (a prefix of the
 * candidate, so a rule may trim trailing text such as words after an IBAN) or null when the
 * candidate is not a secret (failed checksum, low entropy, a placeholder, ...).
 */
export type SecretCheck = (candidate: string, context: MatchContext) => string | null;

export interface MatchContext {
  /** The whole string being scanned. */
  readonly input: string;
  /** Offset of the candidate secret in `input`. */
  readonly start: number;
  /** The capture groups of the match (index 0 is the whole match). */
  readonly groups: readonly (string | undefined)[];
}

/** A rule as it is declared in the default table or in user config, before compilation. */
export interface RedactionRuleDefinition {
  readonly id: string;
  readonly family: string;
  readonly description: string;
  /** JavaScript regular expression source; compiled with the `g` and `d` flags added. */
  readonly pattern: string;
  /** Extra flags (`i`, `m`, `s`, `u`). */
  readonly flags?: string;
  /** Capture group that holds the secret; 0 (the default) means the whole match. */
  readonly secretGroup?: number;
  /** Lowercase literals; the regex only runs on strings containing one of them. */
  readonly keywords: readonly string[];
  /** Prefilter: the string must contain at least this many digits in total (IPs). */
  readonly minDigits?: number;
  /**
   * Prefilter for digit-shaped data without literals (cards, SSN, IBAN): the longest run of
   * digits, where single spaces or dashes between digits do not break the run.
   */
  readonly minDigitRun?: number;
  /** Prefilter: a digit run of at least this many digits with a `-` inside it (SSN). */
  readonly minDashedDigitRun?: number;
  /** Prefilter: two capital letters directly followed by two digits somewhere (IBAN). */
  readonly needsLettersThenDigits?: boolean;
  /** Prefilter: the string must contain at least this many `@`. */
  readonly minAt?: number;
  /** Prefilter: the string must contain at least this many `:`. */
  readonly minColons?: number;
  /**
   * Prefilter: besides a keyword, the string must contain one of these characters (the `=` or
   * `:` of a `key=value` assignment), so prose that merely mentions "token" or "password" runs no
   * regex.
   */
  readonly requiresAnyOf?: string;
  /** Minimum Shannon entropy (bits per char) of the secret; gitleaks-style gate. */
  readonly minEntropy?: number;
  readonly check?: SecretCheck;
  readonly action: RedactionAction;
  /** For `partial`: how many trailing characters stay visible (capped at a quarter of the secret). */
  readonly keep?: number;
  readonly enabled: boolean;
}

/** Per-record (or per-call) tally: rule id → number of redactions. Never holds values. */
export interface RedactionReport {
  readonly counts: Map<string, number>;
  total: number;
}

export function createRedactionReport(): RedactionReport {
  return { counts: new Map(), total: 0 };
}

export function addToReport(report: RedactionReport, ruleId: string, n = 1): void {
  report.counts.set(ruleId, (report.counts.get(ruleId) ?? 0) + n);
  report.total += n;
}
