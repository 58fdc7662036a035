// @logward/cli as a library: the `logward` dispatcher and the functions behind its commands, for
// other packages (the demo, the end-to-end tests) that want results rather than terminal output.
export { main, usage, type CommandModule } from './main.ts';
export { exitCodes, InputError, UsageError } from './exit-codes.ts';
export {
  discoverPacks,
  loadPack,
  selectPacks,
  ManifestError,
  type Pack,
  type PackManifest,
  type PackSource,
  type ScanFormat,
} from './packs.ts';
export { lintRuleFiles, collectSelectors, type LintFinding } from './rules/lint.ts';
export {
  runRuleTestFiles,
  formatTestReport,
  type TestReport,
  type TestFileResult,
  type TestResult,
  type TestFailure,
} from './rules/test-runner.ts';
export { createLokiClient, LokiError, type LokiClient, type LokiClientOptions } from './rules/loki-client.ts';
export { planChanges, type GroupChange } from './rules/sync.ts';
export {
  scanFiles,
  type ScanReport,
  type FoundAlert,
  type ScannedFile,
  type ScanOptions,
} from './scan/scan.ts';
export {
  otlpRecords,
  normalizeLabelName,
  defaultIndexLabelAttributes,
  type OtlpRecord,
} from './scan/otlp.ts';
export { detectFormat, parseRecords } from './scan/formats.ts';
export { parseLabelSet, formatLabelSet } from './label-set.ts';
