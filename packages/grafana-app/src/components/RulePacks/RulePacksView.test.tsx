import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RulePacksView } from './RulePacksView';
import { testIds } from '../testIds';
import { bundledPacks } from '../../generated/packs';
import type { PackRuleGroup } from '../../packs/types';
import { installFakeBackend } from '../../test-support/fakeGrafana';
import { renderWithSettings } from '../../test-support/renderWithSettings';

jest.setTimeout(60_000);

const kcp = bundledPacks.find((p) => p.name === 'kcp')!;
const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v));
const hostile = '<img src=x onerror="window.__pwned=1">';

/**
 * A Loki ruler behind Grafana's proxy, holding namespace → groups. It starts with the kcp pack installed
 * except that one rule's expression was edited by hand, one rule was deleted and one duration is
 * spelled differently (60s for 1m, the same duration).
 */
function fakeRuler(options: { failGroup?: string } = {}) {
  const installed = clone(kcp.groups);
  const [first] = installed;
  const edited = first.rules[0];
  edited.expr = edited.expr.replace(/> 10\s*$/, '> 100');
  const removed = first.rules.splice(1, 1)[0];
  const withFor = installed.flatMap((g) => g.rules).find((r) => r.for === '5m');
  if (withFor) {
    withFor.for = '300s';
  }
  const store: Record<string, PackRuleGroup[]> = { logward: installed };
  const requests = installFakeBackend([
    [
      /^GET \/api\/ruler\/loki-prod\/api\/v1\/rules\/([^/]+)$/,
      (r) => {
        const ns = decodeURIComponent(r.url.split('/').pop()!);
        return store[ns]
          ? { status: 200, data: { [ns]: store[ns] } }
          : { status: 404, data: { message: 'no rule groups found' } };
      },
    ],
    [
      /^POST \/api\/ruler\/loki-prod\/api\/v1\/rules\/([^/]+)$/,
      (r) => {
        const ns = decodeURIComponent(r.url.split('/').pop()!);
        const group = r.data as PackRuleGroup;
        if (group.name === options.failGroup) {
          return { status: 400, data: { message: 'invalid rule group' } };
        }
        store[ns] = [...(store[ns] ?? []).filter((g) => g.name !== group.name), clone(group)];
        return { status: 202, data: { message: 'success' } };
      },
    ],
    [
      /^GET \/api\/prometheus\/loki-prod\/api\/v1\/rules$/,
      () => ({
        status: 200,
        data: {
          status: 'success',
          data: {
            groups: (store.logward ?? []).map((g) => ({
              name: g.name,
              file: 'logward',
              rules: g.rules.map((rule, i) => ({
                name: rule.alert,
                state: i === 0 ? 'firing' : 'inactive',
                health: i === 0 ? 'err' : 'ok',
                lastError: i === 0 ? `template: ${hostile}` : '',
              })),
            })),
          },
        },
      }),
    ],
  ]);
  return { requests, store, edited: edited.alert!, removed: removed.alert! };
}

const rulerBadge = (rule: string) => within(screen.getByTestId(`rule-${rule}`)).getAllByRole('cell')[4].textContent;
const stateCell = (rule: string) => within(screen.getByTestId(`rule-${rule}`)).getAllByRole('cell')[3].textContent;

describe('RulePacksView', () => {
  let user: ReturnType<typeof userEvent.setup>;
  let ruler: ReturnType<typeof fakeRuler>;
  beforeEach(() => {
    user = userEvent.setup();
  });

  it('lists every rule of every bundled pack with its ruler state, missing and different rules', async () => {
    ruler = fakeRuler();
    const { container } = renderWithSettings(<RulePacksView />, { lokiDatasourceUid: 'loki-prod' });
    await screen.findByTestId(testIds.rulePacks.container);
    for (const pack of bundledPacks) {
      const section = screen.getByTestId(`pack-${pack.name}`);
      const rules = pack.groups.flatMap((g) => g.rules);
      expect(within(section).getAllByRole('row')).toHaveLength(rules.length + 1);
    }
    expect(rulerBadge(ruler.edited)).toBe('differs: expr');
    expect(rulerBadge(ruler.removed)).toBe('missing');
    // 300s and 5m are the same duration: not a difference.
    const kcpRules = kcp.groups.flatMap((g) => g.rules).map((r) => r.alert!);
    const inSync = kcpRules.filter((r) => r !== ruler.edited && r !== ruler.removed);
    for (const rule of inSync) {
      expect(rulerBadge(rule)).toBe('in sync');
    }
    expect(stateCell(ruler.edited)).toContain('firing');
    expect(stateCell(ruler.removed)).toBe('not loaded');
    // Packs not in the namespace at all offer an install, the partly installed one an update.
    expect(within(screen.getByTestId('pack-k3s')).getByRole('button', { name: /Install k3s/ })).toBeInTheDocument();
    expect(within(screen.getByTestId('pack-kcp')).getByRole('button', { name: /Update kcp/ })).toBeInTheDocument();
    // The ruler's error text is shown as text.
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getAllByText(`template: ${hostile}`).length).toBe(kcp.groups.length);
  });

  it('installs a pack with one POST per group through the ruler proxy and shows it in sync', async () => {
    ruler = fakeRuler();
    renderWithSettings(<RulePacksView />, { lokiDatasourceUid: 'loki-prod', rulerNamespace: 'logward' });
    await screen.findByTestId(testIds.rulePacks.container);
    await user.click(within(screen.getByTestId('pack-kcp')).getByRole('button', { name: /Update kcp/ }));
    expect(
      await screen.findByText(`Installed ${kcp.groups.length} group(s) into namespace logward`)
    ).toBeInTheDocument();

    const posts = ruler.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url)).toEqual(kcp.groups.map(() => '/api/ruler/loki-prod/api/v1/rules/logward'));
    expect(posts.map((r) => r.data)).toEqual(kcp.groups);
    await waitFor(() => expect(rulerBadge(ruler.edited)).toBe('in sync'));
    expect(rulerBadge(ruler.removed)).toBe('in sync');
  });

  it('installs into an empty namespace the ruler does not know yet', async () => {
    ruler = fakeRuler();
    renderWithSettings(<RulePacksView />, { lokiDatasourceUid: 'loki-prod', rulerNamespace: 'fresh' });
    await screen.findByTestId(testIds.rulePacks.container);
    const kata = bundledPacks.find((p) => p.name === 'kata')!;
    expect(rulerBadge(kata.groups[0].rules[0].alert!)).toBe('missing');
    await user.click(within(screen.getByTestId('pack-kata')).getByRole('button', { name: /Install kata/ }));
    await screen.findByText(`Installed ${kata.groups.length} group(s) into namespace fresh`);
    expect(ruler.store.fresh.map((g) => g.name)).toEqual(kata.groups.map((g) => g.name));
    await waitFor(() => expect(rulerBadge(kata.groups[0].rules[0].alert!)).toBe('in sync'));
  });

  it('names the group Loki refused and keeps the groups written before it', async () => {
    const k3s = bundledPacks.find((p) => p.name === 'k3s')!;
    expect(k3s.groups.length).toBeGreaterThan(1);
    ruler = fakeRuler({ failGroup: k3s.groups[1].name });
    renderWithSettings(<RulePacksView />, { lokiDatasourceUid: 'loki-prod' });
    await screen.findByTestId(testIds.rulePacks.container);
    await user.click(within(screen.getByTestId('pack-k3s')).getByRole('button', { name: /Install k3s/ }));
    expect(
      await screen.findByText(
        `Group ${k3s.groups[1].name} failed (HTTP 400: invalid rule group); 1 group(s) written before it`
      )
    ).toBeInTheDocument();
    expect(ruler.store.logward.map((g) => g.name)).toContain(k3s.groups[0].name);
  });
});
