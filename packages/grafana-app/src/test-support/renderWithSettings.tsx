import React from 'react';
import { render } from '@testing-library/react';
import { PluginType, type AppRootProps } from '@grafana/data';
import { PluginPropsContext } from '../utils/utils.plugin';
import type { AppSettings } from '../settings';

/** Renders a page view the way App provides it: inside the plugin props context with the app's settings. */
export function renderWithSettings(ui: React.ReactElement, jsonData: AppSettings) {
  const props = {
    basename: '/a/logward-security-app',
    meta: { id: 'logward-security-app', name: 'logward Security', type: PluginType.app, enabled: true, jsonData },
    query: {},
    path: '',
    onNavChanged: () => {},
  } as unknown as AppRootProps;
  return render(<PluginPropsContext.Provider value={props}>{ui}</PluginPropsContext.Provider>);
}
