import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import { ApiProvider } from '../src/api.js';
import { ProductHealthCard } from '../src/pages/account/ProductHealth.js';
import type { Tier } from '@pulse/api/vocabulary';
import type { RouterOutputs } from '../src/trpc.js';
import { fakeApi, signedIn } from './fake-api.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000001';
const tiers = { healthy: 80, atRisk: 60 };

const product = (productId: string, name: string, overall: number, tier: Tier): RouterOutputs['health']['products']['products'][number] => ({
  productId,
  product: name,
  accountId: ACCOUNT,
  period: '2026-01',
  overall,
  tier,
  coverage: 1,
  scoredCount: 2,
  readingCount: 2,
  computedAt: '2026-02-01T00:00:00.000Z',
  segmentId: null,
  categories: [
    { category: 'Product Usage', score: 34, weight: 30, scoredCount: 1, readingCount: 1, counted: true },
    { category: 'Support', score: 67, weight: 20, scoredCount: 1, readingCount: 1, counted: true },
  ],
});

function serve(products: ReturnType<typeof product>[]) {
  const inputs: unknown[] = [];
  fakeApi({
    status: () => signedIn(),
    handlers: {
      health: {
        products: (input) => {
          inputs.push(input);
          return { period: '2026-01', products };
        },
      },
    },
  });
  return inputs;
}

describe('ProductHealthCard', () => {
  it("shows each product's overall and category scores for the period", async () => {
    const inputs = serve([product('p1', 'Mobile', 47.2, 'critical'), product('p2', 'Web', 100, 'healthy')]);
    render(
      <ApiProvider>
        <ProductHealthCard accountId={ACCOUNT} period="2026-01" tiers={tiers} />
      </ApiProvider>,
    );
    const card = await screen.findByRole('heading', { name: 'Health by product' });
    const section = card.closest('section') ?? document.body;
    expect(within(section).getByRole('heading', { name: 'Mobile' })).toBeTruthy();
    expect(within(section).getByRole('heading', { name: 'Web' })).toBeTruthy();
    expect(within(section).getAllByRole('list', { name: 'Category scores' })).toHaveLength(2);
    expect(section.textContent).toContain('47.2');
    expect(inputs).toEqual([{ accountId: ACCOUNT, period: '2026-01' }]);
  });

  it('shows nothing for a period without product readings', async () => {
    const inputs = serve([]);
    const { container } = render(
      <ApiProvider>
        <ProductHealthCard accountId={ACCOUNT} period="2026-01" tiers={tiers} />
      </ApiProvider>,
    );
    await waitFor(() => expect(inputs).toHaveLength(1));
    expect(container.textContent).toBe('');
  });
});
