import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PluginType } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import AppConfig, { type AppConfigProps } from './AppConfig';
import { testIds } from '../testIds';
import {
  installFakeBackend,
  installFakeDataSources,
  lokiDatasource,
  type RecordedRequest,
} from '../../test-support/fakeGrafana';

function props(jsonData: AppConfigProps['plugin']['meta']['jsonData']): AppConfigProps {
  return {
    plugin: {
      meta: {
        id: 'logward-security-app',
        name: 'logward Security',
        type: PluginType.app,
        enabled: true,
        pinned: true,
        jsonData,
      },
    },
    query: {},
  } as unknown as AppConfigProps;
}

// userEvent drives the real @grafana/ui picker keystroke by keystroke: slow on a shared CI core.
jest.setTimeout(60_000);

describe('AppConfig', () => {
  let requests: RecordedRequest[];
  let reload: jest.SpyInstance;

  beforeEach(() => {
    requests = installFakeBackend([
      [/^POST \/api\/plugins\/logward-security-app\/settings$/, () => ({ status: 200, data: {} })],
    ]);
    installFakeDataSources([
      lokiDatasource('loki-prod', 'Loki prod'),
      lokiDatasource('loki-dev', 'Loki dev'),
      { ...lokiDatasource('prom', 'Prometheus'), type: 'prometheus' },
    ]);
    reload = jest.spyOn(locationService, 'reload').mockImplementation(() => {});
  });

  afterEach(() => reload.mockRestore());

  it('starts from the saved settings, with the default namespace and silence threshold', () => {
    render(<AppConfig {...props({ lokiDatasourceUid: 'loki-dev' })} />);
    expect(screen.getByTestId(testIds.appConfig.namespace)).toHaveValue('logward');
    expect(screen.getByTestId(testIds.appConfig.silentAfter)).toHaveValue(15);
    expect(screen.getByTestId(testIds.appConfig.datasource)).toHaveTextContent('Loki dev');
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeEnabled();
  });

  it('offers only Loki data sources and saves the choice as jsonData through the plugin settings API', async () => {
    const user = userEvent.setup();
    render(<AppConfig {...props({})} />);
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeDisabled();

    await user.click(screen.getByRole('combobox'));
    expect(await screen.findByText('Loki prod')).toBeInTheDocument();
    expect(screen.queryByText('Prometheus')).not.toBeInTheDocument();
    await user.click(screen.getByText('Loki prod'));

    const namespace = screen.getByTestId(testIds.appConfig.namespace);
    await user.clear(namespace);
    await user.type(namespace, 'security-rules');
    await user.click(screen.getByTestId(testIds.appConfig.submit));

    await waitFor(() => expect(reload).toHaveBeenCalled());
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/plugins/logward-security-app/settings' });
    expect(requests[0].data).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { lokiDatasourceUid: 'loki-prod', rulerNamespace: 'security-rules', silentAfterMinutes: 15 },
    });
    // The data source proxy carries Loki's credentials: the app sends no secret of its own.
    expect(requests[0].data).not.toHaveProperty('secureJsonData');
  });

  it('refuses a namespace Loki could not use as a path segment', async () => {
    const user = userEvent.setup();
    render(<AppConfig {...props({ lokiDatasourceUid: 'loki-prod' })} />);
    const namespace = screen.getByTestId(testIds.appConfig.namespace);
    await user.clear(namespace);
    await user.type(namespace, 'a/b');
    expect(screen.getByText('Use letters, digits, ".", "_" and "-" only')).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.submit)).toBeDisabled();
  });

  it('says why when Grafana refuses the settings, and does not reload', async () => {
    requests = installFakeBackend([[/settings$/, () => ({ status: 403, data: { message: 'Permission denied' } })]]);
    const user = userEvent.setup();
    render(<AppConfig {...props({ lokiDatasourceUid: 'loki-prod' })} />);
    await user.click(screen.getByTestId(testIds.appConfig.submit));
    expect(await screen.findByText('HTTP 403: Permission denied')).toBeInTheDocument();
    expect(reload).not.toHaveBeenCalled();
  });
});
