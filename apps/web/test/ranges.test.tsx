import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../src/App.js';
import type { RouterOutputs } from '../src/trpc.js';
import { badRequest, fakeApi, signedIn, type Handler } from './fake-api.js';

type Range = RouterOutputs['ranges']['list'][number];

const churn: Range = {
  key: 'churn rate',
  kpiName: 'Churn Rate',
  category: 'Business Outcomes',
  unit: '%',
  higherIsBetter: false,
  scaleMin: 0,
  riskThreshold: 15,
  healthyThreshold: 5,
  scaleMax: 100,
  source: 'default',
  default: null,
};

const nps: Range = {
  ...churn,
  key: 'nps',
  kpiName: 'Net Promoter Score (NPS)',
  category: 'Customer Sentiment',
  unit: 'score',
  higherIsBetter: true,
  scaleMin: -100,
  riskThreshold: 0,
  healthyThreshold: 30,
  source: 'tenant',
};

/** ranges.update's answer when nothing is re-scored. */
const saved = { ...churn, queued: false, effect: null };

function renderRanges(
  role: 'admin' | 'member',
  update: Handler<'ranges', 'update'>,
  recomputeStatus: Handler<'recompute', 'status'> = () => ({ current: null, last: null }),
) {
  const calls: unknown[] = [];
  fakeApi({
    status: () => signedIn({ role }),
    handlers: {
      recompute: { status: recomputeStatus },
      ranges: {
        list: () => [churn, nps],
        update: (input) => {
          calls.push(input);
          return update(input);
        },
        reset: () => ({ reset: 1, queued: false, effect: null }),
      },
    },
  });
  window.history.replaceState(null, '', '/ranges');
  render(<App />);
  return calls;
}

describe('reference ranges', () => {
  it('groups KPIs by category and marks defaults and overrides', async () => {
    renderRanges('admin', () => saved);
    const outcomes = await screen.findByRole('region', { name: 'Business Outcomes' });
    const row = within(outcomes).getByRole('row', { name: /Churn Rate/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent)
        .slice(0, 5),
    ).toEqual(['Lower is better', '0', '15', '5', '100']);
    expect(within(row).getByText('Default')).toBeTruthy();
    expect(within(row).getByRole('img').getAttribute('aria-label')).toBe('Healthy 0–5, At risk 5–15, Critical 15–100');
    expect(within(screen.getByRole('region', { name: 'Customer Sentiment' })).getByText('Your range')).toBeTruthy();
  });

  it('shows the server validation messages on the row being edited', async () => {
    const calls = renderRanges('admin', () => {
      throw badRequest({ healthyThreshold: ['When lower is better, the healthy threshold (5) must not be above the risk threshold (2).'] });
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Churn Rate' }));
    const risk = screen.getByLabelText('Risk threshold of Churn Rate');
    fireEvent.change(risk, { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('When lower is better, the healthy threshold (5) must not be above the risk threshold (2).');
    const healthy = screen.getByLabelText('Healthy threshold of Churn Rate');
    expect(healthy.getAttribute('aria-invalid')).toBe('true');
    expect(healthy.getAttribute('aria-describedby')).toBe(alert.id);
    expect(risk.getAttribute('aria-invalid')).toBeNull();
    expect(calls).toEqual([{ kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, riskThreshold: 2, healthyThreshold: 5, scaleMax: 100 }]);
  });

  it('names fields that are not numbers without asking the server', async () => {
    const calls = renderRanges('admin', () => saved);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Churn Rate' }));
    fireEvent.change(screen.getByLabelText('Scale max of Churn Rate'), { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a number as the scale max.');
    expect(screen.getByLabelText('Scale max of Churn Rate').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toEqual([]);
  });

  it('saves a valid change, closes the editor and says how many accounts changed tier, linking to them', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls = renderRanges('admin', async (input) => {
      await held;
      return { ...churn, ...input, source: 'tenant', queued: false, effect: { accountsRescored: 1200, tierChanges: 37 } };
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Churn Rate' }));
    fireEvent.change(screen.getByLabelText('Direction of Churn Rate'), { target: { value: 'lower' } });
    fireEvent.change(screen.getByLabelText('Risk threshold of Churn Rate'), { target: { value: '20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('progressbar', { name: 'Saving and re-scoring' })).toBeTruthy();
    release();
    await waitFor(() => expect(screen.queryByLabelText('Risk threshold of Churn Rate')).toBeNull());
    expect(calls).toEqual([{ kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, riskThreshold: 20, healthyThreshold: 5, scaleMax: 100 }]);
    const status = await screen.findByText(/^Saved\./);
    expect(status.textContent).toBe('Saved. 1,200 accounts rescored; 37 accounts changed tier.');
    expect(within(status).getByRole('link', { name: '37 accounts changed tier' }).getAttribute('href')).toBe('/accounts');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it("on a large organisation, shows the background job's progress, first of the current scores, then of the older months, then its effect", async () => {
    const now = new Date().toISOString();
    const run = { id: 'run-1', accountsTotal: 1000, error: null, requestedAt: now, startedAt: now, finishedAt: null };
    const answers: RouterOutputs['recompute']['status'][] = [
      {
        current: { ...run, status: 'running', phase: 'current', currentDoneAt: null, accountsDone: 400, effect: { accountsRescored: 0, tierChanges: 5 } },
        last: null,
      },
      {
        current: { ...run, status: 'running', phase: 'history', currentDoneAt: now, accountsDone: 250, effect: { accountsRescored: 240, tierChanges: 12 } },
        last: null,
      },
      {
        current: null,
        last: {
          ...run,
          status: 'completed',
          phase: 'history',
          currentDoneAt: now,
          accountsDone: 1000,
          effect: { accountsRescored: 1000, tierChanges: 12 },
          finishedAt: now,
        },
      },
    ];
    renderRanges(
      'admin',
      (input) => ({ ...churn, ...input, source: 'tenant', effect: null, queued: true }),
      () => (answers.length > 1 ? answers.shift() : answers[0]) ?? { current: null, last: null },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Churn Rate' }));
    fireEvent.change(screen.getByLabelText('Risk threshold of Churn Rate'), { target: { value: '20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // 400 of 1,000 accounts' current health done: 40 %.
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Re-scoring' }).getAttribute('aria-valuenow')).toBe('40'));
    expect(screen.getByRole('progressbar', { name: 'Re-scoring' }).getAttribute('aria-valuetext')).toBe('400 of 1,000 accounts');
    // Then the older months: 250 of 1,000 accounts, 25 %, with the tier changes already known.
    const older = await screen.findByRole('progressbar', { name: 'Re-scoring older months' }, { timeout: 5000 });
    expect(older.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText(/^Saved\. Current scores/).textContent).toBe(
      'Saved. Current scores and tiers are up to date (12 accounts changed tier); re-scoring the older months (250 of 1,000 accounts), whose trends show the previous scores until it is done.',
    );
    const status = await screen.findByText(/^Saved\. 1,000/, undefined, { timeout: 5000 });
    expect(status.textContent).toBe('Saved. 1,000 accounts rescored; 12 accounts changed tier.');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('is read-only for members', async () => {
    renderRanges('member', () => saved);
    await screen.findByRole('region', { name: 'Business Outcomes' });
    expect(screen.queryByRole('button', { name: /^Edit/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reset all to defaults' })).toBeNull();
    expect(screen.getByText(/Only admins can change them/)).toBeTruthy();
  });
});
