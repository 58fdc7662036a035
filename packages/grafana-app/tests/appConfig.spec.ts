import { test, expect } from './fixtures';

// Needs a Grafana with this plugin and the provisioned Loki data source (provisioning/), see README.md.
test('saves the Loki data source and ruler namespace through the plugin settings API', async ({
  appConfigPage,
  page,
  readProvisionedDataSource,
}) => {
  const loki = await readProvisionedDataSource({ fileName: 'default.yaml' });
  await page.getByRole('combobox').click();
  await page.getByText(loki.name, { exact: true }).click();
  const namespace = page.getByTestId('data-testid ac-namespace');
  await namespace.clear();
  await namespace.fill('logward-e2e');

  const saveResponse = appConfigPage.waitForSettingsResponse();
  await page.getByRole('button', { name: /Save settings/i }).click();
  await expect(saveResponse).toBeOK();
});
