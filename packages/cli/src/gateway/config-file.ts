// The gateway's --config file (YAML or JSON): redaction rules and context options, validated with
// the zod schemas of @logward/otel. Every problem is reported as `file:line:col: field: message`.
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { redactionConfigSchema, securityContextConfigSchema } from '@logward/otel';
import { InputError } from '../exit-codes.ts';
import type { GatewayProcessingConfig } from './pipeline.ts';

export const gatewayConfigSchema = z
  .object({
    redaction: redactionConfigSchema.optional(),
    context: securityContextConfigSchema.omit({ requestContext: true }).optional(),
  })
  .strict();

/** A config file that does not validate; `issues` are the lines of the message. */
export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
  readonly issues: readonly string[];
  constructor(file: string, issues: readonly string[]) {
    super(`invalid gateway config ${file}:\n  ${issues.join('\n  ')}`);
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(top level)';
}

/**
 * line:col of the deepest node on `path` that exists (a missing field points at its parent); with
 * `key`, of that key inside the map at `path` (where an unknown key is written).
 */
function locate(doc: Document, counter: LineCounter, path: readonly PropertyKey[], key?: string): string {
  if (key !== undefined) {
    const map: unknown = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) {
        const { line, col } = counter.linePos(pair.key.range[0]);
        return `${line}:${col}`;
      }
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return '1:1';
}

export function parseGatewayConfig(text: string, file: string): GatewayProcessingConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new GatewayConfigError(
      file,
      doc.errors.map((error) => {
        const { line, col } = counter.linePos(error.pos[0]);
        return `${file}:${line}:${col}: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const result = gatewayConfigSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new GatewayConfigError(
      file,
      result.error.issues.map((issue) => {
        // An unknown key is reported at the key itself.
        const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
        return `${file}:${locate(doc, counter, issue.path, key)}: ${formatPath(issue.path)}: ${issue.message}`;
      }),
    );
  }
  return result.data as GatewayProcessingConfig;
}

export async function loadGatewayConfig(file: string): Promise<GatewayProcessingConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseGatewayConfig(text, file);
}
