// KCP: connections by peer, failures and abnormal closes by reason, input errors by code, session limits.
import type { Board } from '../board.ts';
import { barsOverTime, logs, pie, stat, table, timeseries } from '../panels.ts';
import { otelRecords } from '../sources.ts';
import { otelClusterVariable, serviceNamespaceVariable, serviceVariable } from '../variables.ts';

const event = (name: string) => `${otelRecords} | otel_event_name="${name}"`;
const abnormalClose = `${event('kcp_conn_closed')} | logward_kcp_reason=~"dead_link|idle_timeout|socket_error|session_replaced"`;

export const kcpBoard: Board = {
  uid: 'logward-kcp',
  file: 'kcp.json',
  title: 'logward / KCP connections',
  description:
    'KCP (reliable UDP) connection security from @logward/kcp events: connections by peer, handshake failures and abnormal closes by reason, rejected input by code, session-limit hits.',
  tags: ['kcp'],
  variables: [otelClusterVariable(), serviceNamespaceVariable(), serviceVariable()],
  annotations: [
    {
      name: 'Session limit hits and conv resets',
      expr: `${otelRecords} | otel_event_name=~"kcp_session_limit|kcp_conv_reset"`,
      titleFormat: '{{otel_event_name}} on {{service_name}}',
      tagKeys: 'service_name,otel_event_name',
      color: 'red',
    },
  ],
  rows: [
    {
      title: 'Connections',
      panels: [
        stat({
          title: 'Established',
          description: 'Completed KCP handshakes.',
          expr: `sum(count_over_time(${event('kcp_conn_established')} [$__range]))`,
        }),
        stat({
          title: 'Failed handshakes',
          description: 'kcp_conn_failed events.',
          expr: `sum(count_over_time(${event('kcp_conn_failed')} [$__range]))`,
        }),
        stat({
          title: 'Rejected packets',
          description: 'kcp_input_rejected events.',
          expr: `sum(count_over_time(${event('kcp_input_rejected')} [$__range]))`,
        }),
        stat({
          title: 'Session-limit hits',
          description: 'Sessions refused because the server was at its session limit.',
          expr: `sum(count_over_time(${event('kcp_session_limit')} [$__range]))`,
        }),
        barsOverTime({
          title: 'Connection lifecycle',
          description: 'Opened, established, closed and failed KCP connections per interval.',
          w: 12,
          targets: [
            {
              expr: `sum by (otel_event_name) (count_over_time(${otelRecords} | otel_event_name=~"kcp_conn_open|kcp_conn_established|kcp_conn_closed|kcp_conn_failed" [$__auto]))`,
              legend: '{{otel_event_name}}',
            },
          ],
        }),
        table({
          title: 'Connections by peer',
          description: 'Peers (client.address) that opened the most KCP sessions in the range.',
          expr: `topk(20, sum by (service_name, client_address) (count_over_time(${event('kcp_conn_open')} [$__range])))`,
        }),
      ],
    },
    {
      title: 'Failures',
      panels: [
        timeseries({
          title: 'Handshake failures by reason',
          description: 'handshake_timeout, handshake_rejected.',
          w: 8,
          targets: [
            {
              expr: `sum by (logward_kcp_reason) (count_over_time(${event('kcp_conn_failed')} [$__auto]))`,
              legend: '{{logward_kcp_reason}}',
            },
          ],
        }),
        timeseries({
          title: 'Abnormal closes by reason',
          description: 'dead_link, idle_timeout, socket_error, session_replaced.',
          w: 8,
          targets: [
            {
              expr: `sum by (logward_kcp_reason) (count_over_time(${abnormalClose} [$__auto]))`,
              legend: '{{logward_kcp_reason}}',
            },
          ],
        }),
        pie({
          title: 'Rejected input by code',
          description: 'conv_mismatch (ikcp_input -1), bad_length (-2), unknown_command (-3), short_packet.',
          legend: '{{logward_kcp_reason}} {{logward_kcp_input_code}}',
          expr: `sum by (logward_kcp_reason, logward_kcp_input_code) (count_over_time(${event('kcp_input_rejected')} [$__range]))`,
        }),
        table({
          title: 'Session-limit hits by service',
          description: 'Refused sessions per service: capacity or a session-table exhaustion attack.',
          expr: `sum by (service_name) (count_over_time(${event('kcp_session_limit')} [$__range]))`,
        }),
        table({
          title: 'Failures and resets by peer',
          description: 'Peers behind failed handshakes, rejected packets and conversation resets.',
          expr: `topk(20, sum by (client_address, otel_event_name) (count_over_time(${otelRecords} | otel_event_name=~"kcp_conn_failed|kcp_input_rejected|kcp_conv_reset" [$__range])))`,
        }),
      ],
    },
    {
      title: 'Events',
      panels: [
        logs({
          title: 'KCP security events',
          description: 'Failures, rejected input, conv resets, session limits and abnormal closes.',
          expr: `${otelRecords} | otel_event_name=~"kcp_conn_failed|kcp_input_rejected|kcp_conv_reset|kcp_session_limit|kcp_conn_closed" | logward_kcp_reason!="peer_close" | logward_kcp_reason!="local_close"`,
        }),
      ],
    },
  ],
};
