import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pluginJson from './plugin.json';
import { bundledPacks } from './generated/packs';
import { ROUTES } from './constants';

const appDir = path.resolve(__dirname, '..');

describe('bundled rule packs and dashboards', () => {
  it('are up to date with alert-rules/ and dashboards/ (else run `pnpm --filter logward-security-app bundle-assets`)', () => {
    // Throws with the script's output (naming the stale files) when it exits 1.
    execFileSync(process.execPath, [path.join(appDir, 'scripts/bundle-assets.mjs'), '--check'], {
      cwd: appDir,
      stdio: 'pipe',
    });
  });

  it('hold every pack the repository ships, with rules carrying severity and pack labels', () => {
    expect(bundledPacks.map((p) => p.name)).toEqual(['app', 'k3s', 'kata', 'kcp']);
    for (const pack of bundledPacks) {
      expect(pack.sources.length).toBeGreaterThan(0);
      for (const rule of pack.groups.flatMap((g) => g.rules)) {
        expect(rule.labels?.pack).toBe(pack.name);
        expect(['info', 'warning', 'critical']).toContain(rule.labels?.severity);
      }
    }
  });

  it('are declared in plugin.json: every dashboard as an include with its uid, and in the navigation as d/<uid>', () => {
    const files = readdirSync(path.join(appDir, 'src/dashboards')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(5);
    for (const file of files) {
      const uid = JSON.parse(readFileSync(path.join(appDir, 'src/dashboards', file), 'utf8')).uid as string;
      expect(pluginJson.includes).toContainEqual(
        expect.objectContaining({ type: 'dashboard', path: `dashboards/${file}`, uid })
      );
      expect(pluginJson.includes).toContainEqual(
        expect.objectContaining({ type: 'page', path: `d/${uid}`, addToNav: true })
      );
    }
  });
});

describe('plugin.json pages', () => {
  it('route the scenes pages the app defines, with the overview as the default page', () => {
    const pages = pluginJson.includes.filter((i) => i.type === 'page' && i.path.startsWith('/a/'));
    expect(pages.map((p) => p.path)).toEqual(Object.values(ROUTES).map((r) => `/a/%PLUGIN_ID%/${r}`));
    expect(pages.find((p) => 'defaultNav' in p && p.defaultNav)?.path).toBe(`/a/%PLUGIN_ID%/${ROUTES.Overview}`);
  });
});
