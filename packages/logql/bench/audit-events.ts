/**
 * Generates realistically shaped Kubernetes audit events (audit.k8s.io/v1, as a K3s API
 * server writes them) for the benchmark. Deterministic: the same seed gives the same lines.
 */
import type { InputStream } from '../src/index.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const verbs = ['get', 'get', 'get', 'list', 'list', 'watch', 'watch', 'create', 'update', 'patch', 'delete'];
const resources = [
  'pods',
  'pods',
  'secrets',
  'configmaps',
  'deployments',
  'services',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'nodes',
  'events',
  'leases',
  'pods/exec',
];
const namespaces = ['default', 'kube-system', 'prod', 'staging', 'monitoring', 'ingress'];
const users = [
  'system:serviceaccount:kube-system:coredns',
  'system:serviceaccount:prod:api',
  'system:serviceaccount:monitoring:prometheus',
  'system:node:node-1',
  'system:kube-scheduler',
  'alice@example.com',
  'bob@example.com',
  'system:anonymous',
  'ci-deployer',
];
const agents = [
  'kubectl/v1.31.0 (linux/amd64)',
  'k3s/v1.31.2+k3s1',
  'Go-http-client/2.0',
  'helm/v3.16.2',
  'curl/8.5.0',
];

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

export interface GeneratedAudit {
  streams: InputStream[];
  startNs: bigint;
  endNs: bigint;
}

/** `count` events spread evenly over `spanMs` ending at endMs, over three node streams. */
export function generateAuditStreams(
  count: number,
  endMs: number,
  spanMs: number,
  seed = 42,
): GeneratedAudit {
  const rand = mulberry32(seed);
  const nodes = ['node-1', 'node-2', 'node-3'];
  const streams: InputStream[] = nodes.map((host) => ({
    labels: { job: 'k3s-audit', cluster: 'lab', host },
    entries: [],
  }));
  const startMs = endMs - spanMs;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const ms = startMs + Math.floor(((i + 1) * spanMs) / count);
    const tsNs = BigInt(ms) * 1000000n + BigInt(i % 1000);
    const verb = pick(verbs);
    const resource = pick(resources);
    const ns = pick(namespaces);
    const user = rand() < 0.02 ? 'system:anonymous' : pick(users);
    const denied = user === 'system:anonymous' || rand() < 0.03;
    const code = denied
      ? user === 'system:anonymous'
        ? 401
        : 403
      : verb === 'create'
        ? 201
        : rand() < 0.01
          ? 404
          : 200;
    const name = `${resource.split('/')[0]}-${hex(rand, 5)}`;
    const iso = new Date(ms).toISOString().replace('Z', '') + '123Z';
    const event = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: resource === 'secrets' ? 'Metadata' : 'Request',
      auditID: `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/${ns}/${resource}/${name}`,
      verb,
      user: {
        username: user,
        uid: hex(rand, 8),
        groups: user.startsWith('system:serviceaccount')
          ? ['system:serviceaccounts', 'system:authenticated']
          : ['system:authenticated'],
      },
      sourceIPs: [`10.42.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250) + 2}`],
      userAgent: pick(agents),
      objectRef: {
        resource: resource.split('/')[0],
        subresource: resource.includes('/') ? resource.split('/')[1] : undefined,
        namespace: ns,
        name,
        apiVersion: 'v1',
      },
      responseStatus: { metadata: {}, code },
      requestReceivedTimestamp: iso,
      stageTimestamp: iso,
      annotations: {
        'authorization.k8s.io/decision': denied ? 'forbid' : 'allow',
        'authorization.k8s.io/reason': denied ? '' : 'RBAC: allowed by ClusterRoleBinding',
      },
    };
    streams[i % streams.length]!.entries.push({ time: tsNs, line: JSON.stringify(event) });
  }
  return { streams, startNs: BigInt(startMs) * 1000000n, endNs: BigInt(endMs) * 1000000n };
}

/** ~50 audit rules in the shape of the k3s rule pack: most share `| json`, some add line filters. */
export function auditRules(): string[] {
  const sel = '{job="k3s-audit"}';
  const base = `${sel} | json | __error__=""`;
  const rules: string[] = [];
  for (const resource of [
    'secrets',
    'configmaps',
    'roles',
    'rolebindings',
    'clusterroles',
    'clusterrolebindings',
    'serviceaccounts',
    'nodes',
  ]) {
    rules.push(
      `sum by (user_username) (count_over_time(${base} | verb=~"create|update|patch|delete" | objectRef_resource="${resource}" [5m])) > 0`,
    );
  }
  for (const verb of ['delete', 'create', 'patch']) {
    rules.push(`sum by (objectRef_namespace) (count_over_time(${base} | verb="${verb}" [5m])) > 100`);
  }
  for (const ns of ['kube-system', 'prod', 'monitoring']) {
    rules.push(
      `sum by (user_username) (count_over_time(${base} | objectRef_namespace="${ns}" | responseStatus_code >= 400 [5m])) > 5`,
    );
    rules.push(`topk(3, sum by (user_username) (rate(${base} | objectRef_namespace="${ns}" [5m])))`);
  }
  rules.push(`sum(count_over_time(${base} | user_username="system:anonymous" [5m])) > 0`);
  rules.push(`sum by (user_username) (count_over_time(${base} | responseStatus_code == 403 [5m])) > 10`);
  rules.push(`sum by (user_username) (count_over_time(${base} | responseStatus_code == 401 [5m])) > 3`);
  rules.push(
    `sum by (objectRef_resource) (count_over_time(${base} | objectRef_subresource="exec" [5m])) > 0`,
  );
  rules.push(`sum by (userAgent) (count_over_time(${base} | userAgent=~"curl.*" [5m])) > 0`);
  rules.push(
    `sum by (user_username) (count_over_time(${base} | user_username!~"system:.*" | verb="delete" [5m])) > 2`,
  );
  rules.push(`sum(rate(${base} | responseStatus_code >= 500 [5m])) / sum(rate(${base} [5m])) > 0.05`);
  rules.push(`sum by (verb) (rate(${base} [5m]))`);
  rules.push(`count(sum by (user_username) (count_over_time(${base} [5m]))) > 50`);
  rules.push(`absent_over_time(${sel}[5m])`);
  rules.push(`sum by (host) (count_over_time(${sel}[5m])) < 10`);
  rules.push(`sum by (host) (bytes_over_time(${sel}[5m]))`);
  for (const user of ['alice@example.com', 'bob@example.com', 'ci-deployer']) {
    rules.push(
      `sum(count_over_time(${base} | user_username="${user}" | objectRef_resource="secrets" [5m])) > 20`,
    );
  }
  for (const decision of ['forbid', 'allow']) {
    rules.push(
      `sum by (user_username) (count_over_time(${base} | annotations_authorization_k8s_io_decision="${decision}" [5m])) > 1000`,
    );
  }
  // Rules with their own prefix (line filter first, or json extraction parameters): parsed separately.
  rules.push(
    `sum by (user) (count_over_time(${sel} |= "\\"secrets\\"" | json user="user.username", verb | verb="delete" [5m])) > 0`,
  );
  rules.push(
    `sum by (code) (count_over_time(${sel} | json code="responseStatus.code" | code=~"4.." [5m])) > 100`,
  );
  rules.push(`sum(count_over_time(${sel} |= "pods/exec" [5m])) > 0`);
  rules.push(`sum(count_over_time(${sel} |~ "\\"verb\\":\\"(delete|deletecollection)\\"" [5m])) > 500`);
  for (const ns of ['default', 'staging', 'ingress']) {
    rules.push(`sum by (verb) (count_over_time(${base} | objectRef_namespace="${ns}" [10m])) > 1000`);
  }
  for (const res of ['pods', 'deployments', 'services', 'leases', 'events']) {
    rules.push(`sum by (verb) (count_over_time(${base} | objectRef_resource="${res}" [5m]))`);
  }
  return rules;
}
