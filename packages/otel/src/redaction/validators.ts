// Secondary checks that turn regex candidates into findings. Each one exists to keep a family's
// false-positive rate low enough that the rule can be on by default.
import { isIPv4, isIPv6 } from 'node:net';
import type { MatchContext } from './types.ts';

const entropyCounts = new Int32Array(65536);

/** Shannon entropy in bits per character (gitleaks uses the same measure for `entropy`). */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) entropyCounts[value.charCodeAt(i)]!++;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    const count = entropyCounts[code]!;
    if (count === 0) continue; // already accounted
    const p = count / n;
    bits -= p * Math.log2(p);
    entropyCounts[code] = 0;
  }
  return bits;
}

/** Luhn (mod 10) over a digit-only string. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the major card networks; a Luhn-valid number outside them is not a card. */
const cardPrefix =
  /^(?:4|5[1-5]|2(?:2[2-9]|[3-6][0-9]|7[01]|720)|3[47]|3(?:0[0-5]|[689])|6(?:011|5|4[4-9]|22)|35(?:2[89]|[3-8]))/;

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (!cardPrefix.test(digits)) return false;
  // A run of one digit (4444 4444 ...) passes Luhn for some lengths but is a test pattern, not a card.
  if (/^(\d)\1+$/.test(digits)) return false;
  return isLuhnValid(digits);
}

/**
 * The regex takes as many digit groups as it can, so "4111 1111 1111 1111 5 items" yields 17
 * digits; when the whole candidate fails, shorter prefixes ending at a separator are tried.
 */
export function checkPaymentCard(candidate: string): string | null {
  if (isCardNumber(candidate)) return candidate;
  for (let end = candidate.length - 1; end >= 13; end--) {
    const ch = candidate[end];
    if ((ch === ' ' || ch === '-') && isCardNumber(candidate.slice(0, end))) return candidate.slice(0, end);
  }
  return null;
}

/** IBAN lengths per country (ISO 13616 registry). */
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

export function isIbanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * The regex may run past the IBAN into following words ("DE89 ... 00 EUR"), so the country's
 * registered length decides where the IBAN ends; the result is that prefix of the candidate.
 */
export function checkIban(candidate: string): string | null {
  const length = ibanLengths[candidate.slice(0, 2)];
  if (length === undefined) return null;
  let compact = '';
  let end = 0;
  while (end < candidate.length && compact.length < length) {
    const ch = candidate[end]!;
    if (ch !== ' ') compact += ch;
    end++;
  }
  if (compact.length !== length) return null;
  return isIbanChecksumValid(compact) ? candidate.slice(0, end) : null;
}

/** Placeholders and templates that sit where secrets go but are not secrets. */
const placeholder =
  /^(?:\*+|x+|null|nil|none|undefined|true|false|redacted|hidden|masked|changeme|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{[^}]*\}\}|%[a-z]|\[(?:REDACTED|PSEUDO)[^\]]*\]?)$/i;

export function isPlaceholder(value: string): boolean {
  return placeholder.test(value);
}

function normalizeKeyName(key: string): string {
  return key.toLowerCase().replace(/[-_.]/g, '');
}

const passwordWords = ['password', 'passwd', 'passphrase', 'pwd'];
const secretWords = [
  'secret',
  'token',
  'apikey',
  'accesskey',
  'authkey',
  'privatekey',
  'credential',
  'creds',
  'signature',
  'auth',
];
/** Key names that contain a secret word but name metadata about the secret (gitleaks allowlist). */
const metadataKeyNames =
  /(?:tokenid|tokentype|tokenname|tokencount|tokens?used|maxtokens?|keyid|secretname|secretref|secretid|authtype|authmethod|authscheme|authprovider|authstatus|author|authority|authz?result)$/;

export function checkPasswordAssignment(candidate: string, context: MatchContext): string | null {
  const key = normalizeKeyName(context.groups[1] ?? '');
  if (!passwordWords.some((w) => key.endsWith(w))) return null;
  return isPlaceholder(candidate) ? null : candidate;
}

const wordLike = /^[A-Za-z_.-]+$/;

export function checkGenericSecretAssignment(candidate: string, context: MatchContext): string | null {
  const key = normalizeKeyName(context.groups[1] ?? '');
  if (!secretWords.some((w) => key.includes(w)) || metadataKeyNames.test(key)) return null;
  // Plain words and identifiers (snake_case names, dotted paths) are not secrets; gitleaks
  // drops `^[a-zA-Z_.-]+$` for generic-api-key for the same reason.
  if (wordLike.test(candidate) || isPlaceholder(candidate)) return null;
  return candidate;
}

/** Kubeconfig `token:` values that are plain words are field names or prose, not tokens. */
export function checkKubeconfigCredential(candidate: string): string | null {
  return wordLike.test(candidate) || isPlaceholder(candidate) ? null : candidate;
}

/** `Bearer <x>` / `Basic <x>`: a credential has digits or token punctuation, prose does not. */
export function checkAuthorizationValue(candidate: string, context: MatchContext): string | null {
  const scheme = (context.groups[1] ?? '').toLowerCase();
  if (isPlaceholder(candidate)) return null;
  if (scheme === 'basic') {
    const decoded = Buffer.from(candidate, 'base64').toString('latin1');
    if (decoded.includes(':')) return candidate;
  }
  if (candidate.length >= 12 && /[0-9._~+/=-]/.test(candidate)) return candidate;
  return null;
}

/**
 * `kubernetes` as it reads inside base64url text at each of the three byte alignments: the
 * characters fully determined by those ten bytes. Decoded JSON contains the word exactly when the
 * encoded payload contains one of these, so most JWTs are rejected without being decoded.
 */
const encodedKubernetes = [0, 1, 2].map((align) => {
  const encoded = Buffer.concat([Buffer.alloc(align), Buffer.from('kubernetes')]).toString('base64url');
  const start = Math.ceil((align * 8) / 6);
  const end = Math.floor(((align + 10) * 8) / 6);
  return encoded.slice(start, end);
});

function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first === -1 || second === -1) return null;
  const payload = token.slice(first + 1, second);
  // Only cluster-issued tokens matter here; skip decoding and parsing every other JWT.
  if (!encodedKubernetes.some((needle) => payload.includes(needle))) return null;
  const json = Buffer.from(payload, 'base64url').toString('utf8');
  if (!json.includes('kubernetes')) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Service-account tokens are JWTs issued by the cluster (legacy or bound-token claims). */
export function checkKubernetesServiceAccountToken(candidate: string): string | null {
  const claims = decodeJwtPayload(candidate);
  if (claims === null) return null;
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const isKubernetes =
    iss === 'kubernetes/serviceaccount' ||
    'kubernetes.io' in claims ||
    'kubernetes.io/serviceaccount/namespace' in claims ||
    /^https:\/\/kubernetes\.default\.svc/.test(iss);
  return isKubernetes ? candidate : null;
}

/** Dotted quads after "v" or "version" are software versions, not addresses. */
export function checkIPv4(candidate: string, context: MatchContext): string | null {
  if (!isIPv4(candidate)) return null;
  const before = context.input.slice(Math.max(0, context.start - 10), context.start).toLowerCase();
  if (/(?:v|version|ver|release)[\s:=]*$/.test(before)) return null;
  return candidate;
}

export function checkIPv6(candidate: string): string | null {
  // "::" alone and addresses with fewer than three groups are far more often code/time than IPs.
  if (!isIPv6(candidate) || candidate === '::') return null;
  return candidate;
}

/** `scheme://user@host` is URL userinfo (a login name at a host), not an email address. */
export function checkEmail(candidate: string, context: MatchContext): string | null {
  return context.input.startsWith('://', context.start - 3) ? null : candidate;
}
