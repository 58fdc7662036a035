export {
  securityEvent,
  emitSecurityEvent,
  schemaErrorsKey,
  instrumentationScopeName,
  type SecurityEventControls,
  type SecurityEventFields,
} from './security-event.ts';
