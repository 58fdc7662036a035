// K3s: Kubernetes API audit activity and K3s component security events.
import type { Board } from '../board.ts';
import { barsOverTime, logs, stat, table, timeseries } from '../panels.ts';
import { k3sAudit, k3sJournal } from '../sources.ts';
import { clusterLabelVariable, nodeVariable, regexTextVariable } from '../variables.ts';

// Fields the audit panels extract (audit.k8s.io/v1 Event); the namespace filter runs after them.
const who = 'user="user.username", source_ip="sourceIPs[0]"';
const inNamespace = '| namespace=~"$namespace"';
const denied = '|~ `"code":40[13]\\}`';
const complete = '|= `"stage":"ResponseComplete"`';
const execStarted = '|~ `"subresource":"(exec|attach)"` |= `"stage":"ResponseStarted"`';
const rbacChange =
  '|~ `"resource":"(cluster)?role(binding)?s"` |~ `"verb":"(create|update|patch|delete)"` ' + complete;
const secretChange = '|= `"resource":"secrets"` ' + complete;
const privilegedPod =
  '|= `"resource":"pods"` |= `"verb":"create"` ' +
  complete +
  ' |~ `"privileged":true|"hostPID":true|"hostNetwork":true|"hostIPC":true|"hostPath":\\{"path":"`';
/** K3s process log lines that are security events (the component rules of the k3s pack). */
const componentEvents =
  '|~ `Node password rejected|Node password validation failed|unable to verify password for node|token CA hash does not match|token is not valid|TLS handshake error from .*remote error: tls: (bad certificate|unknown certificate)|Unable to authenticate the request|Error in audit plugin`';

export const k3sBoard: Board = {
  uid: 'logward-k3s',
  file: 'k3s.json',
  title: 'logward / K3s security',
  description:
    'Kubernetes API audit activity (denials, exec/attach, RBAC and secret changes, privileged pods) and K3s component security events, from the k3s rule pack sources.',
  tags: ['k3s', 'kubernetes'],
  variables: [
    clusterLabelVariable(),
    regexTextVariable({
      name: 'namespace',
      label: 'Namespace (regex)',
      description:
        'Kubernetes namespace of the audited object (objectRef.namespace), as a regular expression.',
    }),
    nodeVariable('{job="k3s"}'),
  ],
  annotations: [
    {
      name: 'exec/attach into pods',
      expr: `${k3sAudit} ${execStarted} | json ${who}, namespace="objectRef.namespace", pod="objectRef.name" ${inNamespace}`,
      titleFormat: 'exec by {{user}} into {{namespace}}/{{pod}}',
      tagKeys: 'user,namespace,pod',
      color: 'red',
    },
    {
      name: 'Privileged pods',
      expr: `${k3sAudit} ${privilegedPod} | json ${who}, namespace="objectRef.namespace" ${inNamespace}`,
      titleFormat: 'privileged pod by {{user}} in {{namespace}}',
      tagKeys: 'user,namespace',
      color: 'orange',
    },
  ],
  rows: [
    {
      title: 'API activity',
      panels: [
        stat({
          title: 'Denied requests',
          description: 'API requests answered 401 or 403 in the selected range.',
          expr: `sum(count_over_time(${k3sAudit} ${denied} | json code="responseStatus.code", namespace="objectRef.namespace" | code=~"401|403" ${inNamespace} [$__range]))`,
        }),
        stat({
          title: 'exec / attach sessions',
          description: 'Interactive sessions opened into pods in the selected range.',
          expr: `sum(count_over_time(${k3sAudit} ${execStarted} | json namespace="objectRef.namespace" ${inNamespace} [$__range]))`,
        }),
        stat({
          title: 'RBAC changes',
          description: 'Roles and bindings created, changed or deleted.',
          expr: `sum(count_over_time(${k3sAudit} ${rbacChange} | json namespace="objectRef.namespace" ${inNamespace} [$__range]))`,
        }),
        stat({
          title: 'Privileged pods',
          description: 'Pods created privileged, with host namespaces or a hostPath volume.',
          expr: `sum(count_over_time(${k3sAudit} ${privilegedPod} | json namespace="objectRef.namespace" ${inNamespace} [$__range]))`,
        }),
        barsOverTime({
          title: 'API requests by verb',
          description: 'Completed API requests per verb.',
          w: 24,
          targets: [
            {
              expr: `sum by (verb) (count_over_time(${k3sAudit} ${complete} | json verb="verb", namespace="objectRef.namespace" ${inNamespace} [$__auto]))`,
              legend: '{{verb}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Denied requests',
      panels: [
        timeseries({
          title: 'Denied requests by user',
          description: 'API requests answered 401/403, per authenticated user.',
          targets: [
            {
              expr: `sum by (user) (count_over_time(${k3sAudit} ${denied} | json ${who}, code="responseStatus.code", namespace="objectRef.namespace" | code=~"401|403" ${inNamespace} [$__auto]))`,
              legend: '{{user}}',
            },
          ],
        }),
        table({
          title: 'Denied requests by source IP',
          description: 'Top source addresses of 401/403 answers in the selected range.',
          expr: `topk(20, sum by (source_ip, user) (count_over_time(${k3sAudit} ${denied} | json ${who}, code="responseStatus.code", namespace="objectRef.namespace" | code=~"401|403" ${inNamespace} [$__range])))`,
        }),
      ],
    },
    {
      title: 'exec / attach',
      panels: [
        table({
          title: 'exec / attach by user and pod',
          description:
            'Who opened sessions into which pods, with the command (requestURI carries command= parameters).',
          w: 24,
          expr: `sum by (user, source_ip, namespace, pod, request_uri) (count_over_time(${k3sAudit} ${execStarted} | json ${who}, namespace="objectRef.namespace", pod="objectRef.name", request_uri="requestURI" ${inNamespace} [$__range]))`,
        }),
        logs({
          title: 'exec / attach commands',
          description: 'One line per session: user, pod and the command decoded from the request URI.',
          expr: `${k3sAudit} ${execStarted} | json ${who}, namespace="objectRef.namespace", pod="objectRef.name", request_uri="requestURI" ${inNamespace} | line_format "{{.user}} ({{.source_ip}}) -> {{.namespace}}/{{.pod}}: {{ urldecode .request_uri }}"`,
        }),
      ],
    },
    {
      title: 'RBAC, secrets and privileged pods',
      panels: [
        logs({
          title: 'RBAC changes',
          description: 'Roles and role bindings created, updated, patched or deleted.',
          w: 12,
          expr: `${k3sAudit} ${rbacChange} | json ${who}, verb="verb", resource="objectRef.resource", namespace="objectRef.namespace", name="objectRef.name", code="responseStatus.code" ${inNamespace} | line_format "{{.user}} {{.verb}} {{.resource}} {{.namespace}}/{{.name}} -> {{.code}}"`,
        }),
        timeseries({
          title: 'Secret access and changes by verb',
          description: 'Completed requests on secrets per verb and user.',
          w: 12,
          targets: [
            {
              expr: `sum by (verb, user) (count_over_time(${k3sAudit} ${secretChange} | json ${who}, verb="verb", namespace="objectRef.namespace" ${inNamespace} [$__auto]))`,
              legend: '{{user}} {{verb}}',
            },
          ],
        }),
        table({
          title: 'Privileged pods',
          description: 'Pods created privileged, with hostPID/hostNetwork/hostIPC or a hostPath volume.',
          w: 24,
          expr: `sum by (user, namespace, pod, code) (count_over_time(${k3sAudit} ${privilegedPod} | json ${who}, namespace="objectRef.namespace", pod="responseObject.metadata.name", code="responseStatus.code" ${inNamespace} [$__range]))`,
        }),
      ],
    },
    {
      title: 'K3s components',
      panels: [
        timeseries({
          title: 'Component security events by node',
          description:
            'Node-password rejections, join-token and certificate failures, audit plugin errors in the K3s journal.',
          targets: [
            {
              expr: `sum by (host) (count_over_time(${k3sJournal} ${componentEvents} [$__auto]))`,
              legend: '{{host}}',
            },
          ],
        }),
        logs({
          title: 'Component security events',
          description: 'The K3s server and agent lines behind the component rules.',
          w: 12,
          expr: `${k3sJournal} ${componentEvents}`,
        }),
      ],
    },
  ],
};
