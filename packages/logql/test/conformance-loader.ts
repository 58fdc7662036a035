/**
 * Loads conformance files (packages/logql/conformance/*.yaml): input streams plus cases whose
 * expected results are Loki HTTP API `data` objects, so the same files replay against Loki.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { InputStream } from '../src/index.ts';

export interface ConformanceCase {
  name: string;
  query: string;
  time?: string;
  range?: { start: string; end: string; step: string };
  limit?: number;
  direction?: 'forward' | 'backward';
  expected?: unknown;
  error?: string;
  loki?: string;
  note?: string;
  /** file:line of the case, for failure messages. */
  where: string;
}

export interface ConformanceFile {
  file: string;
  streams: InputStream[];
  cases: ConformanceCase[];
}

export function loadConformanceFile(file: string): ConformanceFile {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new Error(`${file}:${e.linePos?.[0].line ?? 0}: ${e.message}`);
  }
  const at = (n: Node | null | undefined): string => `${file}:${n?.range ? lc.linePos(n.range[0]).line : 0}`;
  const root = doc.contents;
  if (!isMap(root)) throw new Error(`${file}:1: expected a mapping with streams: and cases:`);
  const data = doc.toJS() as { streams?: unknown; cases?: unknown };
  if (!Array.isArray(data.streams)) throw new Error(`${at(root)}: missing streams: list`);
  if (!Array.isArray(data.cases)) throw new Error(`${at(root)}: missing cases: list`);
  const casesNode = root.get('cases', true);
  const caseNodes = isSeq(casesNode) ? casesNode.items : [];
  const streams: InputStream[] = (
    data.streams as {
      labels: Record<string, string>;
      entries: { time: string; line: string; metadata?: Record<string, string> }[];
    }[]
  ).map((s, i) => {
    if (!s || typeof s.labels !== 'object' || !Array.isArray(s.entries))
      throw new Error(`${file}: streams[${i}] needs labels: and entries:`);
    return {
      labels: Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, String(v)])),
      entries: s.entries.map((e) => ({
        time: String(e.time),
        line: String(e.line),
        ...(e.metadata
          ? { metadata: Object.fromEntries(Object.entries(e.metadata).map(([k, v]) => [k, String(v)])) }
          : {}),
      })),
    };
  });
  const names = new Set<string>();
  const cases = (data.cases as Record<string, unknown>[]).map((c, i) => {
    const where = at(caseNodes[i] as Node);
    if (typeof c.name !== 'string' || typeof c.query !== 'string')
      throw new Error(`${where}: a case needs name: and query:`);
    if (names.has(c.name)) throw new Error(`${where}: duplicate case name ${JSON.stringify(c.name)}`);
    names.add(c.name);
    if ((c.time === undefined) === (c.range === undefined))
      throw new Error(`${where}: case ${JSON.stringify(c.name)} needs exactly one of time: or range:`);
    if ((c.expected === undefined) === (c.error === undefined))
      throw new Error(`${where}: case ${JSON.stringify(c.name)} needs exactly one of expected: or error:`);
    return { ...(c as object), where } as ConformanceCase;
  });
  return { file, streams, cases };
}
