import { test, expect } from './fixtures';
import { ROUTES } from '../src/constants';
import pluginJson from '../src/plugin.json';

test.describe('navigating the app', () => {
  test('the security overview shows alert counts and source health', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.Overview}`);
    await expect(page.getByRole('heading', { name: 'Alerts by pack and severity' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Source health' })).toBeVisible();
    await expect(page.getByTestId('source-health-k3s-audit')).toBeVisible();
  });

  test('the rule packs page lists every bundled pack', async ({ gotoPage, page }) => {
    await gotoPage(`/${ROUTES.RulePacks}`);
    for (const pack of ['app', 'k3s', 'kata', 'kcp']) {
      await expect(page.getByTestId(`pack-${pack}`)).toBeVisible();
    }
  });

  test('every bundled dashboard is reachable from the navigation', async ({ page }) => {
    const dashboards = pluginJson.includes.filter((i) => i.type === 'dashboard');
    for (const d of dashboards) {
      await page.goto(`/d/${d.uid}`);
      await expect(page).toHaveURL(new RegExp(`/d/${d.uid}`));
      await expect(page.getByText(d.name).first()).toBeVisible();
    }
  });
});
