// A generated K3s API audit corpus for the Loki-vs-scan benchmark: the k3s pack's own fixture events
// (a healthy server's traffic, and the attacks its tests use) replayed N times with fresh auditIDs and
// timestamps spread evenly over a time span. Mostly benign (as in a real cluster), with one attack
// event every `attackEvery` events, so the pack's rules have something to find.
// Deterministic: the same N, span and end time give the same lines.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusOptions {
  events: number;
  endMs: number;
  spanMs: number;
  attackEvery?: number;
  fixturesDir: string;
}

export interface CorpusEvent {
  ns: bigint;
  line: string;
}

type AuditEvent = Record<string, unknown> & { auditID?: string };

function loadTemplates(fixturesDir: string): { benign: AuditEvent[]; attacks: AuditEvent[] } {
  const read = (file: string): AuditEvent[] =>
    readFileSync(join(fixturesDir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as AuditEvent)
      .filter((e) => e.kind === 'Event');
  const files = readdirSync(fixturesDir).filter((f) => f.endsWith('.jsonl'));
  const benign = files.filter((f) => f.startsWith('benign')).flatMap(read);
  const attacks = files.filter((f) => !f.startsWith('benign')).flatMap(read);
  if (benign.length === 0 || attacks.length === 0) {
    throw new Error(`${fixturesDir}: expected benign*.jsonl and attack fixtures with audit events`);
  }
  return { benign, attacks };
}

function rfc3339Micros(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const micros = String((ns / 1000n) % 1_000_000n).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`;
}

function auditId(i: number): string {
  const h = (i * 2654435761) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  const tail = i.toString(16).padStart(12, '0');
  return `${hex}-0000-4000-8000-${tail}`;
}

/** Yields the corpus in time order (one stream, as `logward scan` labels a file of one source). */
export function* k3sAuditCorpus(options: CorpusOptions): Generator<CorpusEvent> {
  const { benign, attacks } = loadTemplates(options.fixturesDir);
  const attackEvery = options.attackEvery ?? 500;
  const startNs = BigInt(options.endMs - options.spanMs) * 1_000_000n;
  const stepNs = (BigInt(options.spanMs) * 1_000_000n) / BigInt(Math.max(1, options.events));
  let b = 0;
  let a = 0;
  for (let i = 0; i < options.events; i++) {
    const template =
      i % attackEvery === attackEvery - 1 ? attacks[a++ % attacks.length]! : benign[b++ % benign.length]!;
    const ns = startNs + BigInt(i) * stepNs;
    const stamp = rfc3339Micros(ns);
    const event = {
      ...template,
      auditID: auditId(i),
      requestReceivedTimestamp: stamp,
      stageTimestamp: stamp,
    };
    yield { ns, line: JSON.stringify(event) };
  }
}
