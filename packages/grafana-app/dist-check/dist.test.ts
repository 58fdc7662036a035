// The built plugin as Grafana and the plugin validator see it: dist/plugin.json valid against Grafana's
// plugin.json schema (vendored in schema/), version and files in place, bundled dashboards included,
// and the release zip laid out as <plugin id>/<dist files>.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import Ajv from 'ajv';

const appDir = path.resolve(__dirname, '..');
const dist = path.join(appDir, 'dist');
const pkg = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8'));
const plugin = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8'));

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads a zip through its central directory (what unzip and Grafana's installer do). */
function readZip(file: string): ZipEntry[] {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const localNameLength = buf.readUInt16LE(localOffset + 26);
    const localExtraLength = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = buf.subarray(start, start + compressedSize);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('dist/', () => {
  it('has a plugin.json valid against Grafana plugin.json schema', () => {
    const schema = JSON.parse(readFileSync(path.join(appDir, 'schema/plugin.schema.json'), 'utf8'));
    // Ajv's default meta-schema is draft-07, the schema's own; formats (uri, email) are not checked. The
    // schema's patterns escape '-' and '%', which Go's regexp (the validator's) accepts and unicode mode does not.
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(
      schema
    );
    const valid = validate(plugin);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('carries the package version, a build date and an id/name the validator accepts', () => {
    expect(plugin.id).toBe('logward-security-app');
    expect(plugin.id.split('-')).toHaveLength(3);
    expect(plugin.name).not.toBe(plugin.id);
    expect(plugin.type).toBe('app');
    expect(plugin.info.version).toBe(pkg.version);
    expect(plugin.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(plugin.buildMode).toBe('production');
    expect(JSON.stringify(plugin)).not.toMatch(/%(VERSION|TODAY|PLUGIN_ID)%/);
  });

  it('has an AMD module, README (not the template), CHANGELOG, LICENSE and the logos', () => {
    expect(readFileSync(path.join(dist, 'module.js'), 'utf8')).toMatch(/define\(\[/);
    const readme = readFileSync(path.join(dist, 'README.md'), 'utf8');
    expect(readme).toContain('logward');
    expect(readme).not.toMatch(/create-plugin|Grafana app plugin template/i);
    expect(readFileSync(path.join(dist, 'CHANGELOG.md'), 'utf8')).toContain(pkg.version);
    expect(readFileSync(path.join(dist, 'LICENSE'), 'utf8')).toContain('Apache License');
    for (const logo of Object.values(plugin.info.logos) as string[]) {
      expect(readFileSync(path.join(dist, logo), 'utf8')).toContain('<svg');
    }
  });

  it('includes every bundled dashboard, byte for byte, at the path plugin.json declares', () => {
    const includes = plugin.includes.filter((i: { type: string }) => i.type === 'dashboard');
    expect(includes).toHaveLength(5);
    const repoDashboards = path.resolve(appDir, '../../dashboards');
    for (const include of includes) {
      const file = path.join(dist, include.path);
      expect(existsSync(file)).toBe(true);
      const json = JSON.parse(readFileSync(file, 'utf8'));
      expect(json.uid).toBe(include.uid);
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(path.join(repoDashboards, path.basename(file)), 'utf8'));
    }
  });
});

describe('release zip', () => {
  it('is logward-security-app-<version>.zip holding dist/ under one logward-security-app/ folder', () => {
    const zip = path.join(appDir, `${plugin.id}-${pkg.version}.zip`);
    const entries = readZip(zip);
    const names = entries.map((e) => e.name).sort();
    const distFiles = (function list(dir: string, prefix = ''): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? list(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
      );
    })(dist);
    expect(names).toEqual(distFiles.map((f) => `${plugin.id}/${f}`).sort());
    const pluginEntry = entries.find((e) => e.name === `${plugin.id}/plugin.json`)!;
    expect(pluginEntry.data.toString('utf8')).toBe(readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
  });
});
