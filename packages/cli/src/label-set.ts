// Label sets written the way Loki prints them: `{job="k3s-audit", cluster="prod"}` (equality
// matchers only), used by rules tests (`labels:`) and `logward scan --labels`.
export function parseLabelSet(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) {
    throw new Error(`label set must look like {name="value", ...}: ${text}`);
  }
  const body = trimmed.slice(1, -1);
  const labels: Record<string, string> = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*(,|$)/y;
  let pos = 0;
  while (pos < body.length && body.slice(pos).trim() !== '') {
    pair.lastIndex = pos;
    const m = pair.exec(body);
    if (!m)
      throw new Error(
        `label set must look like {name="value", ...}: cannot read ${JSON.stringify(body.slice(pos).trim())}`,
      );
    const raw = m[2]!;
    labels[m[1]!] = raw.startsWith('`') ? raw.slice(1, -1) : (JSON.parse(raw) as string);
    pos = pair.lastIndex;
  }
  return labels;
}

export function formatLabelSet(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;
}
