import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { TRPCError } from '@trpc/server';
import { App } from '../src/App.js';
import { ScoreExplanation, type Explanation } from '../src/pages/account/AccountHealth.js';
import { describeRule, draftOf, parseDraft } from '../src/pages/SegmentsPage.js';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '@pulse/api';
import { badRequest, fakeApi, signedIn, type Handler } from './fake-api.js';

type Inputs = inferRouterInputs<AppRouter>;

const settings = {
  categoryWeights: { 'Product Usage': 30, Support: 20, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 },
  tiers: { healthy: 70, atRisk: 40 },
};

const segment = (id: string, name: string, position: number, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  position,
  rule: {},
  categoryWeights: null,
  tiers: null,
  accountCount: 0,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...extra,
});

const enterprise = segment('s1', 'Enterprise EMEA', 1, {
  rule: { tiers: ['Enterprise'], regions: ['EMEA'] },
  categoryWeights: { ...settings.categoryWeights, Support: 60 },
  accountCount: 14,
});
const smb = segment('s2', 'Small business', 2, { rule: { tiers: ['SMB'] }, tiers: { healthy: 80, atRisk: 50 }, accountCount: 31 });

const draft = (changes: Partial<ReturnType<typeof draftOf>> = {}) => ({ ...draftOf(null, Object.keys(settings.categoryWeights)), name: 'Big', ...changes });

describe('describeRule', () => {
  it('names every given field, any value of a field, and the revenue band', () => {
    expect(describeRule({})).toBe('Every account');
    expect(describeRule({ tiers: ['Enterprise', 'Mid-Market'], regions: ['EMEA'], revenue: { min: 1_000_000, max: 5_000_000 } })).toBe(
      'Tier Enterprise or Mid-Market, region EMEA, revenue $1,000,000 to under $5,000,000',
    );
    expect(describeRule({ revenue: { min: 250_000, max: null } })).toBe('Revenue $250,000 or more');
    expect(describeRule({ lifecycleStages: ['Onboarding'], revenue: { min: null, max: 10_000 } })).toBe('Lifecycle stage Onboarding, revenue under $10,000');
  });
});

describe('parseDraft', () => {
  it('leaves weights and thresholds to the organisation when all are empty', () => {
    expect(parseDraft(draft({ name: '  Big  ' }), settings)).toEqual({
      input: { name: 'Big', rule: {}, categoryWeights: null, tiers: null },
      errors: {},
    });
  });

  it('fills the empty weights and thresholds with the organisation’s once one is given', () => {
    const parsed = parseDraft(
      draft({
        values: { tiers: ['Enterprise'], industries: [], regions: [], lifecycleStages: [] },
        revenueMin: '1,000,000',
        weights: { ...draft().weights, Support: '60' },
        healthy: '75',
      }),
      settings,
    );
    expect(parsed.input).toEqual({
      name: 'Big',
      rule: { tiers: ['Enterprise'], revenue: { min: 1_000_000, max: null } },
      categoryWeights: { 'Product Usage': 30, Support: 60, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 },
      tiers: { healthy: 75, atRisk: 40 },
    });
  });

  it('names the fields that are not numbers', () => {
    expect(parseDraft(draft({ revenueMax: 'lots', weights: { ...draft().weights, Support: 'x' } }), settings)).toEqual({
      input: null,
      errors: { 'rule.revenue.max': ['Enter a number.'], 'categoryWeights.Support': ['Enter a number.'] },
    });
  });
});

type SegmentInput = Inputs['segments']['create'] | Inputs['segments']['update'] | Inputs['segments']['delete'];

interface Answers {
  create?: Handler<'segments', 'create'>;
  update?: Handler<'segments', 'update'>;
  recomputeStatus?: Handler<'recompute', 'status'>;
}

function renderSegments(role: 'admin' | 'member', answers: Answers = {}) {
  const calls: { procedure: string; input: SegmentInput }[] = [];
  const record =
    <I extends SegmentInput, O>(procedure: string, answer: (input: I) => O | Promise<O>) =>
    (input: I) => {
      calls.push({ procedure, input });
      return answer(input);
    };
  const recompute = { effect: { accountsRescored: 14, tierChanges: 3 }, queued: false };
  fakeApi({
    status: () => signedIn({ role }),
    handlers: {
      recompute: { status: answers.recomputeStatus ?? (() => ({ current: null, last: null })) },
      ranges: { settings: () => settings },
      segments: {
        list: () => ({ items: [enterprise, smb] }),
        fieldValues: () => ({
          tiers: ['Enterprise', 'Mid-Market', 'SMB'],
          industries: ['Retail'],
          regions: ['EMEA', 'North America'],
          lifecycleStages: [],
        }),
        create: record('create', answers.create ?? ((input) => ({ segment: segment('s3', input.name, 3), recompute }))),
        update: record('update', answers.update ?? (() => ({ segment: enterprise, recompute }))),
        delete: record('delete', () => ({ recompute })),
      },
    },
  });
  window.history.replaceState(null, '', '/segments');
  render(<App />);
  return calls;
}

describe('segments screen', () => {
  it('lists the segments in order with their rule, weights, tiers and account counts', async () => {
    renderSegments('admin');
    const table = await screen.findByRole('table', { name: 'Segments, first match first' });
    const rows = within(table).getAllByRole('row').slice(1, 3);
    expect(
      rows.map((row) =>
        [
          within(row).getByRole('rowheader').textContent,
          ...within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent),
        ].slice(0, 6),
      ),
    ).toEqual([
      [
        'Enterprise EMEA',
        '1',
        'Tier Enterprise, region EMEA',
        'Business Outcomes 15, Customer Sentiment 20, Product Usage 30, Relationship Strength 15, Support 60',
        'Organisation’s',
        '14',
      ],
      ['Small business', '2', 'Tier SMB', 'Organisation’s', 'Healthy from 80, at risk from 50', '31'],
    ]);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Move Enterprise EMEA up' }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Move Small business down' }).disabled).toBe(true);
  });

  it('creates a segment from the ticked values and the given weight, then says how many accounts changed tier', async () => {
    const calls = renderSegments('admin');
    // Enabled once the organisation's weights (the placeholders) are loaded.
    const add = await screen.findByRole<HTMLButtonElement>('button', { name: 'New segment' });
    await waitFor(() => expect(add.disabled).toBe(false));
    fireEvent.click(add);
    const dialog = await screen.findByRole('dialog', { name: 'New segment' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Retail in EMEA' } });
    const region = await within(dialog).findByRole('group', { name: 'Region' });
    fireEvent.click(within(region).getByRole('checkbox', { name: 'EMEA' }));
    fireEvent.click(within(within(dialog).getByRole('group', { name: 'Industry' })).getByRole('checkbox', { name: 'Retail' }));
    expect(within(within(dialog).getByRole('group', { name: 'Lifecycle stage' })).getByText('No account has one yet.')).toBeTruthy();
    const support = within(dialog).getByLabelText('Support');
    expect(support.getAttribute('placeholder')).toBe('20');
    fireEvent.change(support, { target: { value: '60' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save segment' }));

    const status = await screen.findByText(/^Saved\./);
    expect(status.textContent).toBe('Saved. 14 accounts rescored; 3 accounts changed tier.');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls).toEqual([
      {
        procedure: 'create',
        input: {
          name: 'Retail in EMEA',
          rule: { industries: ['Retail'], regions: ['EMEA'] },
          categoryWeights: { 'Product Usage': 30, Support: 60, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 },
          tiers: null,
        },
      },
    ]);
  });

  it('shows the server’s sentences: under the field it names, and a conflict above the form', async () => {
    let answer = 0;
    renderSegments('admin', {
      update: () => {
        answer += 1;
        if (answer === 1) {
          throw badRequest({
            'tiers.atRisk': ['The at-risk threshold (180) must be from 0 to 100.'],
            tiers: ['The healthy threshold (70) must be above the at-risk threshold (180).'],
          });
        }
        throw new TRPCError({ code: 'CONFLICT', message: 'A segment named "Small business" already exists; choose another name.' });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Enterprise EMEA' }));
    const dialog = await screen.findByRole('dialog', { name: 'Segment Enterprise EMEA' });
    expect(within(dialog).getByLabelText<HTMLInputElement>('Support').value).toBe('60');
    expect(within(within(dialog).getByRole('group', { name: 'Tier' })).getByRole<HTMLInputElement>('checkbox', { name: 'Enterprise' }).checked).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('At risk from'), { target: { value: '180' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save segment' }));

    expect((await within(dialog).findByRole('alert')).textContent).toBe('Please correct the highlighted fields.');
    const atRisk = within(dialog).getByLabelText('At risk from');
    expect(atRisk.getAttribute('aria-invalid')).toBe('true');
    expect(atRisk.getAttribute('aria-describedby')).toBe(within(dialog).getByText('The at-risk threshold (180) must be from 0 to 100.').parentElement?.id);
    const thresholds = within(dialog).getByRole('group', { name: 'Tier thresholds' });
    expect(within(thresholds).getByText('The healthy threshold (70) must be above the at-risk threshold (180).')).toBeTruthy();

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Small business' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save segment' }));
    await within(dialog).findByText('A segment named "Small business" already exists; choose another name.');
    expect(within(dialog).getByRole('alert').textContent).toBe('A segment named "Small business" already exists; choose another name.');
  });

  it('moves a segment above the one before it, and deletes one after confirmation', async () => {
    const calls = renderSegments('admin');
    fireEvent.click(await screen.findByRole('button', { name: 'Move Small business up' }));
    await screen.findByText(/^Saved\./);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Enterprise EMEA' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the segment Enterprise EMEA?' });
    expect(within(confirm).getByText(/Its 14 accounts will use the next segment they match/)).toBeTruthy();
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete segment' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls).toEqual([
      { procedure: 'update', input: { id: 's2', position: 1 } },
      { procedure: 'delete', input: { id: 's1' } },
    ]);
  });

  it("on a large organisation, shows the background job's progress after a move, then its effect", async () => {
    const now = new Date().toISOString();
    const run = { id: 'run-1', phase: 'current' as const, currentDoneAt: null, accountsTotal: 50_000, error: null, requestedAt: now, startedAt: now };
    const running = {
      current: { ...run, status: 'running', accountsDone: 12_500, effect: { accountsRescored: 12_000, tierChanges: 40 }, finishedAt: null },
      last: null,
    } as const;
    const finished = {
      current: null,
      last: { ...run, status: 'completed', accountsDone: 50_000, effect: { accountsRescored: 48_000, tierChanges: 150 }, finishedAt: now },
    } as const;
    const answers = [running, finished];
    renderSegments('admin', {
      update: () => ({ segment: smb, recompute: { effect: null, queued: true } }),
      recomputeStatus: () => (answers.length > 1 ? (answers.shift() ?? finished) : finished),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Move Small business up' }));
    // 12,500 of 50,000 accounts done: 25 %.
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Re-scoring' }).getAttribute('aria-valuenow')).toBe('25'));
    const status = await screen.findByText(/^Saved\. 48,000/);
    expect(status.textContent).toBe('Saved. 48,000 accounts rescored; 150 accounts changed tier.');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('is not open to members', async () => {
    renderSegments('member');
    await screen.findByRole('heading', { name: 'Not allowed' });
    expect(screen.queryByRole('link', { name: 'Segments' })).toBeNull();
  });
});

describe('the score explanation', () => {
  const accountId = '00000000-0000-4000-8000-000000000001';
  const explanation = (segmentOfAccount: { id: string; name: string } | null): Explanation => ({
    accountId,
    period: '2026-11',
    weights: { Support: 60 },
    tiers: { healthy: 70, atRisk: 40 },
    segment: segmentOfAccount,
    health: {
      accountId,
      period: '2026-11',
      overall: 72,
      tier: 'healthy',
      coverage: 1,
      scoredCount: 1,
      readingCount: 1,
      computedAt: '2026-12-01T00:00:00.000Z',
      segmentId: segmentOfAccount?.id ?? null,
      categories: [{ category: 'Support', score: 72, weight: 60, scoredCount: 1, readingCount: 1, counted: true }],
    },
    readings: [],
  });

  it('names the segment whose weights were used, else the organisation defaults', () => {
    const { unmount } = render(<ScoreExplanation explanation={explanation({ id: 's1', name: 'Enterprise EMEA' })} />);
    expect(screen.getByText(/Weights:/).textContent).toBe('Nov 2026. Weights: segment Enterprise EMEA.');
    unmount();
    render(<ScoreExplanation explanation={explanation(null)} />);
    expect(screen.getByText(/Weights:/).textContent).toBe('Nov 2026. Weights: organisation defaults.');
  });
});
