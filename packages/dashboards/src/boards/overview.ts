// Overview across all packs: one row of counts per source and the volume of every source, so that a
// silent source (a stopped audit log) is visible next to the events.
import type { Board } from '../board.ts';
import { barsOverTime, logs, stat, table, timeseries } from '../panels.ts';
import { k3sAudit, k3sJournal, kataJournal } from '../sources.ts';
import { clusterLabelVariable, nodeVariable, serviceVariable } from '../variables.ts';

// Overview narrows OTLP records by service only (their cluster label is k8s_cluster_name, not cluster).
const otel = '{service_name=~"$service"}';
const auditDenied = `${k3sAudit} |~ \`"code":40[13]\\}\` | json user="user.username", code="responseStatus.code" | code=~"401|403"`;
const kataFailure = `${kataJournal} |~ \`Cannot start VM|failed to launch qemu|sandbox stopped unexpectedly|is blocked by policy|mark agent dead|guest-panicked|Kernel panic\``;
const kcpFailure = `${otel} | otel_event_name=~"kcp_conn_failed|kcp_input_rejected|kcp_conv_reset|kcp_session_limit"`;
const appSecurity = `${otel} | otel_event_name!="" | otel_event_name!~"kcp_.+|http_request"`;

export const overviewBoard: Board = {
  uid: 'logward-overview',
  file: 'overview.json',
  title: 'logward / Security overview',
  description:
    'All logward sources at a glance: K3s API denials, Kata runtime failures, KCP connection failures and application security events, with the volume of each source (a source that goes silent is an alert, not a quiet night).',
  tags: ['overview'],
  variables: [clusterLabelVariable(), nodeVariable('{job=~"k3s|kata"}'), serviceVariable()],
  annotations: [
    {
      name: 'Critical events',
      expr: `${otel} | otel_event_name=~"malicious_.+|privilege_permissions_changed|sys_crash|kcp_session_limit"`,
      titleFormat: '{{otel_event_name}} on {{service_name}}',
      tagKeys: 'service_name,otel_event_name',
      color: 'red',
    },
  ],
  rows: [
    {
      title: 'Security events',
      panels: [
        stat({
          title: 'K3s denied API requests',
          description: 'Audit events answered 401/403.',
          expr: `sum(count_over_time(${auditDenied} [$__range]))`,
        }),
        stat({
          title: 'Kata runtime failures',
          description: 'Sandbox failures, policy blocks, agent deaths and guest panics.',
          expr: `sum(count_over_time(${kataFailure} [$__range]))`,
        }),
        stat({
          title: 'KCP connection failures',
          description: 'Failed handshakes, rejected input, conv resets and session-limit hits.',
          expr: `sum(count_over_time(${kcpFailure} [$__range]))`,
        }),
        stat({
          title: 'Application security events',
          description: 'OWASP events from instrumented services.',
          expr: `sum(count_over_time(${appSecurity} [$__range]))`,
        }),
        barsOverTime({
          title: 'Security events by source',
          description: 'The four counts above over time.',
          w: 24,
          targets: [
            { expr: `sum(count_over_time(${auditDenied} [$__auto]))`, legend: 'k3s denied' },
            { expr: `sum(count_over_time(${kataFailure} [$__auto]))`, legend: 'kata failures' },
            { expr: `sum(count_over_time(${kcpFailure} [$__auto]))`, legend: 'kcp failures' },
            { expr: `sum(count_over_time(${appSecurity} [$__auto]))`, legend: 'app events' },
          ],
        }),
      ],
    },
    {
      title: 'Who',
      panels: [
        table({
          title: 'Top K3s users denied',
          description: 'Kubernetes users with the most 401/403 answers.',
          expr: `topk(10, sum by (user) (count_over_time(${auditDenied} [$__range])))`,
        }),
        table({
          title: 'Top application sources',
          description: 'Client addresses with the most application and KCP security events.',
          expr: `topk(10, sum by (client_address) (count_over_time(${otel} | otel_event_name=~"authn_.+_fail.*|authz_fail|malicious_.+|input_validation_.+|kcp_conn_failed|kcp_input_rejected" | client_address!="" [$__range])))`,
        }),
      ],
    },
    {
      title: 'Source health',
      panels: [
        timeseries({
          title: 'Lines per source',
          description:
            'Log volume of every pack source. A line that drops to nothing means the source went silent: an attacker who stops the audit log looks exactly like this.',
          w: 24,
          targets: [
            { expr: `sum(count_over_time(${k3sAudit} [$__auto]))`, legend: 'k3s audit' },
            { expr: `sum(count_over_time(${k3sJournal} [$__auto]))`, legend: 'k3s journal' },
            { expr: `sum(count_over_time(${kataJournal} [$__auto]))`, legend: 'kata journal' },
            { expr: `sum(count_over_time(${otel} | otel_event_name!="" [$__auto]))`, legend: 'OTLP events' },
          ],
        }),
      ],
    },
    {
      title: 'Critical events',
      panels: [
        logs({
          title: 'Malicious requests, privilege changes, crashes, session limits',
          description: 'The application and KCP records that matter most, newest first.',
          expr: `${otel} | otel_event_name=~"malicious_.+|privilege_permissions_changed|authz_change|sys_crash|sys_monitor_disabled|kcp_session_limit|kcp_conv_reset"`,
        }),
      ],
    },
  ],
};
