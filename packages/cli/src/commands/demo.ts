// `logward demo`: the whole product in one command, no Loki needed (or a real one with --loki).
import { parseArgs } from 'node:util';
import { exitCodes, UsageError } from '../exit-codes.ts';
import { stdoutStyle } from '../terminal.ts';
import { cleanupDemo, runDemo } from '../demo/run-demo.ts';
import { printDemo, redactionSummary } from '../demo/report.ts';
import { sendToLoki } from '../demo/loki.ts';

export const help = `usage: logward demo [options]

Runs the example Express shop and a KCP game gateway instrumented with logward, drives benign
traffic and attacks at them (brute force, credential stuffing, authorization probing, secrets in
logs, input fuzzing, scraping; spoofed, forged and garbage KCP datagrams, a new-peer flood),
exports the records over real OTLP/HTTP to an in-process receiver, converts them the way Loki's
OTLP ingestion does, replays K3s audit and Kata samples from the packs' fixtures, evaluates every
rule pack with the embedded LogQL engine, and prints what the code logged beside what left the
process, the alerts, the redaction summary and where each alert appears in Grafana.

  --loki <url>          also send everything to this Loki (OTLP /otlp/v1/logs and the push API)
                        and sync the rule packs to its ruler
  --tenant <id>         X-Scope-OrgID for --loki
  --grafana-url <url>   base URL used in the printed Grafana links (default http://localhost:3000)
  --packs-dir <dir>     where the packs live (default: ./alert-rules)

Exit codes: 0 the demo ran (alerts are its expected output), 4 Loki could not be reached, 70 a bug.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      loki: { type: 'string' },
      tenant: { type: 'string' },
      'grafana-url': { type: 'string' },
      'packs-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  if (values.tenant && !values.loki) throw new UsageError('--tenant needs --loki');
  const style = stdoutStyle();
  const started = Date.now();
  const packsDir = values['packs-dir'] ?? 'alert-rules';
  const result = await runDemo({
    packsDir,
    log: (line) => console.error(style.dim(line)),
  });
  try {
    const wire = Buffer.concat(result.wire).toString('utf8');
    for (const missing of result.missingSamples)
      console.error(style.yellow(`warning: sample ${missing} not found; not replayed`));
    await printDemo(
      result,
      redactionSummary(result, wire),
      style,
      values['grafana-url'] ?? 'http://localhost:3000',
    );
    if (values.loki) {
      const code = await sendToLoki(
        result,
        { url: values.loki, packsDir, ...(values.tenant ? { tenant: values.tenant } : {}) },
        (line) => console.log(line),
      );
      if (code !== exitCodes.ok) return code;
    }
    console.log(style.dim(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`));
    return exitCodes.ok;
  } finally {
    await cleanupDemo(result);
  }
}
