#!/usr/bin/env node
// Runs a command inside the project's own toolchain, installing it first when needed.
//
// Why: the quick start promises two commands on a fresh machine that has only Node 20 and npm.
// The current OpenTelemetry JS line needs Node >= 22.15, so the workspace depends on the `node`
// package (Node 24 from the npm registry) and on a pinned pnpm; this script installs both with
// `npx pnpm install` on first use and then runs the command with node_modules/.bin first on PATH,
// so `node`, `pnpm`, `vitest` and `logward` are the project's own.
// Plain JavaScript on purpose: it must run under the machine's Node 20 before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const pnpmVersion = JSON.parse(
  (await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8'),
).packageManager.split('@')[1];

function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    console.error(`logward: could not start ${cmd}: ${result.error.message}`);
    process.exit(127);
  }
  return result.status ?? 1;
}

function installNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker) || !existsSync(join(bin, 'node'))) return true;
  const lock = join(root, 'pnpm-lock.yaml');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs;
}

if (installNeeded()) {
  console.error(`logward: installing the toolchain and dependencies (pnpm ${pnpmVersion}, Node 24)...`);
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  const status = existsSync(join(bin, 'pnpm'))
    ? run(join(bin, 'pnpm'), ['install', ...frozen])
    : run('npx', ['--yes', `pnpm@${pnpmVersion}`, 'install', ...frozen]);
  if (status !== 0) {
    console.error('logward: dependency install failed (see the pnpm output above)');
    process.exit(status);
  }
}

const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
const probe = spawnSync(join(bin, 'node'), ['-p', 'process.versions.node'], { encoding: 'utf8' });
const [major, minor] = (probe.stdout ?? '').trim().split('.').map(Number);
if (!(major > 22 || (major === 22 && minor >= 15))) {
  console.error(
    `logward: the project's Node is ${probe.stdout?.trim() || 'missing'}; it needs >= 22.15 (reinstall with: rm -rf node_modules)`,
  );
  process.exit(1);
}

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/toolchain.mjs <command> [args...]');
  process.exit(2);
}
process.exit(run(existsSync(join(bin, cmd)) ? join(bin, cmd) : cmd, args, env));
