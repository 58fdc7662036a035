/**
 * Per-line results of pipeline stages kept across evaluations of the same streams. A ruler
 * replay (`logward scan`) evaluates every group at each step over the lines in its rules'
 * windows, so with a 5-minute window at a 1-minute interval each line is filtered and parsed
 * about five times; with this cache, once.
 *
 * What is cached, per normalized stream (the same streams array normalizes to the same objects,
 * and appending entries makes new ones) and per stage path:
 * - line filter verdicts, when every stage before the filter is a pure filter (so its input is
 *   the line itself): one byte per line;
 * - parser results (the line and labels after the parser, or "parse error"), when every stage
 *   before the parser is a pure filter (so its input is the fresh entry). The key includes the
 *   parser's hints, which decide what it extracts.
 * Both are functions of the line, its stream labels and metadata, the stage path and hints, so a
 * hit gives what recomputing would. Parsed entries are shared copy-on-write (LabelsBuilder.fork).
 *
 * Bounds: parsed lines count against `maxParsedLines`; at the limit, entries before the current
 * window of their path are dropped (a replay moves forward in time), and if none can be, new
 * lines are not cached. Verdict arrays count against `maxVerdictBytes`.
 */
import type { LabelsBuilder } from './labels.ts';
import type { NormalizedStream } from './streams.ts';

export interface StageCacheOptions {
  /** Parsed lines kept at most (default 100,000). */
  maxParsedLines?: number;
  /** Bytes of line filter verdicts kept at most (default 64 MiB: one byte per line and filter). */
  maxVerdictBytes?: number;
}

export interface StageCacheStats {
  verdictHits: number;
  verdictMisses: number;
  parseHits: number;
  parseMisses: number;
  /** Parsed lines held now. */
  parsedLines: number;
}

/** A parse that reported a parser error: the exact per-rule path runs instead (stage-trie.ts). */
export const PARSE_ERROR = 'parse error';

/** A path no scan read in this many scans (other groups, other streams) is dropped when full. */
const IDLE_SCANS = 256;

export type CachedParse = { line: string; labels: LabelsBuilder } | typeof PARSE_ERROR;

/** Verdicts of one line filter path over one stream: 0 unknown, 1 kept, 2 dropped. */
export type Verdicts = Uint8Array;

/** Parse results of one parser path over one stream. */
export interface ParseStore {
  readonly entries: Map<number, CachedParse>;
  /** First entry index the latest scan of this path reads (older entries are stale). */
  from: number;
  /** The scan that last read this path. */
  lastScan: number;
}

interface StreamCaches {
  verdicts: Map<string, Verdicts>;
  parses: Map<string, ParseStore>;
}

export class StageCache {
  readonly stats: StageCacheStats = {
    verdictHits: 0,
    verdictMisses: 0,
    parseHits: 0,
    parseMisses: 0,
    parsedLines: 0,
  };
  private readonly maxParsedLines: number;
  private readonly maxVerdictBytes: number;
  private verdictBytes = 0;
  private readonly streams = new WeakMap<NormalizedStream, StreamCaches>();
  private readonly stores = new Set<ParseStore>();
  /** Stale entries were dropped and the cache is still full: stop trying until the next scan. */
  private full = false;
  private scans = 0;

  constructor(options: StageCacheOptions = {}) {
    this.maxParsedLines = options.maxParsedLines ?? 100_000;
    this.maxVerdictBytes = options.maxVerdictBytes ?? 64 * 1024 * 1024;
  }

  private forStream(stream: NormalizedStream): StreamCaches {
    let c = this.streams.get(stream);
    if (!c) this.streams.set(stream, (c = { verdicts: new Map(), parses: new Map() }));
    return c;
  }

  /** Called at the start of each scan. */
  beginScan(): void {
    this.full = false;
    this.scans++;
  }

  /** The verdict array of a line filter path, or undefined when the byte budget is spent. */
  verdicts(stream: NormalizedStream, path: string): Verdicts | undefined {
    const c = this.forStream(stream);
    let v = c.verdicts.get(path);
    if (!v) {
      if (this.verdictBytes + stream.lines.length > this.maxVerdictBytes) return undefined;
      this.verdictBytes += stream.lines.length;
      c.verdicts.set(path, (v = new Uint8Array(stream.lines.length)));
    }
    return v;
  }

  /** The parse store of a parser path; `from` is the first entry index this scan reads. */
  parses(stream: NormalizedStream, path: string, from: number): ParseStore {
    const c = this.forStream(stream);
    let p = c.parses.get(path);
    if (!p) {
      p = { entries: new Map(), from, lastScan: this.scans };
      c.parses.set(path, p);
    }
    this.stores.add(p); // again, if dropped while idle
    p.from = from;
    p.lastScan = this.scans;
    return p;
  }

  /** Keeps a parse result if the budget allows (dropping stale entries first when full). */
  keep(store: ParseStore, i: number, parse: CachedParse): void {
    if (this.stats.parsedLines >= this.maxParsedLines) {
      if (this.full) return;
      this.dropStale();
      if (this.stats.parsedLines >= this.maxParsedLines) {
        this.full = true;
        return;
      }
    }
    store.entries.set(i, parse);
    this.stats.parsedLines++;
  }

  /** Entries before their path's latest window; all of a path no scan read for a while. */
  private dropStale(): void {
    for (const store of this.stores) {
      if (this.scans - store.lastScan > IDLE_SCANS) {
        this.stats.parsedLines -= store.entries.size;
        store.entries.clear();
        this.stores.delete(store);
        continue;
      }
      for (const i of store.entries.keys()) {
        if (i >= store.from) continue;
        store.entries.delete(i);
        this.stats.parsedLines--;
      }
    }
  }
}

export function createStageCache(options?: StageCacheOptions): StageCache {
  return new StageCache(options);
}
