// Kata Containers: sandbox failures, agent policy blocks, agent deaths, guest panics, config drift, per node.
import type { Board } from '../board.ts';
import { barsOverTime, logs, stat, table, timeseries } from '../panels.ts';
import { kataJournal } from '../sources.ts';
import { clusterLabelVariable, nodeVariable } from '../variables.ts';

// Line patterns of the kata pack's rules, grouped as the dashboard shows them.
const sandboxFailure =
  '|~ `Cannot start VM|failed to launch qemu|Unable to launch [^ ]*qemu|sandbox stopped unexpectedly`';
const policyBlock = '|= `is blocked by policy`';
const agentDeath =
  '|~ `mark agent dead|failed to do .* agent health check|timed out connecting to (vsock|hybrid vsocket|remote sock)|failed to ping agent`';
const guestPanic = '|~ `guest-panicked|Kernel panic - not syncing|panicked at|A panic occurred at`';
const configDrift =
  '|~ `QEMU configured to start with an untrusted monitor|AllowRequestsFailingPolicy is enabled|policy: ignoring error for|agent\\.debug_console|run_debug_console_shell`';
const confidential =
  '|~ `Image policy rejected|Failed to decrypt the image layer|failed to decrypt image|failed to get a proper image decryption key|\\[CDH\\] \\[ERROR\\]|verity: .* (data|metadata) block .* is corrupted`';
const anySecurityEvent =
  '|~ `Cannot start VM|failed to launch qemu|sandbox stopped unexpectedly|is blocked by policy|mark agent dead|agent health check|timed out connecting to|guest-panicked|Kernel panic|panicked at|untrusted monitor|AllowRequestsFailingPolicy|debug_console|Image policy rejected|decrypt|\\[CDH\\] \\[ERROR\\]|is corrupted`';

export const kataBoard: Board = {
  uid: 'logward-kata',
  file: 'kata.json',
  title: 'logward / Kata Containers security',
  description:
    'Kata Containers host runtime events per node: sandbox start failures, agent policy blocks, agent deaths, guest panics, confidential-containers errors and insecure configuration, from the kata rule pack source.',
  tags: ['kata'],
  variables: [clusterLabelVariable(), nodeVariable('{job="kata"}')],
  annotations: [
    {
      name: 'Guest panics and agent deaths',
      expr: `${kataJournal} |~ \`guest-panicked|Kernel panic - not syncing|panicked at|A panic occurred at|mark agent dead\``,
      titleFormat: 'kata on {{host}}',
      tagKeys: 'host',
      color: 'red',
    },
  ],
  rows: [
    {
      title: 'Overview',
      panels: [
        stat({
          title: 'Sandbox failures',
          description: 'VM start, hypervisor launch and unexpected sandbox stops.',
          expr: `sum(count_over_time(${kataJournal} ${sandboxFailure} [$__range]))`,
        }),
        stat({
          title: 'Policy blocks',
          description: 'Agent API requests the sandbox policy refused.',
          expr: `sum(count_over_time(${kataJournal} ${policyBlock} [$__range]))`,
        }),
        stat({
          title: 'Agent deaths',
          description: 'Agents marked dead or unreachable over vsock.',
          expr: `sum(count_over_time(${kataJournal} ${agentDeath} [$__range]))`,
        }),
        stat({
          title: 'Guest panics',
          description: 'Guest kernel or agent panics.',
          expr: `sum(count_over_time(${kataJournal} ${guestPanic} [$__range]))`,
        }),
      ],
    },
    {
      title: 'Failures per node',
      panels: [
        barsOverTime({
          title: 'Sandbox failures by node',
          description: 'Cannot start VM, qemu launch failures, sandboxes stopped unexpectedly.',
          targets: [
            {
              expr: `sum by (host) (count_over_time(${kataJournal} ${sandboxFailure} [$__auto]))`,
              legend: '{{host}}',
            },
          ],
        }),
        barsOverTime({
          title: 'Agent deaths by node',
          description: 'Agent health-check failures and vsock/ttRPC timeouts.',
          targets: [
            {
              expr: `sum by (host) (count_over_time(${kataJournal} ${agentDeath} [$__auto]))`,
              legend: '{{host}}',
            },
          ],
        }),
        barsOverTime({
          title: 'Guest panics by node',
          description: 'Guest kernel panics and agent panics forwarded from the guest console.',
          targets: [
            {
              expr: `sum by (host) (count_over_time(${kataJournal} ${guestPanic} [$__auto]))`,
              legend: '{{host}}',
            },
          ],
        }),
        timeseries({
          title: 'Errors by node (priority 0-3)',
          description:
            'journald PRIORITY emergency..error lines per node: the baseline the error-rate anomaly rule compares against.',
          targets: [
            {
              expr: `sum by (host) (count_over_time(${kataJournal} | priority=~"[0-3]" [$__auto]))`,
              legend: '{{host}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Policy and configuration',
      panels: [
        table({
          title: 'Policy blocks by request',
          description:
            'Agent requests (CreateContainerRequest, ExecProcessRequest, ...) refused by the policy, per node.',
          expr: `sum by (host, request) (count_over_time(${kataJournal} ${policyBlock} | regexp \`(?P<request>[A-Za-z]+Request) is blocked by policy\` [$__range]))`,
        }),
        table({
          title: 'Configuration drift',
          description:
            'Nodes running with an untrusted QEMU monitor, a permissive agent policy or the debug console.',
          expr: `sum by (host) (count_over_time(${kataJournal} ${configDrift} [$__range]))`,
        }),
        table({
          title: 'Confidential containers errors',
          description: 'Image policy rejections, layer decryption and CDH failures, dm-verity corruption.',
          w: 24,
          expr: `sum by (host) (count_over_time(${kataJournal} ${confidential} [$__range]))`,
        }),
      ],
    },
    {
      title: 'Events',
      panels: [
        logs({
          title: 'Kata security events',
          description: 'Every journal line the kata pack alerts on.',
          expr: `${kataJournal} ${anySecurityEvent}`,
        }),
      ],
    },
  ],
};
