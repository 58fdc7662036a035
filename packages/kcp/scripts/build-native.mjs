#!/usr/bin/env node
// Builds node-kcp's native addon (the real ikcp.c) for the Node that runs logward.
//
// Why this exists: node-kcp's own install script runs `node-gyp rebuild` with whatever `nodedir` the
// machine's npm config names, which may hold the headers of another Node major (the addon then fails
// to load with NODE_MODULE_VERSION mismatch), and pnpm 10 skips dependency build scripts unless they
// are approved. So the workspace builds the addon itself, against the headers that ship with the
// project's own Node (node_modules/.bin/node, Node 24), and does nothing when the addon already loads.
// Plain JavaScript: it runs as a postinstall hook, possibly under the machine's older Node.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const kcpDir = dirname(require.resolve('node-kcp/package.json'));
const addon = join(kcpDir, 'build', 'Release', 'kcp.node');

// The Node to build for: $LOGWARD_NODE, else the workspace toolchain's node, else the one running us.
function targetNode() {
  if (process.env.LOGWARD_NODE) return process.env.LOGWARD_NODE;
  for (let dir = resolve(here, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'node');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return process.execPath;
  }
}

function probe(node, code) {
  return spawnSync(node, ['-e', code], { encoding: 'utf8' });
}

const node = targetNode();
if (probe(node, `require(${JSON.stringify(addon)})`).status === 0) process.exit(0);

const info = probe(
  node,
  'console.log(JSON.stringify({ execPath: process.execPath, version: process.version }))',
);
if (info.status !== 0) {
  console.error(`@logward/kcp: cannot run ${node}: ${info.stderr}`);
  process.exit(1);
}
const { execPath, version } = JSON.parse(info.stdout);
// Official Node distributions (and the `node` npm package) carry their headers in <prefix>/include/node.
// Official Node distributions carry their headers in <prefix>/include/node; the `node` npm package
// keeps the distribution in node_modules/node-<platform>-<arch> beside its bin/ launcher.
const prefix = dirname(dirname(realpathSync(execPath)));
const nodedir = [prefix, join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`)].find(
  (dir) => existsSync(join(dir, 'include', 'node', 'node.h')),
);
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [gyp, 'rebuild', `--target=${version.slice(1)}`, ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
console.error(
  `@logward/kcp: building node-kcp for Node ${version}${nodedir ? ` with headers from ${nodedir}` : ''}`,
);
// npm_config_nodedir from a user npmrc would override --nodedir; drop it for this build.
const env = { ...process.env };
for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key];
const built = spawnSync(node, args, { cwd: kcpDir, stdio: 'inherit', env });
if (built.status !== 0 || probe(node, `require(${JSON.stringify(addon)})`).status !== 0) {
  console.error(
    `@logward/kcp: node-kcp native build failed in ${kcpDir} (needs python3, make and a C++ compiler)`,
  );
  process.exit(1);
}
