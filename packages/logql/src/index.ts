/**
 * @logward/logql: LogQL evaluated in-process over in-memory streams with Loki's semantics.
 * Production scale is Loki's job; this engine runs rule tests and scans of local files.
 */
export type * from './ast.ts';
export { parseQuery } from './parse.ts';
export { LogQLExecutionError, LogQLSyntaxError, UnsupportedQueryError } from './errors.ts';
export {
  evaluateInstantBatch,
  evaluateInstantBatchSettled,
  instantQuery,
  rangeQuery,
  type BatchOptions,
  type MatrixResult,
  type QueryResult,
  type RangeOptions,
  type ScalarResult,
  type SettledQueryResult,
  type StreamsResult,
  type VectorResult,
} from './engine.ts';
export {
  formatRfc3339,
  parseRfc3339,
  toNanos,
  type InputEntry,
  type InputStream,
  type TimeInput,
} from './streams.ts';
export { stringifySelector } from './stringify.ts';
export { createStageCache, StageCache, type StageCacheOptions, type StageCacheStats } from './stage-cache.ts';
export { formatSampleValue, parseDurationMs } from './units.ts';
export * from './ruler/index.ts';
