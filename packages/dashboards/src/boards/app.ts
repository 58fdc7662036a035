// Application security: OWASP Logging Vocabulary events written by @logward/otel.
import type { Board } from '../board.ts';
import { barsOverTime, logs, pie, stat, table, timeseries } from '../panels.ts';
import { otelRecords } from '../sources.ts';
import { otelClusterVariable, serviceNamespaceVariable, serviceVariable } from '../variables.ts';

/** Security events: every named event that is not KCP's connection lifecycle or a plain request log. */
const securityEvents = `${otelRecords} | otel_event_name!="" | otel_event_name!~"kcp_.+|http_request"`;
const loginFailures = `${otelRecords} | otel_event_name="authn_login_fail"`;
const authzDenials = `${otelRecords} | otel_event_name="authz_fail"`;

export const appBoard: Board = {
  uid: 'logward-app',
  file: 'app.json',
  title: 'logward / Application security',
  description:
    'OWASP Logging Vocabulary events from services instrumented with @logward/otel: events by type, user and source, login failures by source address, authorization denials, and secrets redacted per service.',
  tags: ['app', 'owasp'],
  variables: [otelClusterVariable(), serviceNamespaceVariable(), serviceVariable()],
  annotations: [
    {
      name: 'Malicious requests and privilege changes',
      expr: `${otelRecords} | otel_event_name=~"malicious_.+|privilege_permissions_changed|authz_change|sys_crash|sys_monitor_disabled"`,
      titleFormat: '{{otel_event_name}} on {{service_name}}',
      tagKeys: 'service_name,otel_event_name',
      color: 'red',
    },
  ],
  rows: [
    {
      title: 'Events',
      panels: [
        stat({
          title: 'Security events',
          description: 'OWASP events in the selected range.',
          expr: `sum(count_over_time(${securityEvents} [$__range]))`,
        }),
        stat({
          title: 'Login failures',
          description: 'authn_login_fail events.',
          expr: `sum(count_over_time(${loginFailures} [$__range]))`,
        }),
        stat({
          title: 'Authorization denials',
          description: 'authz_fail events.',
          expr: `sum(count_over_time(${authzDenials} [$__range]))`,
        }),
        stat({
          title: 'Malicious requests',
          description: 'malicious_* events (attack tools, direct object references, excess 404s, ...).',
          expr: `sum(count_over_time(${otelRecords} | otel_event_name=~"malicious_.+" [$__range]))`,
        }),
        barsOverTime({
          title: 'Events by type',
          description: 'Security events per OWASP event name.',
          w: 16,
          targets: [
            {
              expr: `sum by (otel_event_name) (count_over_time(${securityEvents} [$__auto]))`,
              legend: '{{otel_event_name}}',
            },
          ],
        }),
        pie({
          title: 'Events by service',
          description: 'Share of security events per service.',
          legend: '{{service_name}}',
          expr: `sum by (service_name) (count_over_time(${securityEvents} [$__range]))`,
        }),
        table({
          title: 'Top users',
          description: 'Users (user.id) with the most security events, by event name.',
          expr: `topk(20, sum by (user_id, otel_event_name) (count_over_time(${securityEvents} | user_id!="" [$__range])))`,
        }),
        table({
          title: 'Top sources',
          description: 'Client addresses (client.address) with the most security events, by event name.',
          expr: `topk(20, sum by (client_address, otel_event_name) (count_over_time(${securityEvents} | client_address!="" [$__range])))`,
        }),
      ],
    },
    {
      title: 'Authentication and authorization',
      panels: [
        table({
          title: 'Login failures by source address',
          description:
            'One row per client.address and service with its failure count: the input for a geomap (add a GeoIP lookup on client_address).',
          expr: `sum by (client_address, service_name) (count_over_time(${loginFailures} | client_address!="" [$__range]))`,
        }),
        timeseries({
          title: 'Login failures by service',
          description: 'authn_login_fail per service: brute force and credential stuffing show as spikes.',
          targets: [
            {
              expr: `sum by (service_name) (count_over_time(${loginFailures} [$__auto]))`,
              legend: '{{service_name}}',
            },
          ],
        }),
        timeseries({
          title: 'Authorization denials by user',
          description: 'authz_fail per user.',
          targets: [
            { expr: `sum by (user_id) (count_over_time(${authzDenials} [$__auto]))`, legend: '{{user_id}}' },
          ],
        }),
        table({
          title: 'Authorization denials by user and route',
          description: 'Who was denied what (http.route / url.path when the service records them).',
          expr: `sum by (user_id, http_route, url_path) (count_over_time(${authzDenials} [$__range]))`,
        }),
      ],
    },
    {
      title: 'Redaction',
      panels: [
        timeseries({
          title: 'Values redacted per service',
          description:
            'Sum of logward.redaction.count: secrets and personal data @logward/otel removed before export. A sudden rise means a new code path logs secrets.',
          w: 24,
          targets: [
            {
              expr: `sum by (service_name) (sum_over_time(${otelRecords} | logward_redaction_count!="" | unwrap logward_redaction_count [$__auto]))`,
              legend: '{{service_name}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Log',
      panels: [
        logs({
          title: 'Security events',
          description:
            'The records behind the panels above (bodies are user-controlled text; the metadata is what rules trust).',
          expr: securityEvents,
        }),
      ],
    },
  ],
};
