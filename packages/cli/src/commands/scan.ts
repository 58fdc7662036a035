// `logward scan <files...>`: which alerts the rule packs would have raised over local log files.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { walk } from '../files.ts';
import { exitCodes, InputError, UsageError } from '../exit-codes.ts';
import { parseLabelSet, formatLabelSet } from '../label-set.ts';
import { discoverPacks, selectPacks, splitList } from '../packs.ts';
import { createProgress, stdoutStyle, type Style } from '../terminal.ts';
import { scanFiles, type ScanReport } from '../scan/scan.ts';

export const help = `usage: logward scan [options] <files...>

Replays rule packs over local log files with the embedded LogQL engine and lists the alerts that
would have fired: first/last seen, how many evaluations fired, and sample lines.

Each file's format is recognized from its content: NDJSON (e.g. K3s audit), journald JSON
(journalctl -o json), logfmt, plain text, OTLP JSON (ExportLogsServiceRequest, one per line or one
document). Each record is assigned to the pack source whose manifest \`scan\` section matches it and
gets the labels that source's selector expects (OTLP records get Loki's OTLP labels and metadata).

  --pack <name>          packs to run (repeatable or comma separated; default: all)
  --packs-dir <dir>      where packs live (default: ./alert-rules)
  --labels '{k="v"}'     stream labels that override the source's (and label files no source recognizes)
  --samples <n>          sample lines per alert (default 3)
  --format text|json     output format (default text)

Malformed lines are counted and reported with file:line; the scan goes on.
Directories are scanned recursively; gzipped files are read as they are.
Exit codes: 0 no alert fired, 1 alerts found, 2 usage error, 3 a file could not be read.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      pack: { type: 'string', multiple: true },
      'packs-dir': { type: 'string' },
      labels: { type: 'string' },
      samples: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, not '${format}'`);
  if (!positionals.length) throw new UsageError('scan needs at least one log file');
  let labels: Record<string, string> | undefined;
  if (values.labels !== undefined) {
    try {
      labels = parseLabelSet(values.labels);
    } catch (error) {
      throw new UsageError(`--labels: ${(error as Error).message}`);
    }
  }
  const samples = values.samples === undefined ? 3 : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 0)
    throw new UsageError(`--samples must be a whole number, not '${values.samples}'`);
  const packsDir = values['packs-dir'] ?? 'alert-rules';
  const packs = selectPacks(await discoverPacks(packsDir), splitList(values.pack), packsDir);
  if (!packs.length)
    throw new InputError(
      `no packs in ${packsDir} (a pack is a directory with manifest.yaml); use --packs-dir`,
    );

  // Directories contribute every file under them; missing operands are reported by the scan.
  const files: string[] = [];
  for (const operand of positionals) {
    const isDir = await stat(operand).then(
      (s) => s.isDirectory(),
      () => false,
    );
    files.push(...(isDir ? await walk(operand) : [operand]));
  }
  const report = await scanFiles(files, packs, {
    ...(labels ? { labels } : {}),
    progress: createProgress(),
    samples,
  });
  if (format === 'json') console.log(JSON.stringify(report, null, 2));
  else
    printReport(
      report,
      stdoutStyle(),
      packs.map((p) => p.name),
    );
  if (report.files.some((f) => f.error)) return exitCodes.io;
  return report.alerts.length ? exitCodes.findings : exitCodes.ok;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const hiddenLabels = new Set(['alertname', 'severity', 'pack', 'mitre_attack']);

function printReport(report: ScanReport, style: Style, packNames: string[]): void {
  const err = (line: string) => console.error(line);
  for (const f of report.files) {
    if (f.error) {
      err(style.red(`${f.file}: ${f.error}`));
      continue;
    }
    const sources =
      Object.entries(f.sources)
        .map(([id, n]) => `${id} ${n}`)
        .join(', ') || 'no pack source';
    err(
      `${f.file}: ${f.format}, ${f.records} record(s) → ${sources}${f.unmatched ? `, ${f.unmatched} unmatched` : ''}${f.malformed.length ? style.yellow(`, ${f.malformed.length} malformed`) : ''}${f.untimed ? `, ${f.untimed} without a timestamp` : ''}`,
    );
    for (const m of f.malformed.slice(0, 10))
      err(style.yellow(`  ${f.file}:${m.lineNo}: malformed line skipped: ${m.message}`));
    if (f.malformed.length > 10)
      err(style.yellow(`  ... and ${f.malformed.length - 10} more malformed line(s)`));
  }
  for (const w of report.warnings) err(style.yellow(`warning: ${w}`));
  for (const e of report.ruleErrors)
    err(style.red(`rule ${e.pack}/${e.rule} failed ${e.count} evaluation(s): ${e.error}`));
  if (report.range) {
    err(
      `replayed ${packNames.join(', ')} from ${report.range.start} to ${report.range.end} (${report.range.evaluations} evaluation steps)`,
    );
  }
  if (!report.alerts.length) {
    console.log(style.green('no alerts'));
    return;
  }
  const severityStyle = (s: string) =>
    s === 'critical' ? style.red(s) : s === 'warning' ? style.yellow(s) : s;
  const rows = [
    ['ALERT', 'SEVERITY', 'PACK', 'FIRST SEEN', 'LAST SEEN', 'COUNT', 'LABELS'],
    ...report.alerts.map((a) => [
      a.alertname,
      a.severity,
      a.pack,
      a.firstSeen,
      a.lastSeen,
      String(a.count),
      formatLabelSet(Object.fromEntries(Object.entries(a.labels).filter(([k]) => !hiddenLabels.has(k)))),
    ]),
  ];
  const lines = table(rows);
  console.log(style.bold(lines[0]!));
  report.alerts.forEach((a, i) => {
    const line = lines[i + 1]!;
    console.log(
      line.replace(
        a.severity.padEnd(rows.map((r) => r[1]!.length).reduce((x, y) => Math.max(x, y))),
        (m) => severityStyle(a.severity) + m.slice(a.severity.length),
      ),
    );
    if (a.annotations.summary) console.log(style.dim(`    ${a.annotations.summary}`));
    for (const s of a.samples)
      console.log(
        style.dim(
          `    ${s.origin ? `${s.origin}: ` : ''}${s.line.length > 200 ? s.line.slice(0, 200) + '…' : s.line}`,
        ),
      );
  });
  console.log(`${report.alerts.length} alert(s)`);
}
