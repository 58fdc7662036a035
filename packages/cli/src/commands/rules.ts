// `logward rules lint|test|sync|diff`.
import { parseArgs } from 'node:util';
import { formatProblem } from '@logward/logql';
import { exitCodes, UsageError } from '../exit-codes.ts';
import { expandOperands, isRuleTestFile } from '../files.ts';
import { stdoutStyle } from '../terminal.ts';
import { lintRuleFiles } from '../rules/lint.ts';
import { runRuleTestFiles, formatTestReport } from '../rules/test-runner.ts';
import { runSyncOrDiff, syncHelp, diffHelp } from '../rules/sync.ts';
import { walkRuleFiles } from '../rules/rule-files.ts';

export const help = `usage: logward rules <lint|test|sync|diff> [options]

  lint <files|dirs>...   check rule files: YAML shape, LogQL syntax, engine support, pack conventions
  test <files|dirs>...   run rule unit tests (*.test.yaml, format in README.md)
  diff --loki <url>      show how Loki's rule groups differ from the packs/files
  sync --loki <url>      make Loki's rule groups match the packs/files

Run \`logward rules <subcommand> --help\` for its options.
Exit codes: 0 ok, 1 findings (lint problems, failed tests, differences), 2 usage error,
3 a local file could not be read, 4 Loki could not be reached or answered with an error.`;

export const lintHelp = `usage: logward rules lint [--format text|json] <files|dirs>...

Checks Loki ruler files. A directory contributes the rules file named by each pack manifest
(manifest.yaml) inside it, and any other *.yaml/*.yml that is not a test (*.test.yaml) or manifest.

Checks: YAML syntax and rule-group shape; templates in labels/annotations; LogQL syntax; constructs
the embedded engine cannot evaluate; metric query for every rule; every stream selector has an
equality matcher (except a pack source's declared default selector); a line filter before the first
parser; unique alert names; labels severity (info|warning|critical) and pack; annotations summary,
description and runbook_url.

Output: one finding per line as file:line:col: severity: message, or a JSON array (--format json).
Exit codes: 0 no findings, 1 findings, 2 usage error, 3 a file could not be read.`;

export const testHelp = `usage: logward rules test [--format text|json] [--run <substring>] <files|dirs>...

Runs rule unit tests (files named *.test.yaml / *.test.yml in directories; any file given
explicitly). The format is documented in packages/cli/README.md and alert-rules/FORMAT.md.

  --run <substring>   only tests whose name contains <substring>
  --strict            also fail when an alerting rule of the loaded rule files has no check that
                      expects it to fire, or none that expects it to stay quiet (alert-rules/FORMAT.md
                      asks for both); without --strict these are listed as notes

Exit codes: 0 all tests pass, 1 a test failed or a test file is invalid, 2 usage error,
3 a file could not be read.`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  switch (sub) {
    case 'lint':
      if (wantsHelp) return printHelp(lintHelp);
      return lint(rest);
    case 'test':
      if (wantsHelp) return printHelp(testHelp);
      return test(rest);
    case 'sync':
    case 'diff':
      if (wantsHelp) return printHelp(sub === 'sync' ? syncHelp : diffHelp);
      return runSyncOrDiff(sub, rest);
    case undefined:
      throw new UsageError('missing subcommand (lint, test, sync or diff)');
    default:
      throw new UsageError(`unknown subcommand '${sub}' (lint, test, sync or diff)`);
  }
}

function printHelp(text: string): number {
  console.log(text);
  return exitCodes.ok;
}

function parseFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be text or json, not '${value}'`);
}

async function lint(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' } },
  });
  const format = parseFormat(values.format);
  if (!positionals.length) throw new UsageError('rules lint needs at least one file or directory');
  const files = await walkRuleFiles(positionals);
  const findings = await lintRuleFiles(files);
  if (format === 'json') {
    console.log(JSON.stringify(findings, null, 2));
  } else {
    const style = stdoutStyle();
    for (const f of findings) {
      const label = f.severity === 'error' ? style.red('error') : style.yellow('warning');
      console.log(formatProblem({ ...f, message: `${label}: ${f.message}` }));
    }
    const summary = `${files.length} file(s) checked, ${findings.length} finding(s)`;
    console.error(findings.length ? style.red(summary) : style.green(summary));
  }
  return findings.length ? exitCodes.findings : exitCodes.ok;
}

async function test(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, run: { type: 'string' }, strict: { type: 'boolean' } },
  });
  const format = parseFormat(values.format);
  if (!positionals.length) throw new UsageError('rules test needs at least one test file or directory');
  const files = await expandOperands(positionals, isRuleTestFile);
  if (!files.length) throw new UsageError(`no *.test.yaml files in ${positionals.join(', ')}`);
  const report = await runRuleTestFiles(files, values.run === undefined ? {} : { nameFilter: values.run });
  if (format === 'json') console.log(JSON.stringify(report, null, 2));
  else console.log(formatTestReport(report, stdoutStyle(), process.cwd()));
  const gaps = report.coverage.withoutFiringTest.length + report.coverage.withoutQuietTest.length;
  return report.failed > 0 || report.errors.length > 0 || (values.strict && gaps > 0)
    ? exitCodes.findings
    : exitCodes.ok;
}
