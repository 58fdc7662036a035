// YAML parsed with its source positions kept, so every problem found later (shape, LogQL, hygiene)
// can name the file:line:col of the node it is about.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { ZodError } from 'zod';

export interface SourcePosition {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

export interface Problem extends SourcePosition {
  message: string;
  severity: 'error' | 'warning';
  /** A short stable identifier of the kind of problem (for --format json consumers). */
  code: string;
}

export type YamlPath = readonly PropertyKey[];

export interface YamlSource {
  file: string;
  /** The document as plain JavaScript (undefined when it did not parse). */
  value: unknown;
  /** Syntax errors (a document with errors has no value). */
  problems: Problem[];
  /** Position of the node at `path`, or of its closest existing ancestor. */
  locate(path: YamlPath): SourcePosition;
  /** Position of the key of the map entry at `path` (the value's position when it has no key). */
  locateKey(path: YamlPath): SourcePosition;
  /** The node at `path` is a block scalar (`|`/`>`), whose content starts on the next line. */
  isBlockScalar(path: YamlPath): boolean;
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problems: Problem[] = doc.errors.map((error) => ({
    ...at(error.pos[0]),
    message: `invalid YAML: ${error.message.split('\n')[0]}`,
    severity: 'error',
    code: 'yaml-syntax',
  }));

  // Walks to the node at `path`, remembering the map key node of the last step.
  const walk = (path: YamlPath): { node: YamlNode | null; key: YamlNode | null; found: boolean } => {
    let node = doc.contents as YamlNode | null;
    let key: YamlNode | null = null;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step),
        );
        if (!pair) return { node, key, found: false };
        key = pair.key as YamlNode;
        node = (pair.value as YamlNode | null) ?? key;
      } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
        node = node.items[step] as YamlNode;
        key = null;
      } else {
        return { node, key, found: false };
      }
    }
    return { node, key, found: true };
  };
  const positionOf = (node: YamlNode | null): SourcePosition =>
    node?.range ? at(node.range[0]) : { file, line: 1, column: 1 };

  return {
    file,
    value: problems.length ? undefined : doc.toJS(),
    problems,
    locate: (path) => positionOf(walk(path).node),
    locateKey: (path) => {
      const { node, key, found } = walk(path);
      return positionOf(found && key ? key : node);
    },
    isBlockScalar: (path) => {
      const { node, found } = walk(path);
      return found && isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    },
  };
}

/** Turns zod issues into problems at the YAML nodes they are about. */
export function zodProblems(source: YamlSource, error: ZodError, code = 'shape'): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      return {
        ...source.locateKey([...path, key]),
        message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}${path.length ? ` in ${describePath(path)}` : ''}`,
        severity: 'error' as const,
        code,
      };
    }
    const where = path.length ? `${describePath(path)}: ` : '';
    return { ...source.locate(path), message: `${where}${issue.message}`, severity: 'error' as const, code };
  });
}

export function describePath(path: YamlPath): string {
  return path
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i ? '.' : ''}${String(step)}`))
    .join('');
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}
