import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { ApiProvider } from '../src/api.js';
import type { Explanation } from '../src/pages/account/AccountHealth.js';
import { KpiReadings } from '../src/pages/account/KpiReadings.js';
import { fakeApi, signedIn } from './fake-api.js';

type Reading = Explanation['readings'][number];

const reading = (id: string, kpi: string, raw: string, displayed: string | null, value: number): Reading => ({
  id,
  kpi,
  category: 'Product Usage',
  product: null,
  raw,
  displayed,
  value,
  unit: 'percent',
  status: 'healthy',
  score: 76.17,
  impact: 'High',
  warning: null,
  range: null,
});

const explanation: Explanation = {
  accountId: '00000000-0000-4000-8000-000000000001',
  period: '2026-03',
  weights: { 'Product Usage': 30 },
  tiers: { healthy: 80, atRisk: 60 },
  segment: null,
  health: {
    accountId: '00000000-0000-4000-8000-000000000001',
    period: '2026-03',
    overall: 76.17,
    tier: 'at_risk',
    coverage: 1,
    scoredCount: 2,
    readingCount: 2,
    computedAt: '2026-04-01T00:00:00.000Z',
    segmentId: null,
    categories: [{ category: 'Product Usage', score: 76.17, weight: 30, scoredCount: 2, readingCount: 2, counted: true }],
  },
  readings: [reading('r1', 'Customer Retention Rate', '93.5%', '94%', 93.5), reading('r2', 'Feature Adoption Rate', '66%', null, 66)],
};

describe('KpiReadings', () => {
  it('shows the text the file showed beside the stored value only when they differ', () => {
    fakeApi({ status: () => signedIn() });
    render(
      <ApiProvider>
        <KpiReadings explanation={explanation} />
      </ApiProvider>,
    );
    const rows = within(screen.getByRole('table', { name: 'Product Usage' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['93.5%Shown in the file as 94%', '66%']);
  });
});
