// Rule packs: every rule of every bundled pack with its state in Loki's ruler, which rules are missing
// from the ruler namespace or differ from the bundled definition, and an action that installs or
// updates a pack (one POST per rule group through Grafana's ruler proxy).
import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, LoadingPlaceholder, useStyles2, type BadgeColor } from '@grafana/ui';
import { compareWithRuler, type RuleStatus } from '../../api/analysis';
import { errorMessage, fetchRuleGroups, fetchRulerNamespace, postRuleGroup } from '../../api/grafanaApi';
import { bundledPacks } from '../../generated/packs';
import type { BundledPack } from '../../packs/types';
import { resolveSettings } from '../../settings';
import { usePluginMeta } from '../../utils/utils.plugin';
import { NotConfigured } from '../common/NotConfigured';
import { getTableStyles } from '../common/styles';
import { testIds } from '../testIds';

interface PacksData {
  statuses: Map<string, RuleStatus[]>;
  error?: string;
}

const rulerColors: Record<string, BadgeColor> = { 'in sync': 'green', missing: 'red', differs: 'orange' };
const stateColors: Record<string, BadgeColor> = { firing: 'red', pending: 'orange', inactive: 'green' };

export function RulePacksView({ packs = bundledPacks }: { packs?: BundledPack[] }) {
  const meta = usePluginMeta();
  const settings = resolveSettings(meta?.jsonData);
  const styles = useStyles2(getTableStyles);
  const [data, setData] = useState<PacksData | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [messages, setMessages] = useState<Record<string, { ok: boolean; text: string }>>({});
  const dsUid = settings.lokiDatasourceUid;
  const namespace = settings.rulerNamespace;

  const reload = useCallback(async () => {
    if (!dsUid) {
      return;
    }
    try {
      const [installed, evaluated] = await Promise.all([
        fetchRulerNamespace(dsUid, namespace),
        // Evaluation state is a bonus: the page still works for users without alerting read access.
        fetchRuleGroups(dsUid).catch(() => []),
      ]);
      const statuses = new Map(packs.map((p) => [p.name, compareWithRuler(p, installed, evaluated, namespace)]));
      setData({ statuses });
    } catch (error) {
      setData({ statuses: new Map(), error: errorMessage(error) });
    }
  }, [dsUid, namespace, packs]);

  useEffect(() => {
    reload();
  }, [reload]);

  const install = async (pack: BundledPack) => {
    if (!dsUid) {
      return;
    }
    setBusy(pack.name);
    const done: string[] = [];
    try {
      // Groups one at a time: a failure names the group and leaves the others as they were.
      for (const group of pack.groups) {
        await postRuleGroup(dsUid, namespace, group);
        done.push(group.name);
      }
      setMessages((m) => ({
        ...m,
        [pack.name]: { ok: true, text: `Installed ${done.length} group(s) into namespace ${namespace}` },
      }));
    } catch (error) {
      const failed = pack.groups[done.length]?.name;
      setMessages((m) => ({
        ...m,
        [pack.name]: {
          ok: false,
          text: `Group ${failed} failed (${errorMessage(error)}); ${done.length} group(s) written before it`,
        },
      }));
    } finally {
      setBusy(undefined);
      await reload();
    }
  };

  if (!dsUid) {
    return <NotConfigured />;
  }
  if (!data) {
    return <LoadingPlaceholder text="Loading rule packs" />;
  }
  return (
    <div data-testid={testIds.rulePacks.container}>
      <p className={styles.weak}>
        Ruler namespace <code>{namespace}</code> on the configured Loki data source.
      </p>
      {data.error && (
        <Alert severity="error" title="Could not read the Loki ruler">
          {data.error}
        </Alert>
      )}
      {packs.map((pack) => {
        const statuses = data.statuses.get(pack.name) ?? [];
        const outOfSync = statuses.filter((s) => s.ruler !== 'in sync').length;
        const message = messages[pack.name];
        return (
          <section
            key={pack.name}
            className={styles.section}
            aria-label={`Pack ${pack.name}`}
            data-testid={`pack-${pack.name}`}
          >
            <h3>
              {pack.name} <span className={styles.weak}>v{pack.version}</span>
            </h3>
            <p className={styles.weak}>{pack.description}</p>
            <p>
              {statuses.length - outOfSync} of {statuses.length} rules in sync with the ruler
              {outOfSync > 0 ? `; ${outOfSync} missing or different` : ''}.{' '}
              <Button
                size="sm"
                icon="upload"
                variant={outOfSync > 0 ? 'primary' : 'secondary'}
                disabled={busy !== undefined || Boolean(data.error)}
                onClick={() => install(pack)}
              >
                {outOfSync === statuses.length ? `Install ${pack.name}` : `Update ${pack.name}`}
              </Button>
            </p>
            {message && (
              <Alert
                severity={message.ok ? 'success' : 'error'}
                title={message.ok ? 'Pack written' : 'Pack not fully written'}
              >
                {message.text}
              </Alert>
            )}
            <table className={styles.table}>
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Group</th>
                  <th>Severity</th>
                  <th>State</th>
                  <th>Ruler</th>
                </tr>
              </thead>
              <tbody>
                {statuses.map((s) => (
                  <tr key={`${s.group}/${s.name}`} data-testid={`rule-${s.name}`}>
                    <td>{s.name}</td>
                    <td>{s.group}</td>
                    <td>{s.severity}</td>
                    <td>
                      <Badge color={stateColors[s.state] ?? 'blue'} text={s.state} />
                      {s.health === 'err' && s.lastError ? <div className={styles.weak}>{s.lastError}</div> : null}
                    </td>
                    <td>
                      <Badge
                        color={rulerColors[s.ruler]}
                        text={s.differences.length ? `${s.ruler}: ${s.differences.join(', ')}` : s.ruler}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}
