import React from 'react';
import { Alert, LinkButton } from '@grafana/ui';
import pluginJson from '../../plugin.json';

/** Shown by every page until a Loki data source is chosen on the configuration page. */
export function NotConfigured() {
  return (
    <Alert severity="info" title="Choose the Loki data source">
      The pages read alerts and logs from a Loki data source. Pick it on the configuration page.
      <div>
        <LinkButton href={`/plugins/${pluginJson.id}`} variant="primary" size="sm" icon="cog">
          Configuration
        </LinkButton>
      </div>
    </Alert>
  );
}
