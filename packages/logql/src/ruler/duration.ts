// Prometheus durations (`model.ParseDuration`): 1y 1w 1d 1h 1m 1s 1ms, combined largest unit first
// (`1h30m`), or a bare `0`. Rule files, rules tests and the CLI all speak this syntax.
const unitMs: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const unitOrder = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Parses a Prometheus duration into milliseconds; throws with the offending text. */
export function parsePromDuration(text: string): number {
  if (text === '0') return 0;
  const match = durationPattern.exec(text);
  if (!text || !match) {
    throw new Error(`not a valid duration string: "${text}" (expected e.g. 30s, 5m, 1h30m)`);
  }
  let total = 0;
  unitOrder.forEach((unit, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) total += Number(amount) * unitMs[unit]!;
  });
  return total;
}

/** Formats milliseconds the way Prometheus `model.Duration.String()` does (`1h30m`, `0s`). */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of unitOrder) {
    const size = unitMs[unit]!;
    // Prometheus only prints weeks and years when they divide the duration exactly.
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}
