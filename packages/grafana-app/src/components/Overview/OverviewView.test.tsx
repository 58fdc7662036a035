import React from 'react';
import { screen, within } from '@testing-library/react';
import { OverviewView } from './OverviewView';
import { testIds } from '../testIds';
import { bundledPacks } from '../../generated/packs';
import { installFakeBackend, type RecordedRequest } from '../../test-support/fakeGrafana';
import { renderWithSettings } from '../../test-support/renderWithSettings';

const now = new Date('2026-03-01T12:00:00Z');
const ns = (d: Date) => (BigInt(d.getTime()) * BigInt(1_000_000)).toString();
const minutesBefore = (m: number) => new Date(now.getTime() - m * 60_000);

const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

const alerts = [
  {
    state: 'firing',
    activeAt: '2026-03-01T11:50:00Z',
    labels: {
      alertname: 'K3sExecReverseShell',
      pack: 'k3s',
      severity: 'critical',
      user: 'alice',
      source_ip: '10.0.4.23',
    },
    annotations: { summary: `alice opened a reverse shell ${hostile}` },
  },
  {
    state: 'firing',
    labels: {
      alertname: 'AppBruteForcePerUser',
      pack: 'app',
      severity: 'warning',
      user_id: 'bob',
      service_name: 'auth',
    },
    annotations: { summary: '12 failed logins for user bob' },
  },
  {
    state: 'firing',
    labels: {
      alertname: 'AppBruteForcePerSource',
      pack: 'app',
      severity: 'warning',
      client_address: '203.0.113.9',
      user_id: 'bob',
    },
    annotations: { summary: '25 failed logins from 203.0.113.9' },
  },
  {
    state: 'pending',
    labels: { alertname: 'KcpSessionLimitReached', pack: 'kcp', severity: 'critical', service_name: 'game-gateway' },
    annotations: { summary: 'game-gateway refused sessions' },
  },
];

/** Newest line per source query: the k3s audit log stopped 40 minutes ago, kata never wrote. */
function lastLineFor(query: string): Date | undefined {
  if (query.startsWith('{job="k3s-audit"}')) {
    return minutesBefore(40);
  }
  if (query.startsWith('{job="kata"}')) {
    return undefined;
  }
  return minutesBefore(2);
}

describe('OverviewView', () => {
  let requests: RecordedRequest[];

  beforeEach(() => {
    requests = installFakeBackend([
      [
        /^GET \/api\/prometheus\/loki-prod\/api\/v1\/alerts$/,
        () => ({ status: 200, data: { status: 'success', data: { alerts } } }),
      ],
      [
        /^GET \/api\/datasources\/proxy\/uid\/loki-prod\/loki\/api\/v1\/query_range$/,
        (r) => {
          const last = lastLineFor(r.params!.query);
          const result = last ? [{ stream: { job: 'x' }, values: [[ns(last), `a line ${hostile}`]] }] : [];
          return { status: 200, data: { status: 'success', data: { resultType: 'streams', result } } };
        },
      ],
    ]);
  });

  it('asks for a data source when none is configured', () => {
    renderWithSettings(<OverviewView now={() => now} />, {});
    expect(screen.getByText('Choose the Loki data source')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('counts firing and pending alerts per pack and severity from the ruler through the data source proxy', async () => {
    renderWithSettings(<OverviewView now={() => now} />, { lokiDatasourceUid: 'loki-prod' });
    await screen.findByTestId(testIds.overview.container);
    const row = (pack: string) =>
      within(screen.getByTestId(`alert-counts-${pack}`))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    // Pack, firing critical, firing warning, firing info, pending.
    expect(row('k3s')).toEqual(['k3s', '1', '0', '0', '0']);
    expect(row('app')).toEqual(['app', '0', '2', '0', '0']);
    expect(row('kcp')).toEqual(['kcp', '0', '0', '0', '1']);

    const users = within(screen.getByTestId(testIds.overview.topUsers))
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(users).toEqual(['bob2', 'alice1']);
    const addresses = within(screen.getByTestId(testIds.overview.topAddresses))
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(addresses).toEqual(['10.0.4.231', '203.0.113.91']);
  });

  it('shows each pack source with the time of its newest line, and silent sources in red', async () => {
    renderWithSettings(<OverviewView now={() => now} />, { lokiDatasourceUid: 'loki-prod', silentAfterMinutes: 15 });
    await screen.findByTestId(testIds.overview.container);
    const healthRows = within(screen.getByTestId(testIds.overview.health)).getAllByRole('row').slice(1);
    const expectedSources = bundledPacks.flatMap((p) => p.sources.map((s) => `${p.name}/${s.id}`));
    expect(healthRows).toHaveLength(expectedSources.length);

    const audit = screen.getByTestId('source-health-k3s-audit');
    expect(audit).toHaveTextContent('2026-03-01T11:20:00.000Z (40 min ago)');
    expect(within(audit).getByText('silent')).toBeInTheDocument();
    expect(within(screen.getByTestId('source-health-kata-journal')).getByText('silent')).toBeInTheDocument();
    expect(screen.getByTestId('source-health-kata-journal')).toHaveTextContent('none in 24 h');
    expect(within(screen.getByTestId('source-health-k3s-journal')).getByText('receiving')).toBeInTheDocument();
    expect(screen.getByText('2 log source(s) silent or unreadable')).toBeInTheDocument();

    // One backward log query with limit 1 per source, over the last 24 h, with the source's own query.
    const healthRequests = requests.filter((r) => r.url.endsWith('/query_range'));
    expect(healthRequests.map((r) => r.params!.query).sort()).toEqual(
      bundledPacks.flatMap((p) => p.sources.map((s) => s.healthQuery)).sort()
    );
    for (const r of healthRequests) {
      expect(r.params).toMatchObject({
        limit: '1',
        direction: 'backward',
        end: ns(now),
        start: ns(new Date(now.getTime() - 24 * 3_600_000)),
      });
    }
    const kcp = healthRequests.find((r) => r.params!.query.includes('kcp_conn_open'));
    expect(kcp?.params!.query).toMatch(/^\{service_name=~"\.\+"\} \| otel_event_name=~"kcp_conn_open\|/);
  });

  it('renders hostile alert annotations as text, creating no element from them', async () => {
    (window as unknown as { __pwned?: number }).__pwned = undefined;
    const { container } = renderWithSettings(<OverviewView now={() => now} />, { lokiDatasourceUid: 'loki-prod' });
    await screen.findByTestId(testIds.overview.container);
    expect(container.querySelector('img, script')).toBeNull();
    expect(
      within(screen.getByTestId(testIds.overview.firing)).getByText(`alice opened a reverse shell ${hostile}`)
    ).toBeInTheDocument();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('marks a source unreadable, not quiet, when its query fails', async () => {
    installFakeBackend([
      [/alerts$/, () => ({ status: 200, data: { data: { alerts: [] } } })],
      [/query_range$/, () => ({ status: 502, data: { message: 'bad gateway' } })],
    ]);
    renderWithSettings(<OverviewView now={() => now} />, { lokiDatasourceUid: 'loki-prod' });
    await screen.findByTestId(testIds.overview.container);
    expect(
      within(screen.getByTestId('source-health-k3s-audit')).getByText('error: HTTP 502: bad gateway')
    ).toBeInTheDocument();
    expect(screen.getByText('No firing or pending alerts')).toBeInTheDocument();
  });
});
