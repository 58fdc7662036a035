// Checks the attributes of taxonomy events against the @logward/schema zod schemas, as
// securityEvent() does for Node services: a Go service that sends `client.port` as a string or a
// `logward.kcp.outcome` outside its enum gets `logward.schema.errors` on the record (visible in Loki
// as structured metadata logward_schema_errors); the record is still forwarded.
import { eventSchemas, isSecurityEventName, type SecurityEventName } from '@logward/schema';
import { schemaErrorsKey, type WritableLogRecord } from '@logward/otel';
import type { z } from 'zod';

type AttributesSchema = z.ZodObject<Record<string, z.ZodType>>;

const typedKeys = new Map<SecurityEventName, readonly string[]>();

function attributesSchemaOf(name: SecurityEventName): AttributesSchema {
  return (eventSchemas[name] as unknown as { shape: { attributes: AttributesSchema } }).shape.attributes;
}

export function checkEventSchema(record: WritableLogRecord): void {
  const name = record.eventName;
  if (!isSecurityEventName(name)) return;
  const schema = attributesSchemaOf(name);
  let keys = typedKeys.get(name);
  if (!keys) typedKeys.set(name, (keys = Object.keys(schema.shape)));
  // Only the attributes the taxonomy types: everything else a service adds is its own business.
  const typed: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(record.attributes, key)) typed[key] = record.attributes[key];
  const result = schema.safeParse(typed);
  if (result.success) return;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  record.setAttribute(schemaErrorsKey, problems.join('; '));
}
