// Severity policy: an event's level comes from the taxonomy, an explicit level from the caller wins.
import { parseExplicitLevel, severityNumberByLevel, type ExplicitLevel, type Severity } from './levels.ts';
import { eventDefinitions, isSecurityEventName, type SecurityEventName } from './taxonomy.ts';

/**
 * Severity for an event. `explicit` (the caller's level) wins; otherwise the event's default level,
 * raised by its escalation rule when `attributes` match it (upload_validation with result FAILED).
 * OWASP INFO → 9 "INFO", WARN → 13 "WARN", CRITICAL → 18 "CRITICAL".
 */
export function severityFor(
  name: SecurityEventName,
  explicit?: ExplicitLevel,
  attributes?: Readonly<Record<string, unknown>>,
): Severity {
  if (explicit !== undefined && explicit !== null) return parseExplicitLevel(explicit);
  if (!isSecurityEventName(name)) {
    throw new RangeError(`severityFor: ${JSON.stringify(name)} is not a security event name of the taxonomy`);
  }
  const definition = eventDefinitions[name];
  let level: keyof typeof severityNumberByLevel = definition.defaultLevel;
  const escalation = 'escalation' in definition ? definition.escalation : undefined;
  if (escalation && attributes?.[escalation.attribute] === escalation.equals) level = escalation.level;
  return { severityNumber: severityNumberByLevel[level], severityText: level };
}
