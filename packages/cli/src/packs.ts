// Rule packs on disk: alert-rules/<pack>/manifest.yaml (format in alert-rules/FORMAT.md).
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseYamlSource, zodProblems, formatProblem, type Problem } from '@logward/logql';
import { readText, describeFsError } from './files.ts';
import { InputError } from './exit-codes.ts';

export const scanFormats = ['ndjson', 'journald-json', 'logfmt', 'otlp-json', 'text'] as const;
export type ScanFormat = (typeof scanFormats)[number];

const fieldValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
// Alloy's journal relabeling conventionally lowercases field names (PRIORITY -> priority,
// _SYSTEMD_UNIT -> systemd_unit); `{ field, name }` names the metadata explicitly.
export const defaultMetadataName = (field: string) =>
  field
    .replace(/^_+/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
const metadataField = z.union([
  z.string().transform((field) => ({ field, name: defaultMetadataName(field) })),
  z
    .object({ field: z.string(), name: z.string().optional() })
    .transform((m) => ({ field: m.field, name: m.name ?? defaultMetadataName(m.field) })),
]);

const sourceSchema = z.object({
  id: z.string().min(1),
  description: z.string().optional(),
  selector: z.string().min(3),
  collect: z.string().optional(),
  scan: z
    .object({
      format: z.enum(scanFormats),
      match: z
        .object({ fields: z.record(z.string(), z.union([fieldValue, z.array(fieldValue)])).nullish() })
        .nullish(),
      line: z
        .string()
        .regex(/^(raw|field:.+)$/, 'line must be raw or field:<NAME>')
        .optional(),
      metadata: z.array(metadataField).nullish(),
      // logward extensions (optional): index labels taken from record fields ({ host: _HOSTNAME }),
      // and the field holding the record's time (field:NAME) when the usual ones do not apply.
      labels: z.record(z.string(), z.string()).nullish(),
      time: z
        .string()
        .regex(/^field:.+$/, 'time must be field:<NAME>')
        .optional(),
    })
    .optional(),
});

const manifestSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pack name must be lowercase letters, digits and dashes'),
  version: z.string(),
  description: z.string().optional(),
  rules: z.string(),
  sources: z.array(sourceSchema).min(1),
});

export type PackManifest = z.infer<typeof manifestSchema>;
export type PackSource = PackManifest['sources'][number];

export interface Pack {
  name: string;
  dir: string;
  manifestFile: string;
  rulesFile: string;
  manifest: PackManifest;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export async function loadPack(dir: string): Promise<Pack> {
  const manifestFile = path.join(dir, 'manifest.yaml');
  const source = parseYamlSource(await readText(manifestFile), manifestFile);
  if (source.problems.length) throw new ManifestError(source.problems);
  const parsed = manifestSchema.safeParse(source.value);
  if (!parsed.success) throw new ManifestError(zodProblems(source, parsed.error, 'manifest'));
  const ids = new Set<string>();
  parsed.data.sources.forEach((s, i) => {
    if (ids.has(s.id)) {
      throw new ManifestError([
        {
          ...source.locate(['sources', i, 'id']),
          message: `duplicate source id "${s.id}"`,
          severity: 'error',
          code: 'manifest',
        },
      ]);
    }
    ids.add(s.id);
  });
  return {
    name: parsed.data.name,
    dir,
    manifestFile,
    rulesFile: path.join(dir, parsed.data.rules),
    manifest: parsed.data,
  };
}

/** Every pack directory (one holding manifest.yaml) directly under `packsDir`, sorted by name. */
export async function discoverPacks(packsDir: string): Promise<Pack[]> {
  let entries;
  try {
    entries = await readdir(packsDir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`${packsDir}: cannot read packs directory: ${describeFsError(error)}`);
  }
  const packs: Pack[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(packsDir, entry.name);
    if (await exists(path.join(dir, 'manifest.yaml'))) packs.push(await loadPack(dir));
  }
  return packs;
}

/** Picks packs by name; an unknown name is a usage problem listing the known ones. */
export function selectPacks(all: Pack[], names: string[] | undefined, packsDir: string): Pack[] {
  if (!names?.length) return all;
  return names.map((name) => {
    const pack = all.find((p) => p.name === name);
    if (!pack) {
      throw new InputError(
        `no pack "${name}" in ${packsDir} (found: ${all.map((p) => p.name).join(', ') || 'none'})`,
      );
    }
    return pack;
  });
}

/** The pack whose manifest names `rulesFile` as its rules (the manifest sits beside it or one level up). */
export async function packForRulesFile(rulesFile: string): Promise<Pack | undefined> {
  const resolved = path.resolve(rulesFile);
  for (const dir of [path.dirname(resolved), path.dirname(path.dirname(resolved))]) {
    if (!(await exists(path.join(dir, 'manifest.yaml')))) continue;
    const pack = await loadPack(dir);
    if (path.resolve(pack.rulesFile) === resolved) return pack;
  }
  return undefined;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Splits `a,b c` style lists given to repeatable options. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
