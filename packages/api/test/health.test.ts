import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant, type TestTenant } from './harness.js';
import { README_OVERALL, expectTrpcError, readmeExample, uploadCsv, type Line } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
});

/**
 * 2026-02, every reading on its healthy threshold or better:
 * Customer Retention Rate 100% → 100 (×3); Feature Adoption Rate 81% = h → 67 (×1);
 * First Response Time 2 hours = h → 67 (×2); MTTR 4 hours = h → 67 (×3).
 * Product Usage (300 + 67)/4 = 91.75; Support 67; overall (30·91.75 + 20·67)/50 = 81.85 → healthy.
 */
const february = (account: string): Line[] => [
  [account, '2026-02', 'Product Usage', 'Customer Retention Rate', '100%', 'High'],
  [account, '2026-02', 'Product Usage', 'Feature Adoption Rate', '81%', 'Low'],
  [account, '2026-02', 'Support', 'First Response Time', '2 hours', 'Medium'],
  [account, '2026-02', 'Support', 'Mean Time to Resolution (MTTR)', '4 hours', 'High'],
];

/**
 * 2026-03, every reading on its risk threshold: risk 34 + 32·0 = 34 each
 * (71% with r 71; 51% with r 51; 8 hours with r 8, lower is better; 24 hours with r 24).
 * Product Usage 34, Support 34, overall 34 → critical.
 */
const march = (account: string): Line[] => [
  [account, '2026-03', 'Product Usage', 'Customer Retention Rate', '71%', 'High'],
  [account, '2026-03', 'Product Usage', 'Feature Adoption Rate', '51%', 'Low'],
  [account, '2026-03', 'Support', 'First Response Time', '8 hours', 'Medium'],
  [account, '2026-03', 'Support', 'Mean Time to Resolution (MTTR)', '24 hours', 'High'],
];

async function threeMonths() {
  const { report } = await uploadCsv(acme.asAdmin, [...readmeExample('Acme Corp', '2026-01'), ...february('Acme Corp'), ...march('Acme Corp')]);
  return report.accounts[0]?.id as string;
}

describe('health.account and health.trend', () => {
  it('returns the latest period by default, a given period on request, and null for a period without data', async () => {
    const accountId = await threeMonths();
    const latest = await acme.asMember.health.account({ accountId });
    expect(latest).toMatchObject({ accountId, period: '2026-03', overall: 34, tier: 'critical', coverage: 1, scoredCount: 4, readingCount: 4 });
    const categories = Object.fromEntries(latest?.categories.map((c) => [c.category, [c.score, c.weight, c.counted]]) ?? []);
    // Categories without readings are listed, not counted.
    expect(categories).toEqual({
      'Product Usage': [34, 30, true],
      Support: [34, 20, true],
      'Customer Sentiment': [null, 20, false],
      'Business Outcomes': [null, 15, false],
      'Relationship Strength': [null, 15, false],
    });

    const feb = await acme.asMember.health.account({ accountId, period: '2026-02' });
    expect(feb).toMatchObject({ period: '2026-02', tier: 'healthy', coverage: 1 });
    expect(feb?.overall).toBeCloseTo(81.85, 9);
    expect(feb?.categories.find((c) => c.category === 'Product Usage')?.score).toBeCloseTo(91.75, 9);
    const jan = await acme.asMember.health.account({ accountId, period: '2026-01' });
    expect(jan?.overall).toBeCloseTo(README_OVERALL, 9);
    expect(jan?.categories.find((c) => c.category === 'Support')?.score).toBeCloseTo(60.94, 9);
    expect(await acme.asMember.health.account({ accountId, period: '2025-12' })).toBeNull();

    const empty = await acme.asAdmin.accounts.create({ name: 'No Readings' });
    expect(await acme.asMember.health.account({ accountId: empty.id })).toBeNull();
    expect(empty.health).toEqual({ overall: null, tier: 'unknown', period: null });
    expect((await acme.asMember.accounts.byId({ id: accountId })).health).toEqual({ overall: 34, tier: 'critical', period: '2026-03' });
  });

  it('health.trend lists the stored periods oldest first, the last N on request', async () => {
    const accountId = await threeMonths();
    const trend = await acme.asMember.health.trend({ accountId });
    expect(trend.map((h) => [h.period, h.tier])).toEqual([
      ['2026-01', 'at_risk'],
      ['2026-02', 'healthy'],
      ['2026-03', 'critical'],
    ]);
    expect(trend[0]?.overall).toBeCloseTo(66.976, 9);
    expect(trend[1]?.overall).toBeCloseTo(81.85, 9);
    expect(trend[2]?.overall).toBe(34);
    expect((await acme.asMember.health.trend({ accountId, periods: 2 })).map((h) => h.period)).toEqual(['2026-02', '2026-03']);
    await expectTrpcError(acme.asMember.health.trend({ accountId, periods: 0 }), 'BAD_REQUEST');
  });

  it('kpis.trend gives one KPI across periods, matched by name ignoring case and spaces', async () => {
    const accountId = await threeMonths();
    const trend = await acme.asMember.kpis.trend({ accountId, kpi: '  customer RETENTION rate ' });
    expect(trend).toEqual([
      { period: '2026-01', raw: '94%', value: 94, unit: 'percent', status: 'healthy', score: 78 }, // 67 + 33·3/9
      { period: '2026-02', raw: '100%', value: 100, unit: 'percent', status: 'healthy', score: 100 },
      { period: '2026-03', raw: '71%', value: 71, unit: 'percent', status: 'risk', score: 34 },
    ]);
    expect((await acme.asMember.kpis.trend({ accountId, kpi: 'First Response Time', periods: 2 })).map((p) => [p.raw, p.value, p.unit, p.score])).toEqual([
      ['2 hours', 2, 'hours', 67],
      ['8 hours', 8, 'hours', 34],
    ]);
    expect(await acme.asMember.kpis.trend({ accountId, kpi: 'Not A KPI' })).toEqual([]);
  });
});

describe('health.trends', () => {
  it("gives each asked account's trend, in the order asked, exactly as health.trend does", async () => {
    const accountId = await threeMonths();
    const { report } = await uploadCsv(acme.asAdmin, [...february('Beta'), ...march('Beta')]);
    const beta = report.accounts[0]?.id as string;
    const empty = (await acme.asAdmin.accounts.create({ name: 'No Readings' })).id;

    const trends = await acme.asMember.health.trends({ accountIds: [empty, beta, accountId] });
    expect(trends).toEqual([
      { accountId: empty, points: [] },
      { accountId: beta, points: await acme.asMember.health.trend({ accountId: beta }) },
      { accountId, points: await acme.asMember.health.trend({ accountId }) },
    ]);
    // Three months, oldest first: 66.976 (at_risk), 81.85 (healthy), 34 (critical).
    expect(trends[2]?.points.map((h) => [h.period, h.tier])).toEqual([
      ['2026-01', 'at_risk'],
      ['2026-02', 'healthy'],
      ['2026-03', 'critical'],
    ]);
    const two = await acme.asMember.health.trends({ accountIds: [accountId, beta, accountId], periods: 2 });
    expect(two.map((t) => [t.accountId, t.points.map((h) => h.period)])).toEqual([
      [accountId, ['2026-02', '2026-03']],
      [beta, ['2026-02', '2026-03']],
    ]);
  });

  it("is NOT_FOUND when any id is another tenant's or unknown, BAD_REQUEST for no ids, more than 100 or a bad id", async () => {
    const accountId = await threeMonths();
    const globex = await makeTenant(handle, 'Globex');
    const theirs = (await uploadCsv(globex.asAdmin, february('Theirs'))).report.accounts[0]?.id as string;
    await expectTrpcError(acme.asMember.health.trends({ accountIds: [accountId, theirs] }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(acme.asMember.health.trends({ accountIds: ['00000000-0000-4000-8000-000000000000'] }), 'NOT_FOUND', 'Account not found.');
    await expectTrpcError(acme.asMember.health.trends({ accountIds: [] }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.health.trends({ accountIds: Array.from({ length: 101 }, () => accountId) }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.health.trends({ accountIds: ['nope'] }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.health.trends({ accountIds: [accountId], periods: 0 }), 'BAD_REQUEST');
  });
});

describe('health.explain', () => {
  it('lists every reading with raw text, value, unit, band, score and the range used (default or tenant)', async () => {
    const { report } = await uploadCsv(acme.asAdmin, [
      ...readmeExample('Acme Corp', '2026-01'),
      ['Acme Corp', '2026-01', 'Support', 'Happiness Index', '9', 'Low'],
    ]);
    const accountId = report.accounts[0]?.id as string;
    const explained = await acme.asMember.health.explain({ accountId });
    expect(explained.period).toBe('2026-01');
    expect(explained.health).toEqual(await acme.asMember.health.account({ accountId }));
    expect(explained.health.overall).toBeCloseTo(README_OVERALL, 9);
    expect(explained.health.coverage).toBe(4 / 5);
    expect(explained.weights).toEqual({ 'Product Usage': 30, Support: 20, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 });
    expect(explained.tiers).toEqual({ healthy: 80, atRisk: 60 });
    const r = new Map(explained.readings.map((x) => [x.kpi, x]));
    expect(r.size).toBe(5);
    expect(r.get('Customer Retention Rate')).toMatchObject({
      category: 'Product Usage',
      product: null,
      raw: '94%',
      value: 94,
      unit: 'percent',
      status: 'healthy',
      score: 78,
      impact: 'High',
      warning: null,
      range: { source: 'default', unit: '%', higherIsBetter: true, scaleMin: 0, riskThreshold: 71, healthyThreshold: 91, scaleMax: 100 },
    });
    expect(r.get('First Response Time')).toMatchObject({
      raw: '30 minutes',
      value: 0.5,
      unit: 'hours',
      score: 91.75,
      impact: 'Medium',
      range: { source: 'default', unit: 'hours', higherIsBetter: false, scaleMin: 0, riskThreshold: 8, healthyThreshold: 2, scaleMax: 999 },
    });
    expect(r.get('Mean Time to Resolution (MTTR)')?.score).toBeCloseTo(40.4, 9); // 34 + 32·(24 − 20)/(24 − 4)
    expect(r.get('Happiness Index')).toMatchObject({
      raw: '9',
      status: 'unknown',
      score: null,
      range: null,
      warning: expect.stringMatching(/not in the catalogue/),
    });

    // A tenant range shows as such; the others stay default.
    await acme.asAdmin.ranges.update({ kpi: 'first response time', higherIsBetter: false, scaleMin: 0, healthyThreshold: 1, riskThreshold: 4, scaleMax: 48 });
    const after = await acme.asMember.health.explain({ accountId, period: '2026-01' });
    const sources = Object.fromEntries(after.readings.map((x) => [x.kpi, x.range?.source ?? null]));
    expect(sources).toEqual({
      'Customer Retention Rate': 'default',
      'Feature Adoption Rate': 'default',
      'First Response Time': 'tenant',
      'Mean Time to Resolution (MTTR)': 'default',
      'Happiness Index': null,
    });
    // 0.5 h ≤ h 1: healthy 67 + 33·(1 − 0.5)/(1 − 0) = 83.5
    expect(after.readings.find((x) => x.kpi === 'First Response Time')).toMatchObject({
      score: 83.5,
      range: { source: 'tenant', healthyThreshold: 1, riskThreshold: 4, scaleMax: 48 },
    });
  });

  it('is NOT_FOUND for a period without health', async () => {
    const { report } = await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-01'));
    await expectTrpcError(
      acme.asMember.health.explain({ accountId: report.accounts[0]?.id as string, period: '2026-02' }),
      'NOT_FOUND',
      'Health for this account and period not found.',
    );
  });
});

describe('health.summary', () => {
  it('counts tiers, averages, lists the accounts needing attention and the biggest drops', async () => {
    const lines: Line[] = [
      // Acme Corp: 81.85 → 34 (critical), a drop of 47.85
      ...february('Acme Corp'),
      ...march('Acme Corp'),
      // Beta LLC: 66.976 → 62.8 (at_risk), a drop of 4.176; 89%: risk 34 + 32·(89 − 71)/20 = 62.8
      ...readmeExample('Beta LLC', '2026-02'),
      ['Beta LLC', '2026-03', 'Product Usage', 'Customer Retention Rate', '89%', 'High'],
      // Gamma Inc: 34 → 100 (healthy), a rise
      ['Gamma Inc', '2026-02', 'Product Usage', 'Customer Retention Rate', '71%', 'High'],
      ['Gamma Inc', '2026-03', 'Product Usage', 'Customer Retention Rate', '100%', 'High'],
      // Delta Co: nothing scored → unknown
      ['Delta Co', '2026-03', 'Support', 'Happiness Index', '9', 'High'],
      // Epsilon: 95% → healthy 67 + 33·(95 − 91)/(100 − 91) = 81.666…
      ['Epsilon', '2026-03', 'Product Usage', 'Customer Retention Rate', '95%', 'High'],
    ];
    const { report } = await uploadCsv(acme.asAdmin, lines);
    const id = (name: string) => report.accounts.find((a) => a.name === name)?.id as string;
    const epsilon = 67 + (33 * 4) / 9;

    const summary = await acme.asMember.health.summary();
    expect(summary.accounts).toBe(5);
    expect(summary.byTier).toEqual({ healthy: 2, at_risk: 1, critical: 1, unknown: 1 });
    // Mean of the scored accounts' latest overall: (34 + 62.8 + 100 + 81.666…) / 4 = 69.616…
    expect(summary.averageHealth).toBeCloseTo((34 + 62.8 + 100 + epsilon) / 4, 9);
    expect(summary.averageTrend.map((t) => [t.period, t.accounts])).toEqual([
      ['2026-02', 3],
      ['2026-03', 4],
    ]);
    expect(summary.averageTrend[0]?.average).toBeCloseTo((81.85 + README_OVERALL + 34) / 3, 9); // 60.942
    expect(summary.averageTrend[1]?.average).toBeCloseTo((34 + 62.8 + 100 + epsilon) / 4, 9);
    // Only the three accounts scored in both periods move the average (Epsilon is new, Delta unscored):
    // ((34 − 81.85) + (62.8 − 66.976) + (100 − 34)) / 3 = 13.974 / 3 = 4.658
    expect(summary.averageChange).toEqual({
      period: '2026-03',
      previousPeriod: '2026-02',
      accounts: 3,
      change: expect.closeTo((34 - 81.85 + (62.8 - README_OVERALL) + (100 - 34)) / 3, 9),
    });
    // Worst first.
    expect(summary.needingAttention).toEqual([
      { id: id('Acme Corp'), name: 'Acme Corp', overall: 34, tier: 'critical', period: '2026-03' },
      { id: id('Beta LLC'), name: 'Beta LLC', overall: expect.closeTo(62.8, 9), tier: 'at_risk', period: '2026-03' },
    ]);
    // Biggest drop first; Gamma rose and is not listed.
    expect(summary.biggestDrops).toEqual([
      {
        id: id('Acme Corp'),
        name: 'Acme Corp',
        period: '2026-03',
        previousPeriod: '2026-02',
        overall: 34,
        previous: expect.closeTo(81.85, 9),
        change: expect.closeTo(-47.85, 9),
      },
      {
        id: id('Beta LLC'),
        name: 'Beta LLC',
        period: '2026-03',
        previousPeriod: '2026-02',
        overall: expect.closeTo(62.8, 9),
        previous: expect.closeTo(66.976, 9),
        change: expect.closeTo(-4.176, 9),
      },
    ]);

    // Archived accounts leave the portfolio.
    await acme.asAdmin.accounts.archive({ id: id('Epsilon') });
    await acme.asAdmin.accounts.archive({ id: id('Acme Corp') });
    const after = await acme.asMember.health.summary();
    expect(after.accounts).toBe(3);
    expect(after.byTier).toEqual({ healthy: 1, at_risk: 1, critical: 0, unknown: 1 });
    expect(after.needingAttention.map((a) => a.name)).toEqual(['Beta LLC']);
    expect(after.biggestDrops.map((a) => a.name)).toEqual(['Beta LLC']);
    // Archived Acme Corp leaves the comparison: (62.8 − 66.976) + (100 − 34) over 2.
    expect(after.averageChange).toMatchObject({ accounts: 2, change: expect.closeTo((62.8 - README_OVERALL + (100 - 34)) / 2, 9) });
  });

  it('trends the newest 12 periods; a drop compares with the period just before the latest, whenever that was uploaded', async () => {
    const months = Array.from({ length: 14 }, (_, i) => `${2025 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
    // Zeta: 14 months at 100%, except the period uploaded last (2025-12) and the latest (2026-02).
    const retention = (period: string, value: string): Line => ['Zeta', period, 'Product Usage', 'Customer Retention Rate', value, 'High'];
    await uploadCsv(
      acme.asAdmin,
      months.filter((m) => m !== '2025-12' && m !== '2026-02').map((m) => retention(m, '100%')),
    );
    await uploadCsv(acme.asAdmin, [retention('2026-02', '71%')]);
    let summary = await acme.asMember.health.summary();
    expect(summary.averageTrend.map((t) => t.period)).toEqual(months.slice(1).filter((m) => m !== '2025-12'));
    expect(summary.biggestDrops.map((d) => [d.previousPeriod, d.previous, d.period, d.overall])).toEqual([['2026-01', 100, '2026-02', 34]]);

    await uploadCsv(acme.asAdmin, [retention('2025-12', '100%'), retention('2026-01', '71%')]);
    summary = await acme.asMember.health.summary();
    expect(summary.averageTrend.map((t) => t.period)).toEqual(months.slice(2));
    expect(summary.biggestDrops).toEqual([]);
  });

  it('is empty for a tenant without accounts', async () => {
    expect(await acme.asMember.health.summary()).toEqual({
      accounts: 0,
      byTier: { healthy: 0, at_risk: 0, critical: 0, unknown: 0 },
      revenueByTier: { healthy: 0, at_risk: 0, critical: 0, unknown: 0 },
      averageHealth: null,
      averageTrend: [],
      averageChange: null,
      setup: { profiles: false, kpis: false, ranges: false, teammates: true },
      needingAttention: [],
      biggestDrops: [],
    });
  });

  it('ticks the setup checklist as the organisation does each step', async () => {
    const setup = async () => (await acme.asMember.health.summary()).setup;
    await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-02'));
    expect(await setup()).toEqual({ profiles: false, kpis: true, ranges: false, teammates: true });
    await acme.asAdmin.accounts.create({ name: 'Beta LLC', csmOwner: 'Ada' });
    await acme.asAdmin.ranges.update({ kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, healthyThreshold: 5, riskThreshold: 20, scaleMax: 100 });
    expect(await setup()).toEqual({ profiles: true, kpis: true, ranges: true, teammates: true });
    // Another organisation's progress is not this one's.
    const globex = await makeTenant(handle, 'Globex');
    expect((await globex.asMember.health.summary()).setup).toEqual({ profiles: false, kpis: false, ranges: false, teammates: true });
  });
});

describe('health.products', () => {
  it("returns each product's own health for a period, and the latest period with product readings by default", async () => {
    const lines: Line[] = [
      ...readmeExample('Acme Corp', '2026-01'),
      // Mobile: Customer Retention Rate 71% = r → risk 34 (High); First Response Time 2 hours = h → healthy 67 (Medium).
      ['Acme Corp', '2026-01', 'Product Usage', 'Customer Retention Rate', '71%', 'High'],
      ['Acme Corp', '2026-01', 'Support', 'First Response Time', '2 hours', 'Medium'],
      // Web: Customer Retention Rate 100% → 100.
      ['Acme Corp', '2026-01', 'Product Usage', 'Customer Retention Rate', '100%', 'High'],
      // Web in 2026-02: Feature Adoption Rate 81% = h → 67.
      ['Acme Corp', '2026-02', 'Product Usage', 'Feature Adoption Rate', '81%', 'Low'],
    ];
    const products = { header: ['product'], rows: [[''], [''], [''], [''], ['Mobile'], ['Mobile'], ['Web'], ['Web']] };
    const { report } = await uploadCsv(acme.asAdmin, lines, {}, products);
    const accountId = report.accounts[0]?.id as string;

    const january = await acme.asMember.health.products({ accountId, period: '2026-01' });
    expect(january.period).toBe('2026-01');
    // Mobile: Product Usage 34, Support 67 → overall (30·34 + 20·67)/50 = 47.2, critical. Web: Product Usage 100 → 100, healthy.
    expect(january.products.map((p) => [p.product, p.overall, p.tier, p.scoredCount, p.readingCount])).toEqual([
      ['Mobile', 47.2, 'critical', 2, 2],
      ['Web', 100, 'healthy', 1, 1],
    ]);
    expect(january.products[0]?.categories.map((c) => [c.category, c.score])).toEqual(
      expect.arrayContaining([
        ['Product Usage', 34],
        ['Support', 67],
      ]),
    );
    // The account's own health still comes from its four account-level readings only.
    expect((await acme.asMember.health.account({ accountId, period: '2026-01' }))?.overall).toBeCloseTo(README_OVERALL, 9);

    const latest = await acme.asMember.health.products({ accountId });
    expect(latest.period).toBe('2026-02');
    expect(latest.products).toMatchObject([{ product: 'Web', overall: 67, tier: 'at_risk', period: '2026-02', productId: expect.any(String) }]);
    expect(await acme.asMember.health.products({ accountId, period: '2025-12' })).toEqual({ period: '2025-12', products: [] });
  });

  it('has nothing for an account without product readings, and NOT_FOUND for another tenant’s account', async () => {
    const accountId = await threeMonths();
    expect(await acme.asMember.health.products({ accountId })).toEqual({ period: null, products: [] });
    const globex = await makeTenant(handle, 'Globex');
    await expectTrpcError(globex.asMember.health.products({ accountId }), 'NOT_FOUND');
  });
});
