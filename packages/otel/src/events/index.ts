export {
  securityEvent,
  emitSecurityEvent,
  schemaErrorsKey,
  instrumentationScopeName,
  type SecurityEventControls,
  type SecurityEventFields,
} from './security-event.ts';
export { uniqueTimestamp } from './unique-time.ts';
