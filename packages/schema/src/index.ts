// Public entry point of @logward/schema: the one place that defines the security-event taxonomy.
export {
  eventDefinitions,
  eventCategories,
  securityEventNames,
  isSecurityEventName,
  type EventCategory,
  type EventDefinition,
  type LevelEscalation,
  type SecurityEventName,
} from './taxonomy.ts';
export { commonAttributes, specificAttributes, kcpReasons } from './attributes.ts';
export {
  securityLevels,
  severityLevelNames,
  severityNumberByLevel,
  severityTextFor,
  parseExplicitLevel,
  type ExplicitLevel,
  type SecurityLevel,
  type Severity,
  type SeverityLevelName,
} from './levels.ts';
export { severityFor } from './severity.ts';
export {
  eventSchemas,
  securityEventSchema,
  securityEventJsonSchema,
  type SecurityEvent,
  type SecurityEventAttributes,
  type SecurityEventTypedAttributes,
} from './event-schema.ts';
