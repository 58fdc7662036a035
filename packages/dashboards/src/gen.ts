// `pnpm --filter @logward/dashboards gen`: write every dashboard to the repository's dashboards/
// directory. With --check, write nothing and exit 1 naming the files that differ.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboards, stringifyDashboard } from './index.ts';

export const dashboardsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../dashboards',
);

async function main(check: boolean): Promise<number> {
  await mkdir(dashboardsDir, { recursive: true });
  const stale: string[] = [];
  for (const d of buildDashboards()) {
    const file = path.join(dashboardsDir, d.file);
    const text = stringifyDashboard(d.json);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === text) continue;
    stale.push(file);
    if (!check) await writeFile(file, text);
  }
  const verb = check ? 'stale' : 'written';
  for (const file of stale) console.log(`${verb}: ${path.relative(process.cwd(), file)}`);
  if (check && stale.length) {
    console.error('dashboards/ is out of date: run `pnpm --filter @logward/dashboards gen`');
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.includes('--check'));
