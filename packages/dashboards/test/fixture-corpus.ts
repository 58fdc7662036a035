// One corpus of log streams from every pack's rule tests (alert-rules/*/tests/*.test.yaml: the labels
// and metadata the pack sources give their lines) plus this package's own fixtures (same format, under
// test/fixtures/). Tests are laid end to end in time so each keeps its own spacing.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseLabelSet, formatLabelSet } from '@logward/cli';
import { parsePromDuration, type InputStream } from '@logward/logql';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const packsDir = path.join(repoRoot, 'alert-rules');
const ownFixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface EntrySpec {
  at: string;
  line: string;
  metadata?: Record<string, unknown>;
  repeat?: number;
  every?: string;
}
interface StreamSpec {
  labels: string | Record<string, unknown>;
  metadata?: Record<string, unknown>;
  entries?: EntrySpec[];
  fixture?: string;
  from?: string;
  every?: string;
}
interface TestSpec {
  name: string;
  input_streams: StreamSpec[];
}

const nsPerMs = 1_000_000n;
const ns = (duration: string) => BigInt(parsePromDuration(duration)) * nsPerMs;
const strings = (m: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));

export interface Corpus {
  streams: InputStream[];
  start: bigint;
  end: bigint;
  files: string[];
  tests: number;
}

async function testFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const pack of (await readdir(packsDir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const dir = path.join(packsDir, pack.name, 'tests');
    const names = await readdir(dir).catch(() => [] as string[]);
    files.push(...names.filter((n) => n.endsWith('.test.yaml')).map((n) => path.join(dir, n)));
  }
  const own = await readdir(ownFixturesDir).catch(() => [] as string[]);
  files.push(...own.filter((n) => n.endsWith('.streams.yaml')).map((n) => path.join(ownFixturesDir, n)));
  return files.sort();
}

export async function loadCorpus(
  base = BigInt(Date.parse('2026-01-01T00:00:00Z')) * nsPerMs,
): Promise<Corpus> {
  const streams = new Map<
    string,
    {
      labels: Record<string, string>;
      entries: { time: bigint; line: string; metadata?: Record<string, string> }[];
    }
  >();
  let cursor = base;
  const files = await testFiles();
  let tests = 0;
  for (const file of files) {
    const doc = parse(await readFile(file, 'utf8')) as { tests?: TestSpec[] };
    for (const test of doc.tests ?? []) {
      tests++;
      let last = cursor;
      for (const input of test.input_streams) {
        const labels = typeof input.labels === 'string' ? parseLabelSet(input.labels) : strings(input.labels);
        const key = formatLabelSet(labels);
        let stream = streams.get(key);
        if (!stream) streams.set(key, (stream = { labels, entries: [] }));
        const push = (time: bigint, line: string, entryMetadata?: Record<string, unknown>) => {
          const metadata = { ...strings(input.metadata), ...strings(entryMetadata) };
          stream.entries.push({ time, line, ...(Object.keys(metadata).length ? { metadata } : {}) });
          if (time > last) last = time;
        };
        if (input.fixture !== undefined) {
          const text = await readFile(path.resolve(path.dirname(file), input.fixture), 'utf8');
          const lines = text.split('\n');
          if (lines.at(-1) === '') lines.pop();
          const from = cursor + ns(input.from ?? '0s');
          const every = ns(input.every ?? '1s');
          lines.forEach((line, i) => push(from + BigInt(i) * every, line));
        }
        for (const entry of input.entries ?? []) {
          const at = cursor + ns(entry.at);
          const every = ns(entry.every ?? '1s');
          for (let i = 0; i < (entry.repeat ?? 1); i++)
            push(at + BigInt(i) * every, entry.line, entry.metadata);
        }
      }
      // The next test starts 10 minutes after this one's last line, on a minute boundary.
      const minute = 60_000n * nsPerMs;
      cursor = ((last + 10n * minute) / minute) * minute;
    }
  }
  for (const s of streams.values())
    s.entries.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { streams: [...streams.values()], start: base, end: cursor, files, tests };
}
