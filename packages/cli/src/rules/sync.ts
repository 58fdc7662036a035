// `logward rules diff` and `logward rules sync`: compare the packs' (or files') rule groups with
// the groups in Loki's ruler namespaces, then create, replace or delete groups to match.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import {
  applySelectorOverrides,
  loadRuleGroups,
  parsePromDuration,
  parseQuery,
  serializeRuleGroup,
  type LoadedRuleGroup,
} from '@logward/logql';
import { exitCodes, UsageError } from '../exit-codes.ts';
import { readText } from '../files.ts';
import { discoverPacks, selectPacks, splitList } from '../packs.ts';
import { stdoutStyle } from '../terminal.ts';
import { createLokiClient, httpError, LokiError, type LokiClient } from './loki-client.ts';
import { walkRuleFiles } from './rule-files.ts';

const commonOptions = `  --loki <url>              Loki base URL (http://host:3100 or https://...; no credentials in it)
  --tenant <id>             send X-Scope-OrgID: <id> (multi-tenant Loki)
  --namespace <name>        ruler namespace for every group (default: the pack name, or the file name)
  --pack <name>             only this pack (repeatable or comma separated; default: all packs)
  --packs-dir <dir>         where packs live (default: ./alert-rules)
  --selector <src>=<sel>    override a pack source's stream selector, e.g. audit='{job="audit",cluster="prod"}'
                            (<pack>/<source>=... when several packs have that source id; repeatable)
  --ca-file <file>          PEM CA bundle to verify Loki's TLS certificate
  --insecure-skip-verify    do not verify Loki's TLS certificate

Rule files given as operands are used instead of packs.
Credentials come from the environment only: LOKI_USERNAME + LOKI_PASSWORD (basic auth) or
LOKI_BEARER_TOKEN.`;

export const diffHelp = `usage: logward rules diff --loki <url> [options] [rule files|dirs...]

Shows, per ruler namespace, the groups that sync would add (+), change (~) or remove (-).

${commonOptions}

Exit codes: 0 in sync, 1 differences found, 2 usage error, 3 a file could not be read,
4 Loki could not be reached or answered with an error.`;

export const syncHelp = `usage: logward rules sync --loki <url> [options] [rule files|dirs...]

Makes Loki's ruler match the packs/files: POSTs new and changed groups, DELETEs groups that are
in a managed namespace but no longer in the packs/files.

${commonOptions}
  --dry-run                 print what would change, change nothing

Exit codes: 0 synced (or nothing to do), 2 usage error, 3 a file could not be read,
4 Loki could not be reached or answered with an error.`;

interface NamespacePlan {
  namespace: string;
  groups: LoadedRuleGroup[];
}

export interface GroupChange {
  namespace: string;
  group: string;
  kind: 'add' | 'change' | 'remove';
  details: string[];
  body?: string;
}

function parseOverrides(values: string[] | undefined): { pack?: string; source: string; selector: string }[] {
  return (values ?? []).map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new UsageError(`--selector must look like <source>=<selector>, not '${value}'`);
    const target = value.slice(0, eq);
    const selector = value.slice(eq + 1);
    try {
      const expr = parseQuery(selector);
      if (expr.kind !== 'logSelector' || expr.stages.length) throw new Error('not a bare stream selector');
    } catch (error) {
      throw new UsageError(
        `--selector ${target}: '${selector}' is not a stream selector: ${(error as Error).message}`,
      );
    }
    const [pack, source] = target.includes('/') ? target.split('/', 2) : [undefined, target];
    return { ...(pack ? { pack } : {}), source: source!, selector };
  });
}

async function localPlans(values: Record<string, unknown>, positionals: string[]): Promise<NamespacePlan[]> {
  const namespaceOption = values.namespace as string | undefined;
  const overrides = parseOverrides(values.selector as string[] | undefined);
  const plans = new Map<string, LoadedRuleGroup[]>();
  const add = (namespace: string, groups: LoadedRuleGroup[]) => {
    plans.set(namespace, [...(plans.get(namespace) ?? []), ...groups]);
  };
  if (positionals.length) {
    if (overrides.length)
      throw new UsageError('--selector applies to packs, not to rule files given as operands');
    for (const file of await walkRuleFiles(positionals)) {
      add(
        namespaceOption ?? path.basename(file).replace(/\.ya?ml$/i, ''),
        loadRuleGroups(await readText(file), file),
      );
    }
  } else {
    const packsDir = (values['packs-dir'] as string | undefined) ?? 'alert-rules';
    const packs = selectPacks(
      await discoverPacks(packsDir),
      splitList(values.pack as string[] | undefined),
      packsDir,
    );
    if (!packs.length) throw new UsageError(`no packs in ${packsDir}; give rule files or --packs-dir`);
    for (const o of overrides) {
      const owners = packs.filter(
        (p) => (!o.pack || p.name === o.pack) && p.manifest.sources.some((s) => s.id === o.source),
      );
      if (!owners.length)
        throw new UsageError(
          `--selector: no selected pack has a source "${o.pack ? `${o.pack}/` : ''}${o.source}"`,
        );
    }
    for (const pack of packs) {
      const sourceOverrides: Record<string, string> = {};
      for (const o of overrides) {
        if ((!o.pack || o.pack === pack.name) && pack.manifest.sources.some((s) => s.id === o.source))
          sourceOverrides[o.source] = o.selector;
      }
      const groups = loadRuleGroups(await readText(pack.rulesFile), pack.rulesFile);
      add(
        namespaceOption ?? pack.name,
        applySelectorOverrides(groups, pack.manifest.sources, sourceOverrides),
      );
    }
  }
  for (const [namespace, groups] of plans) {
    const seen = new Set<string>();
    for (const g of groups) {
      if (seen.has(g.name))
        throw new UsageError(
          `two groups named "${g.name}" would go to namespace "${namespace}"; use distinct --namespace values`,
        );
      seen.add(g.name);
    }
  }
  return [...plans].map(([namespace, groups]) => ({ namespace, groups }));
}

/** A group reduced to what Loki keeps, so formatting and defaults do not show up as changes. */
function normalizeGroup(raw: unknown): Record<string, unknown> {
  const g = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { name: g.name };
  const durationMs = (v: unknown) => (typeof v === 'string' ? parsePromDuration(v) : 0);
  if (g.interval && durationMs(g.interval)) out.interval = durationMs(g.interval);
  if (g.limit) out.limit = g.limit;
  if (g.query_offset && durationMs(g.query_offset)) out.query_offset = durationMs(g.query_offset);
  const groupLabels = g.labels as Record<string, unknown> | undefined;
  if (groupLabels && Object.keys(groupLabels).length) {
    out.labels = Object.fromEntries(
      Object.keys(groupLabels)
        .sort()
        .map((k) => [k, String(groupLabels[k])]),
    );
  }
  out.rules = ((g.rules as Record<string, unknown>[] | undefined) ?? []).map((r) => {
    const rule: Record<string, unknown> = {};
    if (r.alert) rule.alert = r.alert;
    if (r.record) rule.record = r.record;
    rule.expr = String(r.expr ?? '').trim();
    if (durationMs(r.for)) rule.for = durationMs(r.for);
    if (durationMs(r.keep_firing_for)) rule.keep_firing_for = durationMs(r.keep_firing_for);
    for (const key of ['labels', 'annotations'] as const) {
      const map = r[key] as Record<string, unknown> | undefined;
      if (map && Object.keys(map).length) {
        rule[key] = Object.fromEntries(
          Object.keys(map)
            .sort()
            .map((k) => [k, String(map[k])]),
        );
      }
    }
    return rule;
  });
  return out;
}

function ruleName(rule: Record<string, unknown>): string {
  return String(rule.alert ?? rule.record);
}

function describeChanges(local: Record<string, unknown>, remote: Record<string, unknown>): string[] {
  const details: string[] = [];
  if (local.interval !== remote.interval)
    details.push(
      `interval ${String(remote.interval ?? 'default')}ms -> ${String(local.interval ?? 'default')}ms`,
    );
  if (local.limit !== remote.limit)
    details.push(`limit ${String(remote.limit ?? 0)} -> ${String(local.limit ?? 0)}`);
  if (local.query_offset !== remote.query_offset) details.push('query_offset');
  if (JSON.stringify(local.labels) !== JSON.stringify(remote.labels)) details.push('group labels');
  const localRules = local.rules as Record<string, unknown>[];
  const remoteRules = remote.rules as Record<string, unknown>[];
  const remoteByName = new Map(remoteRules.map((r) => [ruleName(r), r]));
  const localNames = new Set(localRules.map(ruleName));
  for (const rule of localRules) {
    const other = remoteByName.get(ruleName(rule));
    if (!other) details.push(`+ rule ${ruleName(rule)}`);
    else {
      const fields = [...new Set([...Object.keys(rule), ...Object.keys(other)])].filter(
        (k) => JSON.stringify(rule[k]) !== JSON.stringify(other[k]),
      );
      if (fields.length) details.push(`~ rule ${ruleName(rule)} (${fields.join(', ')})`);
    }
  }
  for (const rule of remoteRules)
    if (!localNames.has(ruleName(rule))) details.push(`- rule ${ruleName(rule)}`);
  if (!details.length) details.push('rule order');
  return details;
}

async function remoteGroups(client: LokiClient, namespace: string): Promise<Record<string, unknown>[]> {
  const route = `/loki/api/v1/rules/${encodeURIComponent(namespace)}`;
  const response = await client.request('GET', route);
  // Loki answers 404 "no rule groups found" for a namespace without groups.
  if (response.status === 404) return [];
  if (response.status !== 200) throw httpError('GET', client.displayUrl + route, response);
  let parsed: unknown;
  try {
    parsed = parseYaml(response.body);
  } catch (error) {
    throw new LokiError(
      `GET ${client.displayUrl}${route}: the answer is not YAML: ${(error as Error).message}`,
    );
  }
  const groups = (parsed as Record<string, unknown> | null)?.[namespace];
  return Array.isArray(groups) ? (groups as Record<string, unknown>[]) : [];
}

export async function planChanges(client: LokiClient, plans: NamespacePlan[]): Promise<GroupChange[]> {
  const changes: GroupChange[] = [];
  for (const { namespace, groups } of plans) {
    const remote = await remoteGroups(client, namespace);
    const remoteByName = new Map(remote.map((g) => [String(g.name), normalizeGroup(g)]));
    for (const group of groups) {
      const local = normalizeGroup(group.source);
      const other = remoteByName.get(group.name);
      const body = serializeRuleGroup(group);
      if (!other)
        changes.push({
          namespace,
          group: group.name,
          kind: 'add',
          details: group.rules.map((r) => `+ rule ${r.name}`),
          body,
        });
      else if (JSON.stringify(local) !== JSON.stringify(other)) {
        changes.push({
          namespace,
          group: group.name,
          kind: 'change',
          details: describeChanges(local, other),
          body,
        });
      }
    }
    const localNames = new Set(groups.map((g) => g.name));
    for (const name of remoteByName.keys()) {
      if (!localNames.has(name)) changes.push({ namespace, group: name, kind: 'remove', details: [] });
    }
  }
  return changes;
}

export async function runSyncOrDiff(mode: 'sync' | 'diff', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      loki: { type: 'string' },
      tenant: { type: 'string' },
      namespace: { type: 'string' },
      pack: { type: 'string', multiple: true },
      'packs-dir': { type: 'string' },
      selector: { type: 'string', multiple: true },
      'ca-file': { type: 'string' },
      'insecure-skip-verify': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (!values.loki) throw new UsageError(`rules ${mode} needs --loki <url>`);
  if (mode === 'diff' && values['dry-run'])
    throw new UsageError('--dry-run is for sync (diff never changes anything)');
  const plans = await localPlans(values, positionals);
  const client = await createLokiClient({
    url: values.loki,
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values['ca-file'] ? { caFile: values['ca-file'] } : {}),
    insecureSkipVerify: Boolean(values['insecure-skip-verify']),
  });
  const changes = await planChanges(client, plans);
  const style = stdoutStyle();
  const mark = { add: style.green('+'), change: style.yellow('~'), remove: style.red('-') };
  const verb = { add: 'added', change: 'changed', remove: 'removed' };
  for (const c of changes) {
    const prefix = mode === 'sync' && !values['dry-run'] ? '' : mode === 'sync' ? 'would be ' : '';
    console.log(
      `${mark[c.kind]} ${c.namespace}/${c.group} (${prefix}${verb[c.kind]}${c.kind === 'remove' ? ', only in Loki' : ''})`,
    );
    for (const d of c.details) console.log(`    ${d}`);
  }
  if (!changes.length)
    console.log(
      `in sync: ${plans.reduce((n, p) => n + p.groups.length, 0)} group(s) in ${plans.map((p) => p.namespace).join(', ')}`,
    );
  if (mode === 'diff') return changes.length ? exitCodes.findings : exitCodes.ok;
  if (values['dry-run']) return exitCodes.ok;
  for (const c of changes) {
    const namespacePath = `/loki/api/v1/rules/${encodeURIComponent(c.namespace)}`;
    if (c.kind === 'remove') {
      const route = `${namespacePath}/${encodeURIComponent(c.group)}`;
      const response = await client.request('DELETE', route);
      if (response.status >= 300) throw httpError('DELETE', client.displayUrl + route, response);
    } else {
      const response = await client.request('POST', namespacePath, c.body);
      if (response.status >= 300) throw httpError('POST', client.displayUrl + namespacePath, response);
    }
  }
  if (changes.length)
    console.log(`synced: ${changes.length} group change(s) applied to ${client.displayUrl}`);
  return exitCodes.ok;
}
