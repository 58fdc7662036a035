// Loki keeps one entry per (stream, timestamp, line): a second entry with the same nanosecond
// timestamp and the same text is dropped as a duplicate. The SDK stamps records with Date.now()
// (milliseconds), so a burst of identical events (25 forged datagrams from one peer in the same
// millisecond) would arrive as one, and count-based rules would never reach their thresholds. Each
// event therefore gets a timestamp that is strictly increasing within the process: the millisecond
// clock, with ties broken by one nanosecond.
let lastNs = 0n;

/** An OTel HrTime [seconds, nanoseconds], unique and increasing within this process. */
export function uniqueTimestamp(nowMs: number = Date.now()): [number, number] {
  let ns = BigInt(Math.floor(nowMs)) * 1_000_000n;
  if (ns <= lastNs) ns = lastNs + 1n;
  lastNs = ns;
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}
