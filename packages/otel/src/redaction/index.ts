// Public surface of the redaction part of @logward/otel.
export { createRedactionProcessor, redactionAttributeNames, redactionFailedMarker } from './processor.ts';
export type {
  RedactableLogRecord,
  RedactionLogRecordProcessor,
  RedactionProcessorOptions,
} from './processor.ts';
export { createRedactor, maskMarker } from './redactor.ts';
export type { Redactor, RedactorOptions, RedactionScope } from './redactor.ts';
export {
  redactionConfigSchema,
  parseRedactionConfig,
  resolveRedactionConfig,
  RedactionConfigError,
} from './config.ts';
export type {
  RedactionConfigInput,
  RedactionConfig,
  ResolvedRedactionConfig,
  CompiledRule,
} from './config.ts';
export {
  defaultRedactionRules,
  defaultSensitiveKeyNames,
  sensitiveKeyRuleId,
  timeBudgetRuleId,
  maxDepthRuleId,
} from './default-rules.ts';
export { redactionMetricNames, ruleMetricAttribute } from './metrics.ts';
export { createRedactionReport, redactionActions } from './types.ts';
export type {
  RedactionAction,
  RedactionReport,
  RedactionRuleDefinition,
  SecretCheck,
  MatchContext,
} from './types.ts';
