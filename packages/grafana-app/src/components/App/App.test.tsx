import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { PluginType, type AppRootProps } from '@grafana/data';
import { LocationServiceProvider, locationService } from '@grafana/runtime';
import App from './App';
import { installFakeBackend } from '../../test-support/fakeGrafana';
import { testIds } from '../testIds';

jest.setTimeout(60_000);

function renderAt(path: string, jsonData: Record<string, unknown> = {}) {
  locationService.push(path);
  const props = {
    basename: '/a/logward-security-app',
    meta: { id: 'logward-security-app', name: 'logward Security', type: PluginType.app, enabled: true, jsonData },
    query: {},
    path: '',
    onNavChanged: jest.fn(),
  } as unknown as AppRootProps;
  return render(
    // Grafana mounts an app's root page under /a/<plugin id>/*; the scenes pages route relative to it.
    <LocationServiceProvider service={locationService}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/a/logward-security-app/*" element={<App {...props} />} />
        </Routes>
      </MemoryRouter>
    </LocationServiceProvider>
  );
}

// Grafana itself draws the page title (PluginPage); without it the tests look for each page's own content.
describe('App', () => {
  beforeEach(() =>
    installFakeBackend([
      [/alerts$/, () => ({ status: 200, data: { data: { alerts: [] } } })],
      [/query_range$/, () => ({ status: 200, data: { data: { resultType: 'streams', result: [] } } })],
      [/api\/v1\/rules/, () => ({ status: 404, data: { message: 'no rule groups found' } })],
    ])
  );

  it('asks for configuration until a Loki data source is chosen', async () => {
    renderAt('/a/logward-security-app/overview');
    expect(await screen.findByText('Choose the Loki data source')).toBeInTheDocument();
  });

  it('routes /overview to the security overview page', async () => {
    renderAt('/a/logward-security-app/overview', { lokiDatasourceUid: 'loki-prod' });
    expect(await screen.findByTestId(testIds.overview.container)).toBeInTheDocument();
  });

  it('routes /rule-packs to the rule packs page', async () => {
    renderAt('/a/logward-security-app/rule-packs', { lokiDatasourceUid: 'loki-prod' });
    expect(await screen.findByTestId(testIds.rulePacks.container)).toBeInTheDocument();
  });
});
