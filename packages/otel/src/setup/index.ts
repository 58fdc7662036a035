export {
  startSecurityLogging,
  createSecurityLogProcessors,
  type SecurityLoggingHandle,
} from './start-security-logging.ts';
export {
  securityLoggingOptionsSchema,
  logsUrlFor,
  type SecurityLoggingOptions,
  type ResolvedSecurityLoggingOptions,
} from './options.ts';
// securityEvent lives in ../events; it is exported here because the package entry point re-exports
// context, redaction and setup.
export * from '../events/index.ts';
