import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { defaultSettings, rollupHealth, type HealthSettings } from '@pulse/scoring';
import { MAX_SEGMENTS } from '../src/limits.js';
import { runRecomputeJob } from '../src/domain/recompute-jobs.js';
import { callerFor, makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError, readmeExample, README_OVERALL, uploadCsv } from './kpi-helpers.js';

/**
 * Segments (issue #18): an account is scored with the first segment (by position) whose rule
 * it matches, else with the organisation's settings; every change recomputes the accounts it
 * affects. The README example's categories are Product Usage 71 and Support 60.94
 * (kpi-helpers.ts), so with the default weights (Product Usage 30, Support 20) the overall is
 * 66.976 (at risk), and with Support weighing 60 it is (71·30 + 60.94·60) / (30 + 60).
 */
const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;

const PERIODS = ['2026-01', '2026-02'];
const supportHeavy = { ...defaultSettings.categoryWeights, Support: 60 };
const SUPPORT_60_OVERALL = (71 * 30 + 60.94 * 60) / (30 + 60);

async function accountIds(t: TestTenant): Promise<Record<string, string>> {
  const { items } = await t.asAdmin.accounts.list({ limit: 100 });
  return Object.fromEntries(items.map((a) => [a.name, a.id]));
}

/** Big (Enterprise, revenue 500,000), Small (smb, 20,000) and Plain (no profile), each with the README example in two periods. */
async function seed(t: TestTenant): Promise<Record<string, string>> {
  await uploadCsv(
    t.asAdmin,
    ['Big', 'Small', 'Plain'].flatMap((name) => PERIODS.flatMap((p) => readmeExample(name, p))),
  );
  const ids = await accountIds(t);
  await t.asAdmin.accounts.update({ id: ids.Big as string, tier: 'Enterprise', revenue: 500_000, region: 'EMEA' });
  await t.asAdmin.accounts.update({ id: ids.Small as string, tier: 'smb', revenue: 20_000, region: 'emea ' });
  return ids;
}

/** The reference: @pulse/scoring's roll-up of the account's stored readings of a period with these settings. */
async function reference(t: TestTenant, accountId: string, period: string, settings: HealthSettings) {
  const readings = await handle.db
    .selectFrom('kpi_readings')
    .select(['category', 'impact', 'score'])
    .where('tenant_id', '=', t.tenant.id)
    .where('account_id', '=', accountId)
    .where('period', '=', period)
    .orderBy('id')
    .execute();
  return rollupHealth(readings, settings);
}

async function health(t: TestTenant, accountId: string, period: string) {
  const h = await t.asMember.health.account({ accountId, period });
  return { overall: h?.overall, tier: h?.tier, categories: h?.categories };
}

const segmentOf = async (t: TestTenant, accountId: string) => (await t.asMember.health.explain({ accountId })).segment?.name ?? null;

beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

describe('segment scoring', () => {
  it('scores an account matching a segment with Support weight 60 exactly as the reference computation with those weights', async () => {
    const ids = await seed(acme);
    const big = ids.Big as string;
    expect(await health(acme, big, '2026-02')).toMatchObject({ overall: README_OVERALL, tier: 'at_risk' });

    const { segment, recompute } = await acme.asAdmin.segments.create({
      name: 'Enterprise',
      rule: { tiers: ['ENTERPRISE'] },
      categoryWeights: supportHeavy,
      tiers: { healthy: 64, atRisk: 40 },
    });
    // Only Big matches (tier compared ignoring case); it turns healthy: 64.29… ≥ 64.
    expect(recompute).toEqual({ effect: { accountsRescored: 1, tierChanges: 1 }, queued: false });
    expect(segment).toMatchObject({ name: 'Enterprise', position: 1, rule: { tiers: ['ENTERPRISE'] }, categoryWeights: supportHeavy, accountCount: 1 });

    const segmentSettings = { categoryWeights: supportHeavy, tiers: { healthy: 64, atRisk: 40 } };
    for (const period of PERIODS) {
      const stored = await health(acme, big, period);
      expect(stored.overall).toBeCloseTo(SUPPORT_60_OVERALL, 10);
      const ref = await reference(acme, big, period, segmentSettings);
      expect(stored).toEqual({ overall: ref.overall, tier: ref.tier, categories: ref.categories });
      expect(stored.tier).toBe('healthy');
    }
    // Small and Plain keep the organisation's settings.
    expect(await health(acme, ids.Small as string, '2026-02')).toMatchObject({ overall: README_OVERALL, tier: 'at_risk' });

    const explained = await acme.asMember.health.explain({ accountId: big });
    expect(explained).toMatchObject({ segment: { id: segment.id, name: 'Enterprise' }, weights: supportHeavy, tiers: { healthy: 64, atRisk: 40 } });
    expect(await acme.asMember.health.explain({ accountId: ids.Small as string })).toMatchObject({ segment: null, weights: defaultSettings.categoryWeights });
    expect((await acme.asAdmin.accounts.byId({ id: big })).health).toMatchObject({ tier: 'healthy' });
  });

  it('uses the first matching segment by position, and the organisation’s settings when none matches', async () => {
    const ids = await seed(acme);
    const everyone = await acme.asAdmin.segments.create({ name: 'Everyone', rule: {}, categoryWeights: { Support: 1 } });
    // Rule {} matches all three accounts.
    expect(everyone.recompute.effect?.accountsRescored).toBe(3);
    const emea = await acme.asAdmin.segments.create({ name: 'EMEA', rule: { regions: ['Emea'] }, categoryWeights: supportHeavy, position: 1 });
    // EMEA comes first, so it takes Big and Small (region "EMEA" and "emea "), not Plain (no region).
    expect(emea.recompute.effect?.accountsRescored).toBe(2);
    expect((await acme.asMember.segments.list()).items.map((s) => [s.name, s.position, s.accountCount])).toEqual([
      ['EMEA', 1, 2],
      ['Everyone', 2, 1],
    ]);
    expect(await segmentOf(acme, ids.Big as string)).toBe('EMEA');
    expect(await segmentOf(acme, ids.Small as string)).toBe('EMEA');
    expect(await segmentOf(acme, ids.Plain as string)).toBe('Everyone');
    // Only Support counts for Plain: its overall is the Support score.
    expect((await health(acme, ids.Plain as string, '2026-02')).overall).toBe(
      (await reference(acme, ids.Plain as string, '2026-02', { ...defaultSettings, categoryWeights: { Support: 1 } })).overall,
    );

    // Moving EMEA last hands every account to Everyone.
    const moved = await acme.asAdmin.segments.update({ id: emea.segment.id, position: 2 });
    expect(moved.segment.position).toBe(2);
    expect(moved.recompute.effect?.accountsRescored).toBe(2);
    expect(await segmentOf(acme, ids.Big as string)).toBe('Everyone');

    // Without Everyone, Big and Small are EMEA's again and Plain matches nothing: the organisation's settings.
    const deleted = await acme.asAdmin.segments.delete({ id: everyone.segment.id });
    expect(deleted.recompute.effect?.accountsRescored).toBe(3);
    expect(await segmentOf(acme, ids.Plain as string)).toBeNull();
    expect(await health(acme, ids.Plain as string, '2026-02')).toMatchObject({ overall: README_OVERALL, tier: 'at_risk' });
    expect((await acme.asMember.segments.list()).items.map((s) => [s.name, s.position])).toEqual([['EMEA', 1]]);
  });

  it('matches revenue bands (minimum included, maximum excluded), lifecycle stages and industries', async () => {
    const ids = await seed(acme);
    await acme.asAdmin.accounts.update({ id: ids.Plain as string, revenue: 100_000, industry: 'Retail', lifecycleStage: 'Onboarding' });
    await acme.asAdmin.segments.create({ name: 'Mid band', rule: { revenue: { min: 20_000, max: 500_000 } } });
    expect(await segmentOf(acme, ids.Small as string)).toBe('Mid band'); // 20,000: the minimum is in
    expect(await segmentOf(acme, ids.Plain as string)).toBe('Mid band');
    expect(await segmentOf(acme, ids.Big as string)).toBeNull(); // 500,000: the maximum is out
    const retail = await acme.asAdmin.segments.create({
      name: 'Retail onboarding',
      rule: { industries: ['retail'], lifecycleStages: ['ONBOARDING', 'Adoption'] },
      position: 1,
    });
    expect(retail.segment.accountCount).toBe(1);
    expect(await segmentOf(acme, ids.Plain as string)).toBe('Retail onboarding');
  });

  it('recomputes the affected accounts on update and delete and reports their tier changes', async () => {
    const ids = await seed(acme);
    const { segment } = await acme.asAdmin.segments.create({ name: 'Enterprise', rule: { tiers: ['Enterprise'] }, tiers: { healthy: 60, atRisk: 40 } });
    expect(await health(acme, ids.Big as string, '2026-02')).toMatchObject({ overall: README_OVERALL, tier: 'healthy' });
    // Same rule, the organisation's tiers again: Big is at risk again.
    const updated = await acme.asAdmin.segments.update({ id: segment.id, tiers: null });
    expect(updated.recompute).toEqual({ effect: { accountsRescored: 1, tierChanges: 1 }, queued: false });
    expect(updated.segment.tiers).toBeNull();
    expect(await health(acme, ids.Big as string, '2026-02')).toMatchObject({ tier: 'at_risk' });
    // A rename changes no account's settings: nothing to recompute.
    expect((await acme.asAdmin.segments.update({ id: segment.id, name: 'Key accounts' })).recompute).toEqual({
      effect: { accountsRescored: 0, tierChanges: 0 },
      queued: false,
    });

    await acme.asAdmin.segments.update({ id: segment.id, tiers: { healthy: 60, atRisk: 40 } });
    const deleted = await acme.asAdmin.segments.delete({ id: segment.id });
    expect(deleted.recompute).toEqual({ effect: { accountsRescored: 1, tierChanges: 1 }, queued: false });
    expect(await health(acme, ids.Big as string, '2026-01')).toMatchObject({ overall: README_OVERALL, tier: 'at_risk' });
  });

  it('moves an account whose profile changes, and scores new uploads and sentiment with its segment', async () => {
    const ids = await seed(acme);
    const settings = { categoryWeights: supportHeavy, tiers: defaultSettings.tiers };
    await acme.asAdmin.segments.create({ name: 'Enterprise', rule: { tiers: ['enterprise'] }, categoryWeights: supportHeavy });
    const small = ids.Small as string;
    await acme.asAdmin.accounts.update({ id: small, tier: 'Enterprise' });
    expect(await segmentOf(acme, small)).toBe('Enterprise');
    for (const period of PERIODS) expect((await health(acme, small, period)).overall).toBe((await reference(acme, small, period, settings)).overall);

    // A new period uploaded for Big (the JS roll-up path) and a sentiment are scored with the segment's weights.
    await uploadCsv(acme.asAdmin, readmeExample('Big', '2026-03'));
    expect((await health(acme, ids.Big as string, '2026-03')).overall).toBeCloseTo(SUPPORT_60_OVERALL, 10);
    await acme.asAdmin.sentiment.set({ accountId: ids.Big as string, period: '2026-03', value: 1, comment: 'Escalations all month.' });
    const withSentiment = await health(acme, ids.Big as string, '2026-03');
    expect(withSentiment).toEqual(
      await reference(acme, ids.Big as string, '2026-03', settings).then((r) => ({ overall: r.overall, tier: r.tier, categories: r.categories })),
    );

    // Leaving the tier: back to the organisation's weights.
    await acme.asAdmin.accounts.update({ id: small, tier: null });
    expect(await segmentOf(acme, small)).toBeNull();
    expect((await health(acme, small, '2026-01')).overall).toBe(README_OVERALL);
  });

  it('recomputes through the job queue when the tenant is large', async () => {
    const ids = await seed(acme);
    const asJob = callerFor(handle.app, acme.admin, acme.tenant, '127.0.0.1', { recomputeJobThreshold: 0 });
    const created = await asJob.segments.create({ name: 'Enterprise', rule: { tiers: ['Enterprise'] }, categoryWeights: supportHeavy });
    expect(created.recompute).toEqual({ effect: null, queued: true });
    expect(created.segment.accountCount).toBe(1);
    // Until the job runs, Big keeps its previous score.
    expect((await health(acme, ids.Big as string, '2026-02')).overall).toBe(README_OVERALL);
    await runRecomputeJob(handle.app, { tenantId: acme.tenant.id }, { last: true });
    expect((await health(acme, ids.Big as string, '2026-02')).overall).toBeCloseTo(SUPPORT_60_OVERALL, 10);
    expect((await acme.asAdmin.recompute.status()).last).toMatchObject({ status: 'completed', effect: { tierChanges: 0 } });
  });
});

describe('segments API', () => {
  it('lists the distinct field values of the organisation’s accounts for the rule editor', async () => {
    await seed(acme);
    expect(await acme.asMember.segments.fieldValues()).toEqual({ tiers: ['Enterprise', 'smb'], industries: [], regions: ['EMEA'], lifecycleStages: [] });
    expect(await globex.asMember.segments.fieldValues()).toEqual({ tiers: [], industries: [], regions: [], lifecycleStages: [] });
  });

  it('lets only admins change segments', async () => {
    const { segment } = await acme.asAdmin.segments.create({ name: 'All', rule: {} });
    await expectTrpcError(acme.asMember.segments.create({ name: 'Mine', rule: {} }), 'FORBIDDEN');
    await expectTrpcError(acme.asMember.segments.update({ id: segment.id, name: 'Mine' }), 'FORBIDDEN');
    await expectTrpcError(acme.asMember.segments.delete({ id: segment.id }), 'FORBIDDEN');
    expect((await acme.asMember.segments.list()).items.map((s) => s.name)).toEqual(['All']);
  });

  it('refuses duplicate names, bad weights, bad tiers, bad revenue bands and more than MAX_SEGMENTS segments', async () => {
    const { segment } = await acme.asAdmin.segments.create({ name: 'Enterprise', rule: {} });
    await expectTrpcError(
      acme.asAdmin.segments.create({ name: ' enterprise ', rule: {} }),
      'CONFLICT',
      'A segment named "enterprise" already exists; choose another name.',
    );
    const other = await acme.asAdmin.segments.create({ name: 'Other', rule: {} });
    await expectTrpcError(acme.asAdmin.segments.update({ id: other.segment.id, name: 'ENTERPRISE' }), 'CONFLICT');
    await expectTrpcError(acme.asAdmin.segments.create({ name: 'X', rule: {}, categoryWeights: { Vibes: 10 } }), 'BAD_REQUEST', /"Vibes" is not a category/);
    await expectTrpcError(
      acme.asAdmin.segments.create({ name: 'X', rule: {}, categoryWeights: { Support: 0, 'Product Usage': 0 } }),
      'BAD_REQUEST',
      'Give at least one category a weight above 0.',
    );
    await expectTrpcError(acme.asAdmin.segments.create({ name: 'X', rule: {}, categoryWeights: { Support: -1 } }), 'BAD_REQUEST');
    await expectTrpcError(
      acme.asAdmin.segments.create({ name: 'X', rule: {}, tiers: { healthy: 50, atRisk: 50 } }),
      'BAD_REQUEST',
      'The healthy threshold (50) must be above the at-risk threshold (50).',
    );
    await expectTrpcError(acme.asAdmin.segments.create({ name: 'X', rule: {}, tiers: { healthy: 101, atRisk: 50 } }), 'BAD_REQUEST');
    await expectTrpcError(
      acme.asAdmin.segments.update({ id: segment.id, rule: { revenue: { min: 10, max: 10 } } }),
      'BAD_REQUEST',
      "The revenue band's minimum (10) must be below its maximum (10).",
    );
    await expectTrpcError(acme.asAdmin.segments.create({ name: 'X', rule: { colour: ['red'] } as never }), 'BAD_REQUEST');

    for (let i = 3; i <= MAX_SEGMENTS; i++) await acme.asAdmin.segments.create({ name: `Segment ${i}`, rule: { tiers: [`t${i}`] } });
    expect((await acme.asMember.segments.list()).items).toHaveLength(MAX_SEGMENTS);
    await expectTrpcError(
      acme.asAdmin.segments.create({ name: 'One too many', rule: {} }),
      'BAD_REQUEST',
      `An organisation can have at most ${MAX_SEGMENTS} segments; delete one before creating another.`,
    );
  });

  it('keeps segments to their organisation: another tenant’s id is NOT_FOUND', async () => {
    const ids = await seed(acme);
    const { segment } = await acme.asAdmin.segments.create({ name: 'Everyone', rule: {}, categoryWeights: supportHeavy });
    await expectTrpcError(globex.asAdmin.segments.update({ id: segment.id, name: 'Taken' }), 'NOT_FOUND', 'Segment not found.');
    await expectTrpcError(globex.asAdmin.segments.delete({ id: segment.id }), 'NOT_FOUND', 'Segment not found.');
    await expectTrpcError(acme.asAdmin.segments.delete({ id: randomUUID() }), 'NOT_FOUND');
    expect((await globex.asAdmin.segments.list()).items).toEqual([]);
    // Globex's own segment with the same name matches none of Acme's accounts.
    const theirs = await globex.asAdmin.segments.create({ name: 'Everyone', rule: {} });
    expect(theirs.segment.accountCount).toBe(0);
    expect(await segmentOf(acme, ids.Big as string)).toBe('Everyone');
    expect((await acme.asMember.segments.list()).items[0]?.accountCount).toBe(3);
  });
});
