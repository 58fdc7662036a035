#!/usr/bin/env node
// The `logward` command. Each subcommand lives in its own module under ./commands/ and is loaded
// on demand, so `logward scan` does not pay for the OpenTelemetry SDK and `demo` not for YAML.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
