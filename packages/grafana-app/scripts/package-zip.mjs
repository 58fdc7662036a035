// `pnpm --filter logward-security-app package`: zip dist/ as logward-security-app-<version>.zip with the
// top folder logward-security-app/, the layout Grafana's plugins directory and the plugin validator expect.
// A small ZIP writer over node:zlib (deflate + crc32), so packaging needs no zip binary.
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distDir = path.join(appDir, 'dist');

async function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

function dosDateTime(date) {
  const time = (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2);
  const day = ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
  return { time, day };
}

export function buildZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data, mtime } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const { time, day } = dosDateTime(mtime);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(day, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

async function main() {
  const pkg = JSON.parse(await readFile(path.join(appDir, 'package.json'), 'utf8'));
  const plugin = JSON.parse(await readFile(path.join(distDir, 'plugin.json'), 'utf8').catch(() => 'null'));
  if (!plugin) {
    throw new Error('dist/plugin.json is missing: run the build first (`pnpm --filter logward-security-app build`)');
  }
  if (plugin.info.version !== pkg.version) {
    throw new Error(
      `dist/plugin.json version ${plugin.info.version} differs from package.json ${pkg.version}: rebuild`
    );
  }
  const files = await listFiles(distDir);
  const entries = [];
  for (const file of files) {
    const full = path.join(distDir, file);
    entries.push({ name: `${plugin.id}/${file}`, data: await readFile(full), mtime: (await stat(full)).mtime });
  }
  const zipFile = path.join(appDir, `${plugin.id}-${pkg.version}.zip`);
  await writeFile(zipFile, buildZip(entries));
  console.log(`${path.relative(process.cwd(), zipFile)}: ${entries.length} files`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
