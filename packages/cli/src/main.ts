// Dispatch of `logward <command>`: a table from command name to the module that implements it.
// Every command module exports `run(args: string[]): Promise<number>` (the exit code) and `help`.
// Errors a user can fix are printed as one clear message with the exit code of its kind
// (exit-codes.ts); anything else is a bug and keeps its stack trace.
import { exitCodes, InputError, UsageError } from './exit-codes.ts';

export interface CommandModule {
  run(args: string[]): Promise<number>;
  help: string;
}

type CommandEntry = { summary: string; load: () => Promise<CommandModule> };
const command = (summary: string, load: CommandEntry['load']): CommandEntry => ({ summary, load });

// One line per command; modules load on demand so `logward scan` does not pay for `demo`.
const commands: Record<string, CommandEntry> = {
  rules: command('lint, test, diff and sync Loki rules and packs', () => import('./commands/rules.ts')),
  scan: command('run rule packs over local log files, list alerts', () => import('./commands/scan.ts')),
  gateway: command(
    'OTLP gateway: redact and classify logs of non-Node services, forward to Loki',
    () => import('./commands/gateway.ts'),
  ),
  demo: command(
    'run the example app and KCP gateway with attacks, show redaction and alerts',
    () => import('./commands/demo.ts'),
  ),
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return [
    'usage: logward <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "Run `logward <command> --help` for a command's options.",
    'Exit codes: 0 ok, 1 findings (lint problems, failed tests, alerts, differences), 2 usage error,',
    '3 a local file could not be read, 4 Loki could not be reached or answered with an error,',
    '70 internal error (a logward bug).',
  ].join('\n');
}

/** Maps the errors a user can act on to a message and an exit code; rethrows the rest. */
function report(error: unknown, command: string): number {
  if (!(error instanceof Error)) throw error;
  const name = error.name;
  if (
    error instanceof UsageError ||
    name === 'ParseArgsError' ||
    (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`logward ${command}: ${error.message}\nRun \`logward ${command} --help\` for usage.`);
    return exitCodes.usage;
  }
  if (error instanceof InputError) {
    console.error(`logward ${command}: ${error.message}`);
    return exitCodes.io;
  }
  if (name === 'LokiError') {
    console.error(`logward ${command}: ${error.message}`);
    return exitCodes.remote;
  }
  if (name === 'RuleFileError' || name === 'ManifestError') {
    console.error(error.message);
    return exitCodes.findings;
  }
  throw error;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? exitCodes.ok : exitCodes.usage;
  }
  const command = commands[name];
  if (!command) {
    console.error(`logward: unknown command '${name}'\n\n${usage()}`);
    return exitCodes.usage;
  }
  const mod = await command.load();
  if (rest[0] === '--help' || rest[0] === '-h' || (rest.length === 1 && rest.includes('--help'))) {
    console.log(mod.help);
    return exitCodes.ok;
  }
  try {
    return await mod.run(rest);
  } catch (error) {
    return report(error, name);
  }
}
