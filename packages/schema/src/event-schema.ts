// zod schemas of the security-event record (what an OTel log record carries for one event) and its
// JSON Schema export. Go services (Kratos) and other non-TypeScript producers use the JSON Schema.
import { z } from 'zod';
import { commonAttributes, schemaRegistry } from './attributes.ts';
import { severityLevelNames } from './levels.ts';
import { eventDefinitions, securityEventNames, type SecurityEventName } from './taxonomy.ts';

/** Attribute values OTLP can carry (AnyValue), for attributes beyond the typed ones. */
const anyValue: z.ZodType = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(anyValue), z.record(z.string(), anyValue)]),
);
schemaRegistry.add(anyValue, {
  id: 'AnyValue',
  description: 'Any OTLP attribute value (scalars, arrays, maps).',
});

const severityNumber = z.int().min(1).max(24);
schemaRegistry.add(severityNumber, {
  id: 'severityNumber',
  description: 'OTel SeverityNumber. Defaults from the severity policy: INFO 9, WARN 13, CRITICAL 18.',
});
const severityText = z.enum(severityLevelNames);
schemaRegistry.add(severityText, { id: 'severityText', description: 'OTel SeverityText (the level word).' });
const body = z.string();
schemaRegistry.add(body, {
  id: 'body',
  description: 'Human-readable description (becomes the Loki log line).',
});
const timestamp = z.iso.datetime({ offset: true });
schemaRegistry.add(timestamp, { id: 'timestamp', description: 'Time of occurrence, RFC 3339 with offset.' });

type Definitions = typeof eventDefinitions;
type AttributesShape<N extends SecurityEventName> = typeof commonAttributes & Definitions[N]['attributes'];
type OptionalShape<S> = { [K in keyof S]: S[K] extends z.ZodType ? z.ZodOptional<S[K]> : never };

function attributesSchema<N extends SecurityEventName>(name: N) {
  const shape = { ...commonAttributes, ...eventDefinitions[name].attributes } as AttributesShape<N>;
  // OWASP: "All fields logged after event type should be considered optional".
  const optional = Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, v.optional()]),
  ) as OptionalShape<AttributesShape<N>>;
  // The event name again as an attribute: Loki before grafana/loki PR #21229 drops the OTLP EventName
  // field, so producers (the @logward/otel processor, Go services) write otel.event.name too.
  const eventNameAttribute = z.literal(name).optional();
  schemaRegistry.add(eventNameAttribute, {
    description: 'The event name again (semconv otel.event.name); Loki structured metadata otel_event_name.',
  });
  return z.object({ 'otel.event.name': eventNameAttribute, ...optional }).catchall(anyValue);
}

function recordSchema<N extends SecurityEventName>(name: N) {
  const definition = eventDefinitions[name];
  const schema = z.object({
    eventName: z.literal(name),
    severityNumber: severityNumber.optional(),
    severityText: severityText.optional(),
    timestamp: timestamp.optional(),
    body: body.optional(),
    attributes: attributesSchema(name),
  });
  schemaRegistry.add(schema, {
    id: name,
    description: `${definition.description} Default level ${definition.defaultLevel}; category ${definition.category}.`,
  });
  return schema;
}

type EventSchemas = { [N in SecurityEventName]: ReturnType<typeof recordSchema<N>> };

/** One zod schema per event: { eventName, severityNumber?, severityText?, timestamp?, body?, attributes }. */
export const eventSchemas: EventSchemas = Object.fromEntries(
  securityEventNames.map((name) => [name, recordSchema(name)]),
) as unknown as EventSchemas;

/**
 * The typed attributes of one event, without the catch-all for extra attributes, so a misspelt
 * attribute name is a type error (what `securityEvent(name, fields)` in @logward/otel accepts).
 */
export type SecurityEventTypedAttributes<N extends SecurityEventName> = {
  [K in keyof AttributesShape<N>]?: AttributesShape<N>[K] extends z.ZodType
    ? z.input<AttributesShape<N>[K]>
    : never;
};

/** The attributes of one event as the schema accepts them (input form, extra attributes allowed). */
export type SecurityEventAttributes<N extends SecurityEventName> = z.input<EventSchemas[N]>['attributes'];

/** Any security event record, discriminated on eventName. */
export const securityEventSchema = z.discriminatedUnion(
  'eventName',
  securityEventNames.map((name) => eventSchemas[name]) as unknown as [
    EventSchemas[SecurityEventName],
    ...EventSchemas[SecurityEventName][],
  ],
);
schemaRegistry.add(securityEventSchema, {
  title: 'logward security event',
  description:
    'A security event as an OpenTelemetry log record: eventName is the OWASP Logging Vocabulary name (or a kcp_* name), ' +
    'attributes use semantic-convention names. Also write eventName to the attribute otel.event.name: Loki before ' +
    'grafana/loki PR #21229 drops the OTLP EventName field, and rules filter on otel_event_name.',
});

export type SecurityEvent = z.infer<typeof securityEventSchema>;

/** The JSON Schema (draft 2020-12) of a security event record, made by zod's own z.toJSONSchema. */
export function securityEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(securityEventSchema, { metadata: schemaRegistry, io: 'input' });
}
