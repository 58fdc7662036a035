// Loki ruler YAML (the Prometheus rule-group format with LogQL expressions) loaded with source
// positions. The shape checks follow Loki's own loader (rulefmt with known fields only, plus
// ruler.ValidateGroups): exactly one of alert/record, valid label names, templates that parse.
import { z } from 'zod';
import { parsePromDuration } from './duration.ts';
import { compileAlertTemplate, AlertTemplateError, type CompiledAlertTemplate } from './template.ts';
import {
  formatProblem,
  parseYamlSource,
  zodProblems,
  type Problem,
  type SourcePosition,
  type YamlSource,
} from './yaml-source.ts';

export interface LoadedRule {
  kind: 'alert' | 'record';
  /** The alert name or the recorded metric name. */
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Compiled label and annotation templates (alerting rules). */
  labelTemplates: Record<string, CompiledAlertTemplate>;
  annotationTemplates: Record<string, CompiledAlertTemplate>;
  position: SourcePosition;
  exprPosition: SourcePosition;
  /** The expression is a block scalar: its line N is on YAML line exprPosition.line + N. */
  exprIsBlock: boolean;
  labelPositions: Record<string, SourcePosition>;
  annotationPositions: Record<string, SourcePosition>;
  /** The rule as written (for serializing back to Loki unchanged). */
  source: Record<string, unknown>;
}

export interface LoadedRuleGroup {
  file: string;
  name: string;
  /** undefined: the ruler's default evaluation interval applies. */
  intervalMs?: number;
  /** 0 = no limit on alerts (and series) per rule. */
  limit: number;
  /** Rules query at evaluation time minus this (the group's query_offset). */
  queryOffsetMs: number;
  rules: LoadedRule[];
  position: SourcePosition;
  source: Record<string, unknown>;
}

export interface RuleFile {
  file: string;
  groups: LoadedRuleGroup[];
  problems: Problem[];
  yaml: YamlSource;
}

export class RuleFileError extends Error {
  override name = 'RuleFileError';
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

// go-yaml hands a bare `0` to model.Duration as the string "0"; accept YAML numbers the same way.
// Exported for rule-test files (`logward rules test`), whose durations follow the same rules.
export const durationText = z
  .union([z.string(), z.number()])
  .transform(String)
  .refine(
    (text) => {
      try {
        parsePromDuration(text);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid duration (expected e.g. 30s, 5m, 1h30m)' },
  );
// go-yaml turns any scalar into a Go string; follow it for label and annotation values.
export const stringish = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const stringMap = z.record(z.string(), stringish).nullish();

const ruleSchema = z.strictObject({
  alert: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  expr: z.string({ error: 'expr is required and must be a string' }).min(1, 'expr must not be empty'),
  for: durationText.optional(),
  keep_firing_for: durationText.optional(),
  labels: stringMap,
  annotations: stringMap,
});

const groupSchema = z.strictObject({
  name: z.string({ error: 'group name is required' }).min(1, 'group name must not be empty'),
  interval: durationText.optional(),
  // Prometheus 3 rule groups, which Loki 3.x's loader accepts (checked with lokitool v3.7.6).
  query_offset: durationText.optional(),
  labels: stringMap,
  limit: z.number().int().min(0).optional(),
  rules: z.array(z.unknown(), { error: 'rules must be a list' }),
});

const fileSchema = z.strictObject({ groups: z.array(z.unknown(), { error: 'groups must be a list' }) });

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Parses a rule file and reports every problem it can find, with positions; never throws. */
export function parseRuleFile(text: string, file: string): RuleFile {
  const yaml = parseYamlSource(text, file);
  const problems: Problem[] = [...yaml.problems];
  const groups: LoadedRuleGroup[] = [];
  const result = { file, groups, problems, yaml };
  if (problems.length) return result;
  if (yaml.value === null || yaml.value === undefined) return result; // an empty file has no groups, as in Loki
  const top = fileSchema.safeParse(yaml.value);
  if (!top.success) {
    problems.push(...zodProblems(yaml, top.error));
    return result;
  }
  const seenGroups = new Map<string, SourcePosition>();
  top.data.groups.forEach((rawGroup, groupIndex) => {
    const groupPath = ['groups', groupIndex];
    const parsedGroup = groupSchema.safeParse(rawGroup);
    if (!parsedGroup.success) {
      problems.push(...zodProblems(yaml, prefixIssues(parsedGroup.error, groupPath)));
      // Keep checking the rules of a group whose own fields are wrong, so one run shows everything.
      const raw = rawGroup as { rules?: unknown } | null;
      if (raw && Array.isArray(raw.rules)) {
        raw.rules.forEach((rawRule, ruleIndex) =>
          loadRule(yaml, rawRule, [...groupPath, 'rules', ruleIndex], problems),
        );
      }
      return;
    }
    const g = parsedGroup.data;
    const position = yaml.locate([...groupPath, 'name']);
    const earlier = seenGroups.get(g.name);
    if (earlier) {
      problems.push(
        problem(
          position,
          `groupname: "${g.name}" is repeated in the same file (first at line ${earlier.line})`,
          'duplicate-group',
        ),
      );
    }
    seenGroups.set(g.name, position);
    const group: LoadedRuleGroup = {
      file,
      name: g.name,
      ...(g.interval !== undefined ? { intervalMs: parsePromDuration(g.interval) } : {}),
      limit: g.limit ?? 0,
      queryOffsetMs: g.query_offset ? parsePromDuration(g.query_offset) : 0,
      rules: [],
      position,
      source: rawGroup as Record<string, unknown>,
    };
    if (group.intervalMs === 0) {
      problems.push(
        problem(yaml.locate([...groupPath, 'interval']), 'group interval must be greater than 0', 'shape'),
      );
    }
    g.rules.forEach((rawRule, ruleIndex) => {
      const rule = loadRule(yaml, rawRule, [...groupPath, 'rules', ruleIndex], problems, g.labels ?? {});
      if (rule) group.rules.push(rule);
    });
    groups.push(group);
  });
  return result;
}

function loadRule(
  yaml: YamlSource,
  rawRule: unknown,
  path: PropertyKey[],
  problems: Problem[],
  groupLabels: Record<string, string> = {},
): LoadedRule | undefined {
  const parsed = ruleSchema.safeParse(rawRule);
  if (!parsed.success) {
    problems.push(...zodProblems(yaml, prefixIssues(parsed.error, path)));
    return undefined;
  }
  const r = parsed.data;
  const position = yaml.locate(path);
  const before = problems.length;
  if ((r.alert === undefined) === (r.record === undefined)) {
    problems.push(problem(position, 'one of "record" or "alert" must be set (and not both)', 'shape'));
    return undefined;
  }
  const kind = r.alert !== undefined ? 'alert' : 'record';
  const name = (r.alert ?? r.record)!;
  if (kind === 'record') {
    if (!metricNamePattern.test(name)) {
      problems.push(
        problem(yaml.locate([...path, 'record']), `invalid recording rule name: ${name}`, 'shape'),
      );
    }
    for (const field of ['for', 'keep_firing_for', 'annotations'] as const) {
      if (r[field] !== undefined && r[field] !== null) {
        problems.push(
          problem(yaml.locateKey([...path, field]), `invalid field '${field}' in recording rule`, 'shape'),
        );
      }
    }
  }
  // Group labels apply to every rule; a rule's own label wins (Prometheus 3 rules.FromMaps).
  const labels = { ...groupLabels, ...(r.labels ?? {}) };
  const annotations = r.annotations ?? {};
  const labelTemplates: Record<string, CompiledAlertTemplate> = {};
  const annotationTemplates: Record<string, CompiledAlertTemplate> = {};
  const labelPositions: Record<string, SourcePosition> = {};
  const annotationPositions: Record<string, SourcePosition> = {};
  const checkMap = (
    map: Record<string, string>,
    field: 'labels' | 'annotations',
    templates: Record<string, CompiledAlertTemplate>,
    positions: Record<string, SourcePosition>,
  ) => {
    for (const [key, value] of Object.entries(map)) {
      positions[key] = yaml.locate([...path, field, key]);
      if (!labelNamePattern.test(key)) {
        problems.push(
          problem(
            yaml.locateKey([...path, field, key]),
            `invalid ${field === 'labels' ? 'label' : 'annotation'} name: ${key}`,
            'shape',
          ),
        );
      }
      if (field === 'labels' && key === '__name__') {
        problems.push(
          problem(yaml.locateKey([...path, field, key]), 'invalid label name: __name__', 'shape'),
        );
      }
      try {
        templates[key] = compileAlertTemplate(value);
      } catch (error) {
        if (!(error instanceof AlertTemplateError)) throw error;
        problems.push(
          problem(positions[key]!, `template in ${field}.${key} of "${name}": ${error.message}`, 'template'),
        );
      }
    }
  };
  checkMap(labels, 'labels', labelTemplates, labelPositions);
  if (kind === 'alert') checkMap(annotations, 'annotations', annotationTemplates, annotationPositions);
  if (problems.length > before) return undefined;
  return {
    kind,
    name,
    expr: r.expr,
    forMs: r.for ? parsePromDuration(r.for) : 0,
    keepFiringForMs: r.keep_firing_for ? parsePromDuration(r.keep_firing_for) : 0,
    labels,
    annotations,
    labelTemplates,
    annotationTemplates,
    position,
    exprPosition: yaml.locate([...path, 'expr']),
    exprIsBlock: yaml.isBlockScalar([...path, 'expr']),
    labelPositions,
    annotationPositions,
    source: rawRule as Record<string, unknown>,
  };
}

function prefixIssues(error: z.ZodError, prefix: PropertyKey[]): z.ZodError {
  return new z.ZodError(
    error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }) as z.core.$ZodIssue),
  );
}

function problem(position: SourcePosition, message: string, code: string): Problem {
  return { ...position, message, severity: 'error', code };
}

/**
 * Loads the rule groups of one Loki ruler file. Throws RuleFileError listing every problem
 * (`file:line:col: message`) when the file is not a valid rule file.
 */
export function loadRuleGroups(yamlText: string, file: string): LoadedRuleGroup[] {
  const parsed = parseRuleFile(yamlText, file);
  if (parsed.problems.length) throw new RuleFileError(parsed.problems);
  return parsed.groups;
}
