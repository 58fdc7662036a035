import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaPath, readmePath, renderJsonSchemaFile, withEventTable } from '../scripts/generate.ts';
import {
  commonAttributes,
  eventDefinitions,
  securityEventJsonSchema,
  securityEventNames,
} from '../src/index.ts';

const stale = 'out of date: run `pnpm --filter @logward/schema gen` and commit the result';

describe('generated artefacts', () => {
  it(`schema/security-event.schema.json is the current z.toJSONSchema output (${stale})`, async () => {
    expect(readFileSync(jsonSchemaPath, 'utf8')).toBe(await renderJsonSchemaFile());
  });

  it(`the README event table matches the taxonomy (${stale})`, () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme).toBe(withEventTable(readme));
    for (const name of securityEventNames) expect(readme).toContain(`| \`${name}\` |`);
  });

  it('the JSON Schema describes each event record: name constant, severity, typed attributes', () => {
    const schema = JSON.parse(readFileSync(jsonSchemaPath, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.oneOf).toHaveLength(securityEventNames.length);
    for (const name of securityEventNames) {
      const def = schema.$defs[name];
      expect(def.properties.eventName.const, name).toBe(name);
      expect(def.required).toEqual(['eventName', 'attributes']);
      expect(def.properties.severityNumber).toEqual({ $ref: '#/$defs/severityNumber' });
      const attrs = Object.keys(def.properties.attributes.properties);
      expect(attrs).toEqual([
        'otel.event.name',
        ...Object.keys(commonAttributes),
        ...Object.keys(eventDefinitions[name].attributes),
      ]);
      expect(def.properties.attributes.properties['otel.event.name'].const).toBe(name);
    }
    expect(schema.$defs['user.id'].description).toMatch(/server-side auth state/);
    expect(schema.$defs['logward.kcp.reason(kcp_conn_closed)'].enum).toContain('idle_timeout');
    expect(schema.$defs['client.port']).toMatchObject({ type: 'integer', minimum: 0, maximum: 65535 });
    expect(securityEventJsonSchema()).toEqual(schema);
  });
});
