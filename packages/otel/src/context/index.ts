export {
  createSecurityContextProcessor,
  securityContextConfigSchema,
  contextErrorKey,
  type SecurityContextConfig,
} from './context-processor.ts';
export {
  runWithRequestContext,
  getRequestContext,
  updateRequestContext,
  type RequestContext,
} from './request-context.ts';
export { neutralizeString, neutralizeValue } from './neutralize.ts';
export { droppedAttributesKey, isProtectedAttribute } from './attribute-budget.ts';
export { SecurityLoggingConfigError } from './options-error.ts';
export type { LogRecordProcessorLike, WritableLogRecord, SpanContextLike } from './log-record.ts';
