import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parser } from '@grafana/lezer-logql';
import { discoverPacks, lintRuleFiles, type Pack } from '@logward/cli';
import { parseQuery, rangeQuery } from '@logward/logql';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  boards,
  buildDashboards,
  contentRevision,
  datasourceVariableName,
  panelQueries,
  sourceSelectors,
  stringifyDashboard,
  substituteVariables,
  type PanelQuery,
} from '../src/index.ts';
import { loadCorpus, packsDir, repoRoot, type Corpus } from './fixture-corpus.ts';

const generated = buildDashboards();
const queries: PanelQuery[] = generated.flatMap((d) => panelQueries(d.json as never));

/** Each variable's All value: what Grafana sends when nothing narrower is selected. */
function allValues(uid: string): Record<string, string> {
  const board = boards.find((b) => b.uid === uid)!;
  return Object.fromEntries(board.variables.map((v) => [v.name, v.allValue]));
}
const concrete = (q: PanelQuery) => substituteVariables(q.expr, allValues(q.dashboardUid));
const label = (q: PanelQuery) => `${q.dashboardUid} / ${q.where} / ${q.refId}`;

describe('generated dashboards', () => {
  it('match the committed dashboards/*.json (run `pnpm --filter @logward/dashboards gen` after a change)', async () => {
    for (const d of generated) {
      const committed = await readFile(path.join(repoRoot, 'dashboards', d.file), 'utf8').catch(() => '');
      expect(committed, `dashboards/${d.file} is stale`).toBe(stringifyDashboard(d.json));
    }
  });

  it('have stable, unique uids and a revision derived from their content', () => {
    expect(generated.map((d) => d.uid)).toEqual([
      'logward-overview',
      'logward-k3s',
      'logward-kata',
      'logward-kcp',
      'logward-app',
    ]);
    for (const d of generated) {
      const { revision, ...rest } = d.json as { revision: number };
      expect(revision).toBe(contentRevision(rest));
      expect(Number.isInteger(revision) && revision > 0 && revision < 2 ** 31).toBe(true);
      // A content change moves the revision.
      expect(contentRevision({ ...rest, title: `${d.title} (changed)` })).not.toBe(revision);
    }
  });

  it('read every panel, target and annotation through the Loki data source variable', () => {
    for (const d of generated) {
      const json = d.json as unknown as {
        templating: { list: { type: string; name: string; query: unknown }[] };
        panels: {
          id: number;
          type: string;
          datasource?: { uid: string };
          targets?: { datasource: { uid: string } }[];
        }[];
        annotations: { list: { datasource: { uid: string } }[] };
      };
      expect(json.templating.list[0]).toMatchObject({
        type: 'datasource',
        name: datasourceVariableName,
        query: 'loki',
      });
      const ids = json.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of json.panels.filter((p) => p.type !== 'row')) {
        expect(p.datasource?.uid, `${d.uid} panel ${p.id}`).toBe(`\${${datasourceVariableName}}`);
        for (const t of p.targets ?? []) expect(t.datasource.uid).toBe(`\${${datasourceVariableName}}`);
      }
      expect(json.annotations.list.length).toBeGreaterThan(0);
      for (const a of json.annotations.list) expect(a.datasource.uid).toBe(`\${${datasourceVariableName}}`);
    }
  });

  it('give each dashboard the filter variables its users need', () => {
    const names = (uid: string) => boards.find((b) => b.uid === uid)!.variables.map((v) => v.name);
    expect(names('logward-overview')).toEqual(['cluster', 'node', 'service']);
    expect(names('logward-k3s')).toEqual(['cluster', 'namespace', 'node']);
    expect(names('logward-kata')).toEqual(['cluster', 'node']);
    expect(names('logward-kcp')).toEqual(['cluster', 'namespace', 'service']);
    expect(names('logward-app')).toEqual(['cluster', 'namespace', 'service']);
  });

  it('link every log panel to Explore with its query, data source and time range', () => {
    const logPanels = generated.flatMap((d) =>
      (
        d.json as unknown as {
          panels: {
            type: string;
            targets: { expr: string }[];
            fieldConfig: { defaults: { links?: { url: string }[] } };
          }[];
        }
      ).panels.filter((p) => p.type === 'logs'),
    );
    expect(logPanels.length).toBeGreaterThanOrEqual(5);
    for (const p of logPanels) {
      const url = p.fieldConfig.defaults.links?.[0]?.url ?? '';
      expect(url).toMatch(/^\/explore\?schemaVersion=1&orgId=\$\{__org\}&panes=/);
      // Decoding with the variables filled in gives back the panel's own query.
      const filled = url.replace(/\$\{([a-z_]+)(?::percentencode)?\}/g, (_m, name: string) =>
        name === datasourceVariableName
          ? 'DS'
          : name === '__from'
            ? '1'
            : name === '__to'
              ? '2'
              : name === '__org'
                ? '1'
                : `VAR_${name}`,
      );
      const panes = JSON.parse(
        decodeURIComponent(new URL(filled, 'http://grafana').searchParams.get('panes')!),
      ) as {
        a: { datasource: string; queries: { expr: string }[]; range: { from: string; to: string } };
      };
      expect(panes.a.datasource).toBe('DS');
      expect(panes.a.range).toEqual({ from: '1', to: '2' });
      expect(panes.a.queries[0]!.expr).toBe(p.targets[0]!.expr.replace(/\$([a-z_]+)/g, 'VAR_$1'));
    }
  });
});

describe('substituteVariables', () => {
  it('replaces interval variables, $var, ${var} and ${var:format}, and refuses unknown variables', () => {
    expect(
      substituteVariables('sum(count_over_time({job="kata"} | host=~"$node" [$__auto]))', { node: '.*' }),
    ).toBe('sum(count_over_time({job="kata"} | host=~".*" [5m]))');
    expect(substituteVariables('{a=~"${x}", b=~"${x:regex}"} [$__range]', { x: 'v' })).toBe(
      '{a=~"v", b=~"v"} [5m]',
    );
    expect(() => substituteVariables('{a=~"$nope"}', {})).toThrow('unknown variable $nope');
  });
});

describe('panel queries', () => {
  it('are many and each names its source by the pack manifest selector', async () => {
    expect(queries.length).toBeGreaterThan(60);
    const packs = await discoverPacks(packsDir);
    for (const [key, selector] of Object.entries(sourceSelectors)) {
      const [pack, source] = key.split('/');
      const manifest = packs.find((p) => p.name === pack)?.manifest.sources.find((s) => s.id === source);
      expect(manifest?.selector, key).toBe(selector);
    }
  });

  it('parse with @grafana/lezer-logql after variable substitution', () => {
    for (const q of queries) {
      const expr = concrete(q);
      const errors: number[] = [];
      parser.parse(expr).iterate({
        enter: (node) => {
          if (node.type.isError) errors.push(node.from);
        },
      });
      expect(errors, `${label(q)}: syntax errors at ${errors.join(', ')} in ${expr}`).toEqual([]);
    }
  });

  it('pass the rule lint hygiene (`logward rules lint` checks) as recording rules', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logward-dashboards-lint-'));
    try {
      const file = path.join(dir, 'dashboards.rules.yaml');
      // A log query cannot be a rule: the lint sees it the way the panel counts it.
      const exprOf = (q: PanelQuery) => {
        const expr = concrete(q);
        return parseQuery(expr).kind === 'logSelector' ? `count_over_time(${expr} [5m])` : expr;
      };
      const groups = generated.map((d) => ({
        name: d.uid,
        rules: queries
          .filter((q) => q.dashboardUid === d.uid)
          .map((q, i) => ({ record: `logward_dashboard:${d.uid.replace(/-/g, '_')}:${i}`, expr: exprOf(q) })),
      }));
      await writeFile(file, stringify({ groups }));
      // Every pack's sources count as declared: the dashboards read all of them.
      const packs = await discoverPacks(packsDir);
      const allSources: Pack = {
        ...packs[0]!,
        name: 'dashboards',
        manifest: {
          ...packs[0]!.manifest,
          name: 'dashboards',
          sources: packs.flatMap((p) => p.manifest.sources),
        },
      };
      const findings = await lintRuleFiles([file], { packFor: async () => allSources });
      const lines = (await readFile(file, 'utf8')).split('\n');
      expect(findings.map((f) => `${f.code}: ${f.message}\n  ${lines[f.line - 1]?.trim()}`)).toEqual([]);

      // The same check does flag a query that breaks the hygiene rules (no equality matcher, not a pack
      // source selector, parser before any filter).
      await writeFile(
        file,
        stringify({
          groups: [
            {
              name: 'bad',
              rules: [{ record: 'bad:q', expr: 'sum(count_over_time({host=~".+"} | json [5m]))' }],
            },
          ],
        }),
      );
      const bad = await lintRuleFiles([file], { packFor: async () => allSources });
      expect(bad.map((f) => f.code).sort()).toEqual([
        'line-filter-first',
        'selector-equality',
        'selector-not-a-source',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('panel queries over the packs fixture logs', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await loadCorpus();
  });

  it('load the fixtures of every pack', () => {
    const packsWithFixtures = new Set(corpus.files.map((f) => path.relative(packsDir, f).split(path.sep)[0]));
    for (const pack of ['app', 'k3s', 'kata', 'kcp']) expect(packsWithFixtures).toContain(pack);
    expect(corpus.tests).toBeGreaterThan(50);
  });

  it('would catch a panel that is empty on the fixtures', () => {
    const typo = '{service_name=~".+"} | otel_event_name="authn_login_fial"';
    const result = rangeQuery(`sum(count_over_time(${typo} [5m]))`, corpus.streams, {
      start: corpus.start,
      end: corpus.end,
      step: '5m',
    });
    expect(result.result).toEqual([]);
  });

  it('return data for every panel and annotation', () => {
    const empty: string[] = [];
    for (const q of queries) {
      const result = rangeQuery(concrete(q), corpus.streams, {
        start: corpus.start,
        end: corpus.end,
        step: '5m',
        limit: 10,
      });
      const rows =
        result.resultType === 'streams' || result.resultType === 'matrix'
          ? result.result.length
          : result.resultType === 'vector'
            ? result.result.length
            : 1;
      if (rows === 0) empty.push(`${label(q)}: ${concrete(q)}`);
    }
    expect(empty).toEqual([]);
  });
});
