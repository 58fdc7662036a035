// Configuration: a zod schema for what users write, and its resolution into compiled rules.
// A wrong config fails at startup with a message naming the field, e.g.
// `redaction.rules[3].pattern: invalid regular expression: ...`.
import { z } from 'zod';
import {
  defaultRedactionRules,
  defaultSensitiveKeyNames,
  maxDepthRuleId,
  sensitiveKeyRuleId,
  timeBudgetRuleId,
} from './default-rules.ts';
import { findNestedUnboundedQuantifier } from './pattern-safety.ts';
import {
  redactionActions,
  type RedactionAction,
  type RedactionRuleDefinition,
  type SecretCheck,
} from './types.ts';

const reservedIds = new Set([sensitiveKeyRuleId, timeBudgetRuleId, maxDepthRuleId]);
const builtinIds = new Set(defaultRedactionRules.map((rule) => rule.id));

/** Go/PCRE-style leading `(?i)` (as in gitleaks configs) becomes the JS `i` flag. */
function translateInlineFlags(pattern: string, flags: string): { pattern: string; flags: string } {
  const m = /^\(\?([imsu]+)\)/.exec(pattern);
  if (m === null) return { pattern, flags };
  const extra = [...m[1]!].filter((f) => !flags.includes(f)).join('');
  return { pattern: pattern.slice(m[0].length), flags: flags + extra };
}

const actionSchema = z.enum(redactionActions as [RedactionAction, ...RedactionAction[]]);

const ruleEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'rule id must be lowercase letters, digits and dashes'),
    family: z.string().min(1).optional(),
    description: z.string().optional(),
    pattern: z.string().min(1).optional(),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only the i, m, s and u flags are allowed')
      .optional(),
    secretGroup: z.number().int().min(0).max(99).optional(),
    keywords: z.array(z.string().min(1, 'keywords must not be empty')).optional(),
    action: actionSchema.optional(),
    keep: z.number().int().min(1).max(32).optional(),
    minEntropy: z.number().min(0).max(16).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (reservedIds.has(rule.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `"${rule.id}" is reserved; configure it elsewhere`,
      });
      return;
    }
    if (rule.pattern === undefined) {
      if (!builtinIds.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `required for a new rule (no default rule has id "${rule.id}")`,
        });
      }
      return;
    }
    const { pattern, flags } = translateInlineFlags(rule.pattern, rule.flags ?? '');
    let groupCount = 0;
    try {
      const compiled = new RegExp(pattern, `${flags}gd`);
      groupCount = new RegExp(`${compiled.source}|`, flags).exec('')!.length - 1;
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `invalid regular expression: ${(err as Error).message}`,
      });
      return;
    }
    const nested = findNestedUnboundedQuantifier(pattern);
    if (nested !== null) ctx.addIssue({ code: 'custom', path: ['pattern'], message: nested });
    if (rule.secretGroup !== undefined && rule.secretGroup > groupCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['secretGroup'],
        message: `the pattern has ${groupCount} capture group(s), not ${rule.secretGroup}`,
      });
    }
  });

const knownRuleIds = (ids: string[], ctx: z.RefinementCtx): void => {
  ids.forEach((id, index) => {
    if (!builtinIds.has(id)) {
      ctx.addIssue({ code: 'custom', path: [index], message: `unknown rule id "${id}"` });
    }
  });
};

export const redactionConfigSchema = z
  .object({
    /** New rules (with a pattern) and overrides of default rules by id (action, keep, keywords, enabled, ...). */
    rules: z.array(ruleEntrySchema).default([]),
    /** Default rule ids to turn off. */
    disable: z.array(z.string()).default([]).superRefine(knownRuleIds),
    /** Default rule ids to turn on (the opt-in ones: ipv4, ipv6). */
    enable: z.array(z.string()).default([]).superRefine(knownRuleIds),
    sensitiveKeys: z
      .object({
        enabled: z.boolean().default(true),
        /** Extra key names (matched like the defaults: case, `-`, `_`, `.` ignored; suffix match). */
        add: z.array(z.string().min(1)).default([]),
        /** Key names never treated as sensitive (exact normalized match), e.g. `token_count`. */
        allow: z.array(z.string().min(1)).default([]),
        action: actionSchema.default('mask'),
        keep: z.number().int().min(1).max(32).default(4),
      })
      .strict()
      .default({ enabled: true, add: [], allow: [], action: 'mask', keep: 4 }),
    /** HMAC-SHA256 key for `hash` actions; at least 32 bytes. Without it a random per-process key is used. */
    pseudonymKey: z.string().min(32, 'must be at least 32 characters (HMAC-SHA256 key)').optional(),
    /** Per-record time budget in milliseconds; after it, remaining strings are masked wholesale. */
    budgetMs: z.number().positive().max(60_000).default(10),
    /** Nesting depth after which values are masked (also how cyclic bodies end). */
    maxDepth: z.number().int().min(1).max(1000).default(32),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.rules.forEach((rule, index) => {
      const first = seen.get(rule.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate rule id "${rule.id}" (also rules[${first}])`,
        });
      } else seen.set(rule.id, index);
    });
  });

export type RedactionConfigInput = z.input<typeof redactionConfigSchema>;
export type RedactionConfig = z.output<typeof redactionConfigSchema>;

export class RedactionConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid redaction config:\n  ${issues.join('\n  ')}`);
    this.name = 'RedactionConfigError';
    this.issues = issues;
  }
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/** Validates user config; throws RedactionConfigError whose lines name each bad field. */
export function parseRedactionConfig(input: unknown, root = 'redaction'): RedactionConfig {
  const result = redactionConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new RedactionConfigError(
    result.error.issues.map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`),
  );
}

/** A rule ready to run. */
export interface CompiledRule {
  readonly id: string;
  readonly family: string;
  readonly description: string;
  readonly regex: RegExp;
  readonly secretGroup: number;
  readonly keywords: readonly string[];
  readonly minDigits?: number;
  readonly minDigitRun?: number;
  readonly minDashedDigitRun?: number;
  readonly needsLettersThenDigits?: boolean;
  readonly minAt?: number;
  readonly minColons?: number;
  readonly requiresAnyOf?: string;
  readonly minEntropy: number;
  readonly check: SecretCheck | undefined;
  readonly action: RedactionAction;
  readonly keep: number;
  readonly enabled: boolean;
  readonly builtin: boolean;
}

export interface ResolvedRedactionConfig {
  /** Every rule (enabled or not) in priority order, for documentation and inspection. */
  readonly allRules: readonly CompiledRule[];
  /** Enabled rules in priority order. */
  readonly rules: readonly CompiledRule[];
  readonly sensitiveKeys: {
    readonly enabled: boolean;
    readonly names: readonly string[];
    readonly allow: ReadonlySet<string>;
    readonly action: RedactionAction;
    readonly keep: number;
  };
  readonly pseudonymKey: string | undefined;
  readonly budgetMs: number;
  readonly maxDepth: number;
}

export function normalizeKeyName(key: string): string {
  return key.toLowerCase().replace(/[-_.]/g, '');
}

function compile(definition: RedactionRuleDefinition, builtin: boolean): CompiledRule {
  const { pattern, flags } = translateInlineFlags(definition.pattern, definition.flags ?? '');
  const secretGroup = definition.secretGroup ?? 0;
  return {
    id: definition.id,
    family: definition.family,
    description: definition.description,
    // `d` (indices) only where a capture group, not the whole match, is the secret.
    regex: new RegExp(pattern, `${flags}g${secretGroup > 0 ? 'd' : ''}`),
    secretGroup,
    keywords: definition.keywords.map((k) => k.toLowerCase()),
    ...(definition.minDigits !== undefined ? { minDigits: definition.minDigits } : {}),
    ...(definition.minDigitRun !== undefined ? { minDigitRun: definition.minDigitRun } : {}),
    ...(definition.minDashedDigitRun !== undefined
      ? { minDashedDigitRun: definition.minDashedDigitRun }
      : {}),
    ...(definition.needsLettersThenDigits === true ? { needsLettersThenDigits: true } : {}),
    ...(definition.minAt !== undefined ? { minAt: definition.minAt } : {}),
    ...(definition.minColons !== undefined ? { minColons: definition.minColons } : {}),
    ...(definition.requiresAnyOf !== undefined ? { requiresAnyOf: definition.requiresAnyOf } : {}),
    minEntropy: definition.minEntropy ?? 0,
    check: definition.check,
    action: definition.action,
    keep: definition.keep ?? 4,
    enabled: definition.enabled,
    builtin,
  };
}

type RuleEntry = RedactionConfig['rules'][number];

/**
 * The prefilter gates of a default rule describe its own pattern (a card needs a 13-digit run, an
 * assignment an `=` or `:`); a replaced pattern may match without them, so they go with it.
 */
function withoutPatternGates(definition: RedactionRuleDefinition): RedactionRuleDefinition {
  const {
    minDigits: _minDigits,
    minDigitRun: _minDigitRun,
    minDashedDigitRun: _minDashedDigitRun,
    needsLettersThenDigits: _needsLettersThenDigits,
    minAt: _minAt,
    minColons: _minColons,
    requiresAnyOf: _requiresAnyOf,
    ...rest
  } = definition;
  return rest;
}

function applyOverride(base: RedactionRuleDefinition, entry: RuleEntry): RedactionRuleDefinition {
  return {
    ...(entry.pattern !== undefined ? withoutPatternGates(base) : base),
    ...(entry.family !== undefined ? { family: entry.family } : {}),
    ...(entry.description !== undefined ? { description: entry.description } : {}),
    ...(entry.pattern !== undefined ? { pattern: entry.pattern, flags: entry.flags ?? '' } : {}),
    ...(entry.pattern === undefined && entry.flags !== undefined ? { flags: entry.flags } : {}),
    ...(entry.secretGroup !== undefined ? { secretGroup: entry.secretGroup } : {}),
    ...(entry.keywords !== undefined ? { keywords: entry.keywords } : {}),
    ...(entry.action !== undefined ? { action: entry.action } : {}),
    ...(entry.keep !== undefined ? { keep: entry.keep } : {}),
    ...(entry.minEntropy !== undefined ? { minEntropy: entry.minEntropy } : {}),
    ...(entry.enabled !== undefined ? { enabled: entry.enabled } : {}),
  };
}

/** Where user-defined rules go: after the specific token formats, before generic and PII rules. */
const customRulesBefore = 'password-assignment';

/** Parses (if needed) and compiles a configuration. */
export function resolveRedactionConfig(input: RedactionConfigInput | undefined): ResolvedRedactionConfig {
  const config = parseRedactionConfig(input);
  const overrides = new Map(config.rules.map((entry) => [entry.id, entry]));
  const custom: RedactionRuleDefinition[] = config.rules
    .filter((entry) => !builtinIds.has(entry.id))
    .map((entry) => ({
      id: entry.id,
      family: entry.family ?? 'custom',
      description: entry.description ?? 'user-defined rule',
      pattern: entry.pattern!,
      flags: entry.flags ?? '',
      secretGroup: entry.secretGroup ?? 0,
      keywords: entry.keywords ?? [],
      ...(entry.minEntropy !== undefined ? { minEntropy: entry.minEntropy } : {}),
      action: entry.action ?? 'mask',
      keep: entry.keep ?? 4,
      enabled: entry.enabled ?? true,
    }));
  const definitions: { definition: RedactionRuleDefinition; builtin: boolean }[] = [];
  for (const base of defaultRedactionRules) {
    if (base.id === customRulesBefore)
      for (const definition of custom) definitions.push({ definition, builtin: false });
    const entry = overrides.get(base.id);
    let definition = entry === undefined ? base : applyOverride(base, entry);
    if (config.enable.includes(base.id)) definition = { ...definition, enabled: true };
    if (config.disable.includes(base.id)) definition = { ...definition, enabled: false };
    definitions.push({ definition, builtin: true });
  }
  const allRules = definitions.map(({ definition, builtin }) => compile(definition, builtin));
  return {
    allRules,
    rules: allRules.filter((rule) => rule.enabled),
    sensitiveKeys: {
      enabled: config.sensitiveKeys.enabled,
      names: [...defaultSensitiveKeyNames, ...config.sensitiveKeys.add.map(normalizeKeyName)],
      allow: new Set(config.sensitiveKeys.allow.map(normalizeKeyName)),
      action: config.sensitiveKeys.action,
      keep: config.sensitiveKeys.keep,
    },
    pseudonymKey: config.pseudonymKey,
    budgetMs: config.budgetMs,
    maxDepth: config.maxDepth,
  };
}
