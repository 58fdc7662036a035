// Dispatch of `logward <command>`: a table from command name to the module that implements it.
// Every command module exports `run(args: string[]): Promise<number>` (the exit code) and `help`.
export interface CommandModule {
  run(args: string[]): Promise<number>;
  help: string;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return ['usage: logward <command> [options]', '', 'commands:', ...lines, '', 'Run `logward <command> --help` for a command\'s options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`logward: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(mod.help);
    return 0;
  }
  return mod.run(rest);
}
