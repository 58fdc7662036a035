// Dashboard variables. Every filter variable has an "All" value that keeps the query valid in Loki
// (a selector needs one matcher that does not match the empty string) and that the tests substitute
// when they lint and evaluate the queries.
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Name of the Loki data source variable; every panel, target and annotation points at it. */
export const datasourceVariableName = 'loki_ds';
export const lokiDatasource = { type: 'loki', uid: '${' + datasourceVariableName + '}' };

export interface FilterVariable {
  name: string;
  label: string;
  /** What the variable's All option stands for in a regex matcher. */
  allValue: string;
  builder: cog.Builder<dashboard.VariableModel>;
}

export function datasourceVariable(): cog.Builder<dashboard.VariableModel> {
  return new DatasourceVariableBuilder(datasourceVariableName).label('Loki').type('loki');
}

/**
 * A multi-value variable over one Loki label's values. `stream` narrows the label-values lookup to the
 * streams the dashboard reads (Loki's label values API accepts a selector).
 */
export function labelVariable(options: {
  name: string;
  label: string;
  lokiLabel: string;
  stream?: string;
  allValue: string;
  description: string;
}): FilterVariable {
  // Loki's variable query model (LokiVariableQuery): type 1 = label values.
  const query: Record<string, unknown> = {
    type: 1,
    label: options.lokiLabel,
    refId: 'LokiVariableQueryEditor-VariableQuery',
  };
  if (options.stream) query.stream = options.stream;
  const definition = options.stream
    ? `label_values(${options.stream}, ${options.lokiLabel})`
    : `label_values(${options.lokiLabel})`;
  return {
    name: options.name,
    label: options.label,
    allValue: options.allValue,
    builder: new QueryVariableBuilder(options.name)
      .label(options.label)
      .description(options.description)
      .datasource(lokiDatasource)
      .query(query)
      .definition(definition)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(options.allValue)
      .current({ text: 'All', value: '$__all' }),
  };
}

/** A free-text regex filter for values that are not Loki labels (fields parsed out of the line). */
export function regexTextVariable(options: {
  name: string;
  label: string;
  description: string;
}): FilterVariable {
  return {
    name: options.name,
    label: options.label,
    allValue: '.*',
    builder: new TextBoxVariableBuilder(options.name)
      .label(options.label)
      .description(options.description)
      .current({ text: '.*', value: '.*' }),
  };
}

export const clusterLabelVariable = () =>
  labelVariable({
    name: 'cluster',
    label: 'Cluster',
    lokiLabel: 'cluster',
    allValue: '.*',
    description:
      'The cluster label your collection kit sets (add `cluster` in the Alloy pipeline); streams without it match All.',
  });

export const otelClusterVariable = () =>
  labelVariable({
    name: 'cluster',
    label: 'Cluster',
    lokiLabel: 'k8s_cluster_name',
    allValue: '.*',
    description:
      'OTel resource attribute k8s.cluster.name (a default Loki index label); records without it match All.',
  });

export const nodeVariable = (stream: string) =>
  labelVariable({
    name: 'node',
    label: 'Node',
    lokiLabel: 'host',
    stream,
    allValue: '.*',
    description: 'The host label the journald kits set from _HOSTNAME.',
  });

export const serviceVariable = () =>
  labelVariable({
    name: 'service',
    label: 'Service',
    lokiLabel: 'service_name',
    allValue: '.+',
    description: 'OTel resource attribute service.name (index label service_name).',
  });

export const serviceNamespaceVariable = () =>
  labelVariable({
    name: 'namespace',
    label: 'Namespace',
    lokiLabel: 'service_namespace',
    allValue: '.*',
    description: 'OTel resource attribute service.namespace (a default Loki index label).',
  });
