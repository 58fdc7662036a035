// OTLP/JSON logs (ExportLogsServiceRequest) mapped to Loki streams the way Loki's OTLP ingestion
// does it (pkg/loghttp/push/otlp.go with the default otlp_config): resource attributes on Loki's
// default list become index labels, everything else structured metadata, names normalized
// (dots and other special characters to `_`), the line is the body as a string.

// distributor.otlp.default_resource_attributes_as_index_labels (pkg/loghttp/push/otlp_config.go).
export const defaultIndexLabelAttributes = new Set([
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
]);

export interface OtlpRecord {
  /** Unix ns; undefined when the record has neither timeUnixNano nor observedTimeUnixNano. */
  time: bigint | undefined;
  line: string;
  labels: Record<string, string>;
  metadata: Record<string, string>;
  /** Attribute names as sent (dots kept), for manifest `match.fields`. */
  attributes: Record<string, string>;
}

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
};
type KeyValue = { key: string; value?: AnyValue };

/**
 * Attribute name → Loki label name: special characters become `_`, a leading digit gets `key_`
 * (checked against Loki 3.7.6: `3d-key` → `key_3d_key`, `_under` stays `_under`).
 */
export function normalizeLabelName(name: string): string {
  if (!name) return name;
  const out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(out) ? 'key_' + out : out;
}

// Loki's log-level discovery (discover_log_levels, on by default) for OTLP records:
// pkg/distributor/field_detection.go maps the severity number to a level name.
function detectedLevel(severityNumber: number | undefined, body: string): string {
  if (severityNumber !== undefined && severityNumber > 0) {
    if (severityNumber <= 4) return 'trace';
    if (severityNumber <= 8) return 'debug';
    if (severityNumber <= 12) return 'info';
    if (severityNumber <= 16) return 'warn';
    if (severityNumber <= 20) return 'error';
    if (severityNumber <= 24) return 'fatal';
    return 'unknown';
  }
  // Without a severity Loki looks for a level field in a JSON body (simplified here: the common keys).
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const key of ['level', 'lvl', 'loglevel', 'severity', 'LEVEL', 'Level']) {
      const value = parsed?.[key];
      if (typeof value === 'string' && value) return value.toLowerCase();
    }
  } catch {
    // not JSON
  }
  return 'unknown';
}

function toJsonValue(value: AnyValue | undefined): unknown {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(toJsonValue);
  if (value.kvlistValue)
    return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, toJsonValue(kv.value)]));
  return null;
}

/** pcommon.Value.AsString: strings as is, numbers and bools printed, maps and arrays as JSON. */
export function anyValueAsString(value: AnyValue | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(Number(value.doubleValue));
  if (value.bytesValue !== undefined) return value.bytesValue; // base64 in OTLP/JSON, as AsString gives
  if (value.arrayValue || value.kvlistValue) return JSON.stringify(toJsonValue(value));
  return '';
}

/** Flattens attributes: nested maps become `parent_child` (Loki flattens kvlists with `_`). */
function flatten(attributes: KeyValue[] | undefined, into: Record<string, string>, prefix = ''): void {
  for (const kv of attributes ?? []) {
    const name = prefix ? `${prefix}_${kv.key}` : kv.key;
    if (kv.value?.kvlistValue) flatten(kv.value.kvlistValue.values, into, name);
    else into[name] = anyValueAsString(kv.value);
  }
}

function nanos(value: string | number | undefined): bigint | undefined {
  if (value === undefined || value === '' || value === '0' || value === 0) return undefined;
  return BigInt(value);
}

interface ExportLogsServiceRequest {
  resourceLogs?: {
    resource?: { attributes?: KeyValue[]; droppedAttributesCount?: number };
    scopeLogs?: {
      scope?: { name?: string; version?: string; attributes?: KeyValue[]; droppedAttributesCount?: number };
      logRecords?: {
        timeUnixNano?: string | number;
        observedTimeUnixNano?: string | number;
        severityNumber?: number | string;
        severityText?: string;
        body?: AnyValue;
        attributes?: KeyValue[];
        droppedAttributesCount?: number;
        flags?: number;
        traceId?: string;
        spanId?: string;
        eventName?: string;
      }[];
    }[];
  }[];
}

const severityNumbers: Record<string, number> = {
  SEVERITY_NUMBER_UNSPECIFIED: 0,
  SEVERITY_NUMBER_TRACE: 1,
  SEVERITY_NUMBER_DEBUG: 5,
  SEVERITY_NUMBER_INFO: 9,
  SEVERITY_NUMBER_WARN: 13,
  SEVERITY_NUMBER_ERROR: 17,
  SEVERITY_NUMBER_FATAL: 21,
};

/** Every log record of one ExportLogsServiceRequest as Loki would store it. */
export function otlpRecords(request: unknown): OtlpRecord[] {
  const req = request as ExportLogsServiceRequest;
  if (!req || typeof req !== 'object' || !Array.isArray(req.resourceLogs)) {
    throw new Error('not an OTLP ExportLogsServiceRequest (no resourceLogs array)');
  }
  const out: OtlpRecord[] = [];
  for (const rl of req.resourceLogs) {
    const resourceAttributes: Record<string, string> = {};
    flatten(rl.resource?.attributes, resourceAttributes);
    const labels: Record<string, string> = {};
    const resourceMetadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(resourceAttributes)) {
      if (defaultIndexLabelAttributes.has(name)) labels[normalizeLabelName(name)] = value;
      else resourceMetadata[normalizeLabelName(name)] = value;
    }
    // Loki's service-name discovery falls back to "unknown_service" when service.name is missing.
    labels.service_name ??= 'unknown_service';
    for (const sl of rl.scopeLogs ?? []) {
      const scopeMetadata: Record<string, string> = {};
      const scopeAttributes: Record<string, string> = {};
      flatten(sl.scope?.attributes, scopeAttributes);
      for (const [name, value] of Object.entries(scopeAttributes))
        scopeMetadata[normalizeLabelName(name)] = value;
      if (sl.scope?.name) scopeMetadata.scope_name = sl.scope.name;
      if (sl.scope?.version) scopeMetadata.scope_version = sl.scope.version;
      if (sl.scope?.droppedAttributesCount)
        scopeMetadata.scope_dropped_attributes_count = String(sl.scope.droppedAttributesCount);
      for (const lr of sl.logRecords ?? []) {
        const attributes: Record<string, string> = {};
        flatten(lr.attributes, attributes);
        const metadata: Record<string, string> = { ...resourceMetadata, ...scopeMetadata };
        for (const [name, value] of Object.entries(attributes)) metadata[normalizeLabelName(name)] = value;
        const severityNumber =
          typeof lr.severityNumber === 'string'
            ? (severityNumbers[lr.severityNumber] ?? Number(lr.severityNumber))
            : lr.severityNumber;
        if (severityNumber) metadata.severity_number = String(severityNumber);
        metadata.detected_level = detectedLevel(severityNumber, anyValueAsString(lr.body));
        if (lr.severityText) metadata.severity_text = lr.severityText;
        if (lr.traceId) metadata.trace_id = lr.traceId;
        if (lr.spanId) metadata.span_id = lr.spanId;
        if (lr.flags) metadata.flags = String(lr.flags);
        if (lr.droppedAttributesCount) metadata.dropped_attributes_count = String(lr.droppedAttributesCount);
        // Loki since PR #21229 keeps the OTLP EventName field as event_name.
        if (lr.eventName) metadata.event_name = lr.eventName;
        const time = nanos(lr.timeUnixNano);
        const observed = nanos(lr.observedTimeUnixNano);
        if (time !== undefined && observed !== undefined) metadata.observed_timestamp = String(observed);
        out.push({
          time: time ?? observed,
          line: anyValueAsString(lr.body),
          labels: { ...labels },
          metadata,
          attributes: { ...resourceAttributes, ...scopeAttributes, ...attributes },
        });
      }
    }
  }
  return out;
}
