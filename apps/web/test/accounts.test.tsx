import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../src/App.js';
import type { RouterOutputs } from '../src/trpc.js';
import { fakeApi, signedIn } from './fake-api.js';
import { stubIntersectionObserver } from './observer.js';

const account = (i: number, overall: number): RouterOutputs['accounts']['list']['items'][number] => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  name: `Account ${i}`,
  externalId: null,
  industry: 'Retail',
  region: null,
  status: 'active',
  tier: null,
  revenue: null,
  csmOwner: null,
  owner: null,
  renewalDate: null,
  lifecycleStage: null,
  champions: null,
  archivedAt: null,
  health: { overall, tier: overall >= 80 ? 'healthy' : overall >= 60 ? 'at_risk' : 'critical', period: '2026-03' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
});

const accounts = [account(1, 91), account(2, 65), account(3, 40)];

const trend = (overall: number): RouterOutputs['health']['trends'][number]['points'] =>
  ['2026-02', '2026-03'].map((period) => ({
    accountId: 'x',
    period,
    overall,
    tier: 'healthy',
    coverage: 1,
    scoredCount: 2,
    readingCount: 2,
    computedAt: '2026-03-01T00:00:00.000Z',
    segmentId: null,
    categories: [
      { category: 'Support', score: overall, weight: 50, scoredCount: 1, readingCount: 1, counted: true },
      { category: 'Product Usage', score: null, weight: 50, scoredCount: 0, readingCount: 1, counted: false },
    ],
  }));

function renderAccounts(path: string) {
  const listInputs: unknown[] = [];
  const trendCalls: string[][] = [];
  fakeApi({
    status: () => signedIn({ role: 'member' }),
    handlers: {
      accounts: {
        list: (input) => {
          listInputs.push(input);
          return { items: accounts, nextCursor: null };
        },
      },
      health: {
        trends: (input) => {
          trendCalls.push([...input.accountIds.map((id) => id.slice(-1)), `periods ${input.periods}`]);
          return input.accountIds.map((id) => ({ accountId: id, points: trend(accounts.find((a) => a.id === id)?.health.overall ?? 0) }));
        },
      },
      ranges: { settings: () => ({ categoryWeights: { Support: 50, 'Product Usage': 50 }, tiers: { healthy: 80, atRisk: 60 } }) },
    },
  });
  window.history.replaceState(null, '', path);
  render(<App />);
  return { listInputs, trendCalls };
}

describe('accounts list', () => {
  it('sends its filters and sort order as the list input, paging forward from the first page', async () => {
    stubIntersectionObserver();
    const { listInputs } = renderAccounts('/accounts?tier=critical&sort=health&dir=desc&status=active');
    await screen.findByRole('link', { name: 'Account 1' });
    // A member starts on their own accounts.
    expect(listInputs[0]).toEqual({
      limit: 50,
      owner: 'me',
      search: null,
      healthTier: 'critical',
      status: 'active',
      sort: 'health',
      order: 'desc',
      includeArchived: false,
      direction: 'forward',
    });
  });

  it('asks for the trends of the whole page in one call and draws every sparkline', async () => {
    stubIntersectionObserver();
    const { trendCalls } = renderAccounts('/accounts');
    await screen.findByRole('link', { name: 'Account 1' });
    const sparklines = await screen.findAllByRole('img', { name: /^Health over the last 2 periods/ });
    expect(sparklines.map((s) => s.getAttribute('aria-label'))).toEqual([91, 65, 40].map((n) => `Health over the last 2 periods, from ${n} to ${n}`));
    expect(trendCalls).toEqual([['1', '2', '3', 'periods 12']]);
  });

  it('colours the heatmap cells by the organisation’s tiers', async () => {
    stubIntersectionObserver();
    renderAccounts('/accounts?view=heatmap');
    const table = await screen.findByRole('table', { name: /Category scores/ });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Account', 'Overall', 'Support', 'Product Usage']);
    const row = (name: string) => within(table).getByRole('row', { name: new RegExp(name) });
    await waitFor(() => expect(row('Account 1').querySelector('.heat-healthy')?.textContent).toBe('91 Healthy'));
    expect(row('Account 2').querySelector('.heat-at_risk')?.className).toContain('heat-depth-3');
    expect(row('Account 3').querySelector('.heat-critical')?.textContent).toBe('40 Critical');
    expect(row('Account 3').querySelector('.heat-unknown')?.textContent).toBe('— Unknown');

    fireEvent.click(screen.getByRole('button', { name: 'List' }));
    await waitFor(() => expect(window.location.search).toBe(''));
  });
});
