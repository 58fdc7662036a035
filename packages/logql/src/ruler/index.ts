// Loki ruler semantics over the embedded engine: rule files, alert state machine, templates.
//
//   const groups = loadRuleGroups(readFileSync('rules.yaml', 'utf8'), 'rules.yaml'); // RuleFileError: file:line:col
//   const ruler = createStreamsRuler(groups, streams, { start, defaultIntervalMs: 60_000 });
//   ruler.advanceTo(new Date(start.getTime() + 5 * 60_000));  // every group at start + k*interval
//   ruler.firingAlerts('K3sPodExec');                          // labels, annotations, activeAt, firedAt
//
// parseRuleFile collects every problem instead of throwing (for lint); createRuler takes any
// instant-query function (a real Loki, or another engine); applySelectorOverrides renders a pack
// for an installation's labels; serializeRuleGroup gives the body of the ruler API's POST.
export { parsePromDuration, formatPromDuration } from './duration.ts';
export { formatFloatG as formatGoFloat, sprintf as goSprintf } from './go-format.ts';
export {
  compileAlertTemplate,
  expandAlertTemplate,
  AlertTemplateError,
  type AlertTemplateData,
  type CompiledAlertTemplate,
} from './template.ts';
export {
  parseYamlSource,
  zodProblems,
  describePath,
  formatProblem,
  type Problem,
  type SourcePosition,
  type YamlPath,
  type YamlSource,
} from './yaml-source.ts';
export {
  loadRuleGroups,
  parseRuleFile,
  durationText as promDurationSchema,
  stringish as yamlScalarString,
  RuleFileError,
  type LoadedRule,
  type LoadedRuleGroup,
  type RuleFile,
} from './load.ts';
export {
  createRuler,
  AlertingRuleState,
  type Alert,
  type AlertState,
  type InstantQueryFunction,
  type InstantBatchQueryFunction,
  type RulerQueryData,
  type RuleEvaluation,
  type Ruler,
  type RulerOptions,
  type RuleSample,
} from './evaluator.ts';
export { createStreamsRuler, type StreamsRulerOptions } from './streams-ruler.ts';
export { applySelectorOverrides, serializeRuleGroup, type PackSourceSelector } from './render.ts';
