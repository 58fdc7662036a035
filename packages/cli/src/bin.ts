#!/usr/bin/env node
// The `logward` command. Each subcommand lives in its own module under ./commands/ and is loaded
// on demand, so `logward scan` does not pay for the OpenTelemetry SDK and `demo` not for YAML.
import { main } from './main.ts';
import { exitCodes } from './exit-codes.ts';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Errors a user can act on are handled in main; anything reaching here is a logward bug.
  console.error(`logward: internal error (please report it): ${(error as Error).stack ?? String(error)}`);
  process.exitCode = exitCodes.internal;
}
