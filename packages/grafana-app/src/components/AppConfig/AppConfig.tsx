import React, { useState, type ChangeEvent, type FormEvent } from 'react';
import { Alert, Button, Field, FieldSet, Input, useStyles2 } from '@grafana/ui';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { DataSourcePicker, getBackendSrv, locationService } from '@grafana/runtime';
import { css } from '@emotion/css';
import { lastValueFrom } from 'rxjs';
import { testIds } from '../testIds';
import { errorMessage } from '../../api/grafanaApi';
import { resolveSettings, rulerNamespaceProblem, type AppSettings } from '../../settings';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned, jsonData } = plugin.meta;
  const initial = resolveSettings(jsonData);
  const [datasourceUid, setDatasourceUid] = useState<string | undefined>(initial.lokiDatasourceUid);
  const [namespace, setNamespace] = useState(initial.rulerNamespace);
  const [silentAfter, setSilentAfter] = useState(String(initial.silentAfterMinutes));
  const [saveError, setSaveError] = useState<string | undefined>();

  const namespaceProblem = rulerNamespaceProblem(namespace);
  const minutes = Number(silentAfter);
  const silentProblem = Number.isInteger(minutes) && minutes > 0 ? undefined : 'A whole number of minutes above 0';
  const isSubmitDisabled = !datasourceUid || Boolean(namespaceProblem) || Boolean(silentProblem);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(undefined);
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        // No secureJsonData: Loki is reached through Grafana's data source proxy with the data source's
        // own credentials, so the app stores no secret of its own.
        jsonData: { lokiDatasourceUid: datasourceUid, rulerNamespace: namespace.trim(), silentAfterMinutes: minutes },
      });
      // The running app reads settings from plugin meta, which only a reload refreshes.
      locationService.reload();
    } catch (error) {
      setSaveError(errorMessage(error));
    }
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.container}>
      <FieldSet label="Loki" className={s.marginTopXl}>
        <Field
          label="Loki data source"
          description="Where the packs' logs are queried and whose ruler runs the alert rules (through Grafana's data source proxy)."
          required
        >
          <div data-testid={testIds.appConfig.datasource}>
            <DataSourcePicker
              inputId="loki-datasource"
              type="loki"
              current={datasourceUid ?? null}
              noDefault
              width={60}
              onChange={(ds) => setDatasourceUid(ds.uid)}
            />
          </div>
        </Field>
        <Field
          label="Ruler namespace"
          description="The Loki ruler namespace the logward packs are installed into."
          invalid={Boolean(namespaceProblem)}
          error={namespaceProblem}
        >
          <Input
            width={60}
            id="ruler-namespace"
            data-testid={testIds.appConfig.namespace}
            value={namespace}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setNamespace(e.target.value)}
          />
        </Field>
        <Field
          label="Silent after (minutes)"
          description="A log source without a line for this long is shown red on the overview."
          invalid={Boolean(silentProblem)}
          error={silentProblem}
        >
          <Input
            width={20}
            id="silent-after"
            type="number"
            data-testid={testIds.appConfig.silentAfter}
            value={silentAfter}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setSilentAfter(e.target.value)}
          />
        </Field>
        {saveError && (
          <Alert severity="error" title="Settings not saved">
            {saveError}
          </Alert>
        )}
        <div className={s.marginTop}>
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={isSubmitDisabled}>
            Save settings
          </Button>
        </div>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css`
    margin-top: ${theme.spacing(3)};
  `,
  marginTopXl: css`
    margin-top: ${theme.spacing(6)};
  `,
});

const updatePlugin = async (pluginId: string, data: Partial<PluginMeta<AppSettings>>) => {
  const response = getBackendSrv().fetch({
    url: `/api/plugins/${pluginId}/settings`,
    method: 'POST',
    data,
    showErrorAlert: false,
  });
  return (await lastValueFrom(response)).data;
};
