// Loki ruler semantics over the embedded engine: rule files, alert state machine, templates.
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
export { createStreamsRuler } from './streams-ruler.ts';
export { applySelectorOverrides, serializeRuleGroup, type PackSourceSelector } from './render.ts';
