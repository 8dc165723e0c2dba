import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pulse/db/testing';
import type { ZodError } from 'zod';
import { FieldErrors, inputErrors } from '../src/errors.js';
import { makeTenant, type TestTenant } from './harness.js';
import { README_OVERALL, expectTrpcError, readmeExample, snapshotTenant, uploadCsv } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
let accountId: string;
let globexBefore: Record<string, unknown[]>;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  // Both tenants hold the README example: CRR 94% → 78, FAR 66% → 50, FRT 30 minutes → 91.75,
  // MTTR 20 hours → 40.4; Product Usage 71, Support 60.94, overall 66.976 (at_risk).
  accountId = (await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-01'))).report.accounts[0]?.id as string;
  await uploadCsv(globex.asAdmin, readmeExample('Acme Corp', '2026-01'));
  globexBefore = await snapshotTenant(handle.db, globex.tenant.id);
});

async function acmeState() {
  const readings = new Map((await acme.asMember.kpis.list({ accountId })).items.map((r) => [r.kpi, r]));
  const health = await acme.asMember.health.account({ accountId });
  const account = await acme.asMember.accounts.byId({ id: accountId });
  expect(account.health.overall).toBe(health?.overall);
  expect(account.health.tier).toBe(health?.tier);
  return { readings, health };
}

/** Globex did the same uploads and nothing else: none of Acme's edits may touch its rows. */
async function expectGlobexUntouched() {
  expect(await snapshotTenant(handle.db, globex.tenant.id)).toEqual(globexBefore);
  const ranges = await globex.asMember.ranges.list();
  expect(ranges.every((r) => r.source === 'default')).toBe(true);
}

const CRR = { kpi: 'Customer Retention Rate', higherIsBetter: true, scaleMin: 0, scaleMax: 100 };

describe('ranges.list', () => {
  it('lists the 69 catalogue KPIs (68 shared, plus Manager Sentiment) as defaults, by category then name, to members too', async () => {
    const ranges = await acme.asMember.ranges.list();
    expect(ranges).toHaveLength(69);
    expect(ranges.every((r) => r.source === 'default')).toBe(true);
    const sorted = [...ranges].sort((a, b) => a.category.localeCompare(b.category) || a.kpiName.localeCompare(b.kpiName));
    expect(ranges.map((r) => r.key)).toEqual(sorted.map((r) => r.key));
    const crr = ranges.find((r) => r.key === 'customer retention rate');
    const range = {
      kpiName: 'Customer Retention Rate',
      category: 'Product Usage',
      unit: '%',
      higherIsBetter: true,
      scaleMin: 0,
      riskThreshold: 71,
      healthyThreshold: 91,
      scaleMax: 100,
    };
    expect(crr).toEqual({ ...range, key: 'customer retention rate', source: 'default', default: range });
    expect(new Set(ranges.map((r) => r.category))).toEqual(
      new Set(['Product Usage', 'Support', 'Customer Sentiment', 'Business Outcomes', 'Relationship Strength']),
    );
  });
});

describe('ranges.update', () => {
  it('overrides one KPI for the tenant and re-scores its stored readings and health in the same call', async () => {
    const before = await acmeState();
    expect(before.readings.get('Customer Retention Rate')).toMatchObject({ status: 'healthy', score: 78 });
    expect(before.health?.overall).toBeCloseTo(README_OVERALL, 9);
    expect(before.health?.tier).toBe('at_risk');

    const updated = await acme.asAdmin.ranges.update({ ...CRR, riskThreshold: 95, healthyThreshold: 99 });
    expect(updated).toMatchObject({
      kpiName: 'Customer Retention Rate',
      key: 'customer retention rate',
      source: 'tenant',
      riskThreshold: 95,
      healthyThreshold: 99,
      default: { riskThreshold: 71, healthyThreshold: 91 },
    });
    // at_risk (66.976) → critical (46.57, below): one account rescored, one tier change.
    expect(updated.effect).toEqual({ accountsRescored: 1, tierChanges: 1 });

    // 94% < r 95: critical 33·(94 − 0)/(95 − 0) = 3102/95 = 32.652631…
    // Product Usage (3·3102/95 + 1·50)/4 = 36.989473…; Support unchanged 60.94
    // Overall (30·36.989473… + 20·60.94)/50 = 46.569684… → critical
    const crrScore = 3102 / 95;
    const productUsage = (3 * crrScore + 50) / 4;
    const after = await acmeState();
    expect(after.readings.get('Customer Retention Rate')).toMatchObject({ status: 'critical', raw: '94%', value: 94 });
    expect(after.readings.get('Customer Retention Rate')?.score).toBeCloseTo(crrScore, 9);
    expect(after.readings.get('Feature Adoption Rate')?.score).toBe(50);
    expect(after.health?.categories.find((c) => c.category === 'Product Usage')?.score).toBeCloseTo(productUsage, 9);
    expect(after.health?.overall).toBeCloseTo((30 * productUsage + 20 * 60.94) / 50, 9);
    expect(after.health?.overall).toBeCloseTo(46.569684210526, 9);
    expect(after.health?.tier).toBe('critical');

    const listed = await acme.asMember.ranges.list();
    expect(listed.filter((r) => r.source === 'tenant').map((r) => [r.key, r.riskThreshold, r.healthyThreshold])).toEqual([['customer retention rate', 95, 99]]);
    // 69 catalogue KPIs, one of them overridden.
    expect(listed.filter((r) => r.source === 'default')).toHaveLength(68);

    // Updating again replaces the override. 94% ≥ h 94: healthy 67 + 33·0 = 67;
    // Product Usage (3·67 + 50)/4 = 62.75; overall (30·62.75 + 20·60.94)/50 = 62.026 → at_risk.
    await acme.asAdmin.ranges.update({ ...CRR, kpi: 'customer retention rate', riskThreshold: 90, healthyThreshold: 94 });
    const again = await acmeState();
    expect(again.readings.get('Customer Retention Rate')).toMatchObject({ status: 'healthy', score: 67 });
    expect(again.health?.overall).toBeCloseTo(62.026, 9);
    expect(again.health?.tier).toBe('at_risk');
    expect(await handle.db.selectFrom('reference_ranges').select('kpi_name').where('tenant_id', '=', acme.tenant.id).execute()).toEqual([
      { kpi_name: 'Customer Retention Rate' },
    ]);
    await expectGlobexUntouched();
  });

  it('rejects thresholds out of order for the direction with BAD_REQUEST and a message, changing nothing', async () => {
    const higher = await expectTrpcError(
      acme.asAdmin.ranges.update({ ...CRR, riskThreshold: 90, healthyThreshold: 80 }),
      'BAD_REQUEST',
      'When higher is better, the risk threshold (90) must not be above the healthy threshold (80).',
    );
    expect((higher.cause as FieldErrors).fieldErrors).toEqual({ riskThreshold: [higher.message] });
    // First Response Time is lower-is-better: healthy must not exceed risk.
    await expectTrpcError(
      acme.asAdmin.ranges.update({ kpi: 'First Response Time', higherIsBetter: false, scaleMin: 0, healthyThreshold: 10, riskThreshold: 5, scaleMax: 999 }),
      'BAD_REQUEST',
      'When lower is better, the healthy threshold (10) must not be above the risk threshold (5).',
    );
    // The same numbers are fine the other way round.
    await expectTrpcError(
      acme.asAdmin.ranges.update({ kpi: 'First Response Time', higherIsBetter: true, scaleMin: 0, healthyThreshold: 10, riskThreshold: 5, scaleMax: 4 }),
      'BAD_REQUEST',
      /the healthy threshold \(10\) must not be above the scale maximum \(4\)/,
    );
    await expectTrpcError(
      acme.asAdmin.ranges.update({ ...CRR, scaleMin: 100, scaleMax: 100, riskThreshold: 100, healthyThreshold: 100 }),
      'BAD_REQUEST',
      /The scale minimum \(100\) must be below the scale maximum \(100\)/,
    );
    await expectTrpcError(acme.asAdmin.ranges.update({ ...CRR, riskThreshold: Number.NaN, healthyThreshold: 91 }), 'BAD_REQUEST');

    const state = await acmeState();
    expect(state.readings.get('Customer Retention Rate')?.score).toBe(78);
    expect(state.health?.overall).toBeCloseTo(README_OVERALL, 9);
    expect(await handle.db.selectFrom('reference_ranges').selectAll().execute()).toEqual([]);
    expect(await handle.db.selectFrom('activity_log').select('action').where('action', 'like', 'range.%').execute()).toEqual([]);
  });

  it('is NOT_FOUND for a KPI outside the catalogue and FORBIDDEN for members', async () => {
    await expectTrpcError(
      acme.asAdmin.ranges.update({ ...CRR, kpi: 'Happiness Index', riskThreshold: 50, healthyThreshold: 80 }),
      'NOT_FOUND',
      'KPI not found.',
    );
    await expectTrpcError(acme.asMember.ranges.update({ ...CRR, riskThreshold: 95, healthyThreshold: 99 }), 'FORBIDDEN', 'Only admins can do this.');
    await expectTrpcError(acme.asMember.ranges.reset({ all: true }), 'FORBIDDEN');
    await expectTrpcError(acme.asMember.ranges.reset({ kpi: 'Customer Retention Rate' }), 'FORBIDDEN');
    await expectTrpcError(acme.asMember.ranges.updateSettings({ categoryWeights: { Support: 1 }, tiers: { healthy: 80, atRisk: 60 } }), 'FORBIDDEN');
    expect((await acmeState()).readings.get('Customer Retention Rate')?.score).toBe(78);
    expect(await acme.asMember.ranges.settings()).toEqual({
      categoryWeights: { 'Product Usage': 30, Support: 20, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 },
      tiers: { healthy: 80, atRisk: 60 },
    });
  });
});

describe('ranges.reset', () => {
  it('resets one KPI, then all, re-scoring each time', async () => {
    await acme.asAdmin.ranges.update({ ...CRR, riskThreshold: 95, healthyThreshold: 99 });
    // First Response Time, lower is better, h 1, r 4, H 48: 0.5 h → 67 + 33·(1 − 0.5)/1 = 83.5
    await acme.asAdmin.ranges.update({ kpi: 'First Response Time', higherIsBetter: false, scaleMin: 0, healthyThreshold: 1, riskThreshold: 4, scaleMax: 48 });
    // Support (2·83.5 + 3·40.4)/5 = 57.64; Product Usage 36.989473… (above)
    const productUsage = (3 * (3102 / 95) + 50) / 4;
    expect((await acmeState()).health?.overall).toBeCloseTo((30 * productUsage + 20 * 57.64) / 50, 9);

    // The one account goes from critical (overall (30·36.989… + 20·57.64)/50 = 45.25) to at_risk.
    expect(await acme.asAdmin.ranges.reset({ kpi: ' CUSTOMER retention rate' })).toEqual({
      reset: 1,
      effect: { accountsRescored: 1, tierChanges: 1 },
      queued: false,
    });
    // CRR back to 78, Product Usage 71: (30·71 + 20·57.64)/50 = 65.656
    const one = await acmeState();
    expect(one.readings.get('Customer Retention Rate')?.score).toBe(78);
    expect(one.readings.get('First Response Time')?.score).toBe(83.5);
    expect(one.health?.overall).toBeCloseTo(65.656, 9);
    expect((await acme.asMember.ranges.list()).filter((r) => r.source === 'tenant').map((r) => r.kpiName)).toEqual(['First Response Time']);

    // 65.656 → 66.976: still at_risk.
    expect(await acme.asAdmin.ranges.reset({ all: true })).toEqual({ reset: 1, effect: { accountsRescored: 1, tierChanges: 0 }, queued: false });
    const all = await acmeState();
    expect(all.readings.get('First Response Time')?.score).toBe(91.75);
    expect(all.health?.overall).toBeCloseTo(README_OVERALL, 9);
    expect((await acme.asMember.ranges.list()).every((r) => r.source === 'default')).toBe(true);

    const nothing = { reset: 0, effect: { accountsRescored: 0, tierChanges: 0 }, queued: false };
    expect(await acme.asAdmin.ranges.reset({ all: true })).toEqual(nothing);
    expect(await acme.asAdmin.ranges.reset({ kpi: 'Customer Retention Rate' })).toEqual(nothing);
    await expectTrpcError(acme.asAdmin.ranges.reset({ kpi: 'Happiness Index' }), 'NOT_FOUND', 'KPI not found.');
    await expectTrpcError(acme.asAdmin.ranges.reset({ all: false } as never), 'BAD_REQUEST');
    await expectGlobexUntouched();
  });
});

describe('ranges.updateSettings', () => {
  it('custom category weights and tiers recompute the stored health', async () => {
    const settings = {
      categoryWeights: { 'Product Usage': 10, Support: 40, 'Customer Sentiment': 20, 'Business Outcomes': 15, 'Relationship Strength': 15 },
      tiers: { healthy: 60, atRisk: 40 },
    };
    // The one account goes from at_risk (66.976) to healthy (below).
    expect(await acme.asAdmin.ranges.updateSettings(settings)).toEqual({ ...settings, effect: { accountsRescored: 1, tierChanges: 1 }, queued: false });
    expect(await acme.asMember.ranges.settings()).toEqual(settings);
    // (10·71 + 40·60.94)/50 = 62.952 ≥ 60 → healthy under the new tiers
    const custom = await acmeState();
    expect(custom.health?.overall).toBeCloseTo(62.952, 9);
    expect(custom.health?.tier).toBe('healthy');
    expect(custom.health?.categories.find((c) => c.category === 'Support')).toMatchObject({ weight: 40, counted: true });
    expect(custom.readings.get('Customer Retention Rate')?.score).toBe(78);

    // Support weighted 0 is shown but not counted: overall = Product Usage = 71 → at_risk (60 ≤ 71 < 80)
    await acme.asAdmin.ranges.updateSettings({ categoryWeights: { 'Product Usage': 30, Support: 0 }, tiers: { healthy: 80, atRisk: 60 } });
    const zero = await acmeState();
    expect(zero.health).toMatchObject({ overall: 71, tier: 'at_risk' });
    expect(zero.health?.categories.find((c) => c.category === 'Support')).toMatchObject({ weight: 0, counted: false });
    expect((await acme.asMember.health.explain({ accountId })).weights).toEqual({ 'Product Usage': 30, Support: 0 });
    await expectGlobexUntouched();
  });

  it('rejects invalid settings with BAD_REQUEST and keeps the stored health', async () => {
    const weights = { 'Product Usage': 30, Support: 20 };
    await expectTrpcError(
      acme.asAdmin.ranges.updateSettings({ categoryWeights: weights, tiers: { healthy: 70, atRisk: 75 } }),
      'BAD_REQUEST',
      'The at-risk threshold (75) must not be above the healthy threshold (70).',
    );
    await expectTrpcError(
      acme.asAdmin.ranges.updateSettings({ categoryWeights: { Support: 0 }, tiers: { healthy: 80, atRisk: 60 } }),
      'BAD_REQUEST',
      'Give at least one category a weight above 0.',
    );
    await expectTrpcError(
      acme.asAdmin.ranges.updateSettings({ categoryWeights: { Support: 1, ' support ': 2 }, tiers: { healthy: 80, atRisk: 60 } }),
      'BAD_REQUEST',
      /duplicates/,
    );
    await expectTrpcError(acme.asAdmin.ranges.updateSettings({ categoryWeights: { Support: -1 }, tiers: { healthy: 80, atRisk: 60 } }), 'BAD_REQUEST');
    const outOfScale = await expectTrpcError(
      acme.asAdmin.ranges.updateSettings({ categoryWeights: weights, tiers: { healthy: 101, atRisk: 60 } }),
      'BAD_REQUEST',
    );
    expect(inputErrors(outOfScale.cause as ZodError)).toEqual({
      message: 'Some fields are not valid.',
      fieldErrors: { 'tiers.healthy': ['Enter 100 or less.'] },
    });
    const crossed = await expectTrpcError(acme.asAdmin.ranges.updateSettings({ categoryWeights: weights, tiers: { healthy: 70, atRisk: 75 } }), 'BAD_REQUEST');
    expect((crossed.cause as FieldErrors).fieldErrors).toEqual({
      'tiers.atRisk': ['The at-risk threshold (75) must not be above the healthy threshold (70).'],
    });
    expect((await acmeState()).health?.overall).toBeCloseTo(README_OVERALL, 9);
  });
});

describe('category order', () => {
  it('lists categories in the catalogue order after a round trip through the database', async () => {
    const t = await makeTenant(handle, 'Ordered');
    const settings = await t.asAdmin.ranges.settings();
    expect(Object.keys(settings.categoryWeights)).toEqual(['Product Usage', 'Support', 'Customer Sentiment', 'Business Outcomes', 'Relationship Strength']);
  });
});
