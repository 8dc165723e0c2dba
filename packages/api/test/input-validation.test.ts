import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { useTestDatabase } from '@pulse/db/testing';
import { anonymousCaller, formData, makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError, readmeExample, uploadCsv } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
let accountId: string;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  accountId = (await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-01'))).report.accounts[0]?.id as string;
});

/** Field errors of a failed input parse, as the HTTP error formatter reports them. */
function fieldErrors(error: { cause?: unknown }): Record<string, string[] | undefined> {
  expect(error.cause).toBeInstanceOf(ZodError);
  return z.flattenError(error.cause as ZodError).fieldErrors;
}

// Calls typed loosely on purpose: these inputs are what a hostile or buggy client sends.
type Loose = (input: unknown) => Promise<unknown>;
const loose = (f: unknown) => f as Loose;

describe('strict inputs', () => {
  it('reject unknown keys such as tenantId with BAD_REQUEST', async () => {
    const a = acme.asAdmin;
    const tenantId = globex.tenant.id;
    const calls: [string, Loose, Record<string, unknown>][] = [
      ['accounts.list', loose(a.accounts.list), {}],
      ['accounts.byId', loose(a.accounts.byId), { id: accountId }],
      ['accounts.create', loose(a.accounts.create), { name: 'New' }],
      ['accounts.update', loose(a.accounts.update), { id: accountId, industry: 'x' }],
      ['accounts.archive', loose(a.accounts.archive), { id: accountId }],
      ['accounts.products', loose(a.accounts.products), { accountId }],
      ['accounts.addProduct', loose(a.accounts.addProduct), { accountId, name: 'Mobile' }],
      ['uploads.list', loose(a.uploads.list), {}],
      ['uploads.byId', loose(a.uploads.byId), { id: randomUUID() }],
      ['kpis.list', loose(a.kpis.list), {}],
      ['kpis.trend', loose(a.kpis.trend), { accountId, kpi: 'Churn Rate' }],
      ['health.account', loose(a.health.account), { accountId }],
      ['health.explain', loose(a.health.explain), { accountId }],
      ['health.products', loose(a.health.products), { accountId }],
      ['health.trend', loose(a.health.trend), { accountId }],
      ['health.summary', loose(a.health.summary), {}],
      [
        'ranges.update',
        loose(a.ranges.update),
        { kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, healthyThreshold: 5, riskThreshold: 15, scaleMax: 100 },
      ],
      ['ranges.reset', loose(a.ranges.reset), { all: true }],
      ['ranges.updateSettings', loose(a.ranges.updateSettings), { categoryWeights: { Support: 1 }, tiers: { healthy: 80, atRisk: 60 } }],
    ];
    for (const [name, call, input] of calls) {
      const error = await expectTrpcError(call({ ...input, tenantId }), 'BAD_REQUEST');
      expect({ name, issues: (error.cause as ZodError).issues.map((i) => i.code) }).toEqual({ name, issues: ['unrecognized_keys'] });
    }
    // Nested objects are strict too.
    await expectTrpcError(loose(a.ranges.updateSettings)({ categoryWeights: { Support: 1 }, tiers: { healthy: 80, atRisk: 60, tenantId } }), 'BAD_REQUEST');
    // Procedures without input ignore whatever is sent: the tenant is the session's.
    const settings = (await loose(a.ranges.settings)({ tenantId })) as { tiers: { healthy: number } };
    expect(settings.tiers.healthy).toBe(80);
    expect(await handle.db.selectFrom('accounts').select('name').where('tenant_id', '=', tenantId).execute()).toEqual([]);
  });

  it('reject wrong types and out-of-range values with BAD_REQUEST', async () => {
    const a = acme.asAdmin;
    const range = { kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, healthyThreshold: 5, riskThreshold: 15, scaleMax: 100 };
    const bad: [string, Loose, unknown][] = [
      ['limit as text', loose(a.accounts.list), { limit: '5' }],
      ['unknown sort', loose(a.accounts.list), { sort: 'popularity' }],
      ['unknown order', loose(a.accounts.list), { order: 'up' }],
      ['paging backward', loose(a.accounts.list), { direction: 'backward' }],
      ['unknown health tier', loose(a.accounts.list), { healthTier: 'great' }],
      ['unknown status', loose(a.accounts.list), { status: 'happy' }],
      ['search too long', loose(a.accounts.list), { search: 'x'.repeat(201) }],
      ['no input', loose(a.accounts.byId), undefined],
      ['id not a uuid', loose(a.accounts.byId), { id: 'not-a-uuid' }],
      ['id as number', loose(a.accounts.byId), { id: 42 }],
      ['archived as text', loose(a.accounts.archive), { id: accountId, archived: 'yes' }],
      ['month 13', loose(a.health.account), { accountId, period: '2026-13' }],
      ['short period', loose(a.health.explain), { accountId, period: '2026-1' }],
      ['bad product period', loose(a.health.products), { accountId, period: '2026-00' }],
      ['period without dash', loose(a.kpis.list), { period: '202601' }],
      ['unknown reading status', loose(a.kpis.list), { status: 'amazing' }],
      ['upload status', loose(a.uploads.list), { status: 'pending' }],
      ['empty kpi', loose(a.kpis.trend), { accountId, kpi: '   ' }],
      ['zero periods', loose(a.kpis.trend), { accountId, kpi: 'Churn Rate', periods: 0 }],
      ['too many periods', loose(a.health.trend), { accountId, periods: 121 }],
      ['fractional periods', loose(a.health.trend), { accountId, periods: 1.5 }],
      ['threshold as text', loose(a.ranges.update), { ...range, scaleMin: '0' }],
      ['direction as text', loose(a.ranges.update), { ...range, higherIsBetter: 'yes' }],
      ['threshold infinite', loose(a.ranges.update), { ...range, scaleMax: Infinity }],
      ['missing threshold', loose(a.ranges.update), { kpi: 'Churn Rate', higherIsBetter: true }],
      ['reset nothing', loose(a.ranges.reset), {}],
      ['reset both', loose(a.ranges.reset), { kpi: 'Churn Rate', all: true }],
      ['weight as text', loose(a.ranges.updateSettings), { categoryWeights: { Support: 'high' }, tiers: { healthy: 80, atRisk: 60 } }],
      ['tier above 100', loose(a.ranges.updateSettings), { categoryWeights: { Support: 1 }, tiers: { healthy: 120, atRisk: 60 } }],
      ['upload as JSON', loose(a.uploads.create), { file: 'readings.csv', period: '2026-01' }],
    ];
    for (const [label, call, input] of bad) {
      const error = await expectTrpcError(call(input), 'BAD_REQUEST');
      expect(error.cause, label).toBeInstanceOf(ZodError);
    }
    // Nothing was written by any of them.
    expect(await handle.db.selectFrom('reference_ranges').selectAll().execute()).toEqual([]);
  });

  it('require a session for every KPI-domain procedure (UNAUTHORIZED)', async () => {
    const anon = anonymousCaller(handle.db);
    const calls: Promise<unknown>[] = [
      anon.accounts.list({}),
      anon.accounts.byId({ id: accountId }),
      anon.accounts.create({ name: 'X' }),
      anon.uploads.list({}),
      anon.uploads.create(formData({}, { name: 'a.csv', bytes: 'x' })),
      anon.kpis.list({}),
      anon.health.summary(),
      anon.health.account({ accountId }),
      anon.ranges.list(),
      anon.ranges.update({ kpi: 'Churn Rate', higherIsBetter: false, scaleMin: 0, healthyThreshold: 5, riskThreshold: 15, scaleMax: 100 }),
    ];
    for (const call of calls) await expectTrpcError(call, 'UNAUTHORIZED', 'Please sign in.');
  });
});

describe('accounts.create and accounts.update', () => {
  it('store every field, trimmed, and read them back', async () => {
    const created = await acme.asMember.accounts.create({
      name: '  Initech  ',
      externalId: ' EXT-1 ',
      industry: 'Software',
      region: 'EMEA',
      status: 'onboarding',
      tier: 'Enterprise',
      revenue: 125000.5,
      csmOwner: 'Jane Doe',
      renewalDate: '2027-02-28',
      lifecycleStage: 'Adoption',
      champions: 'Bill Lumbergh',
    });
    expect(created).toMatchObject({
      name: 'Initech',
      externalId: 'EXT-1',
      industry: 'Software',
      region: 'EMEA',
      status: 'onboarding',
      tier: 'Enterprise',
      revenue: 125000.5,
      csmOwner: 'Jane Doe',
      renewalDate: '2027-02-28',
      lifecycleStage: 'Adoption',
      champions: 'Bill Lumbergh',
      archivedAt: null,
      health: { overall: null, tier: 'unknown', period: null },
    });
    expect(await acme.asMember.accounts.byId({ id: created.id })).toEqual(created);
    // Defaults: active, every optional field null.
    expect(await acme.asMember.accounts.create({ name: 'Bare' })).toMatchObject({ status: 'active', industry: null, revenue: null, renewalDate: null });

    const updated = await acme.asMember.accounts.update({ id: created.id, industry: null, revenue: 0, status: 'at_risk' });
    expect(updated).toMatchObject({ name: 'Initech', industry: null, revenue: 0, status: 'at_risk', region: 'EMEA' });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
  });

  it('validate each field with BAD_REQUEST, the field named and a sentence a person can act on', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: '' }, 'name', /^Required\.$/],
      [{ name: '   ' }, 'name', /^Required\.$/],
      [{ name: 'x'.repeat(201) }, 'name', /^Use at most 200 characters\.$/],
      [{ name: 'A', industry: 'x'.repeat(201) }, 'industry', /^Use at most 200 characters\.$/],
      [{ name: 'A', externalId: 'x'.repeat(101) }, 'externalId', /^Use at most 100 characters\.$/],
      [{ name: 'A', champions: 'x'.repeat(1001) }, 'champions', /^Use at most 1000 characters\.$/],
      [{ name: 'A', status: 'gone' }, 'status', /^Choose one of: prospect, onboarding, /],
      [{ name: 'A', revenue: -1 }, 'revenue', /^Enter 0 or more\.$/],
      [{ name: 'A', revenue: Number.NaN }, 'revenue', /^Enter a number\.$/],
      [{ name: 'A', revenue: 1e16 }, 'revenue', /^Enter 1000000000000000 or less\.$/],
      [{ name: 'A', revenue: '100' }, 'revenue', /^Enter a number\.$/],
      [{ name: 'A', renewalDate: '31/12/2026' }, 'renewalDate', /Use the form YYYY-MM-DD\./],
      [{ name: 'A', renewalDate: '2026-02-30' }, 'renewalDate', /Use the form YYYY-MM-DD\./],
      [{ name: 'A', renewalDate: '2026-13-01' }, 'renewalDate', /Use the form YYYY-MM-DD\./],
    ];
    for (const [input, field, message] of cases) {
      const error = await expectTrpcError(loose(acme.asMember.accounts.create)(input), 'BAD_REQUEST');
      const errors = fieldErrors(error);
      expect(Object.keys(errors), JSON.stringify(input).slice(0, 60)).toEqual([field]);
      expect(errors[field]?.join(' ')).toMatch(message);
    }
    await expectTrpcError(loose(acme.asMember.accounts.update)({ id: accountId, name: null }), 'BAD_REQUEST');
    await expectTrpcError(loose(acme.asMember.accounts.update)({ id: accountId, renewalDate: '2026-04-31' }), 'BAD_REQUEST');
    expect((await acme.asMember.accounts.list({})).items.map((a) => a.name)).toEqual(['Acme Corp']);
  });

  it('refuse text the database cannot store (NUL characters) with BAD_REQUEST, not an internal error', async () => {
    const message = 'Text must not contain NUL characters.';
    await expectTrpcError(acme.asMember.accounts.create({ name: 'Ini\u0000tech' }), 'BAD_REQUEST', message);
    await expectTrpcError(acme.asMember.accounts.update({ id: accountId, industry: 'Soft\u0000ware' }), 'BAD_REQUEST', message);
    await expectTrpcError(acme.asMember.accounts.list({ search: '\u0000' }), 'BAD_REQUEST', message);
    await expectTrpcError(acme.asMember.kpis.trend({ accountId, kpi: 'Churn\u0000' }), 'BAD_REQUEST', message);
    expect(await acme.asMember.accounts.byId({ id: accountId })).toMatchObject({ name: 'Acme Corp', industry: null });
    expect((await acme.asMember.accounts.list({})).items).toHaveLength(1);
  });

  it('refuse a duplicate name, ignoring case and surrounding space, with CONFLICT', async () => {
    await expectTrpcError(acme.asMember.accounts.create({ name: 'ACME corp' }), 'CONFLICT', 'An account named "ACME corp" already exists.');
    await expectTrpcError(acme.asMember.accounts.create({ name: '  acme CORP ' }), 'CONFLICT', 'An account named "acme CORP" already exists.');
    const other = await acme.asMember.accounts.create({ name: 'Initech' });
    await expectTrpcError(acme.asMember.accounts.update({ id: other.id, name: 'acme corp' }), 'CONFLICT', 'An account named "acme corp" already exists.');
    // Its own name in another case is fine.
    expect((await acme.asMember.accounts.update({ id: other.id, name: 'INITECH' })).name).toBe('INITECH');
    // Names are unique per tenant only.
    expect((await globex.asMember.accounts.create({ name: 'Acme Corp' })).name).toBe('Acme Corp');
    // Products are unique per account the same way.
    await acme.asMember.accounts.addProduct({ accountId, name: 'Mobile' });
    await expectTrpcError(acme.asMember.accounts.addProduct({ accountId, name: ' MOBILE ' }), 'CONFLICT', 'This account already has a product named "MOBILE".');
    expect(await handle.db.selectFrom('accounts').select('name').where('tenant_id', '=', acme.tenant.id).orderBy('name').execute()).toEqual([
      { name: 'Acme Corp' },
      { name: 'INITECH' },
    ]);
  });

  it('gives CONFLICT, not an internal error, when two requests create the same name at once', async () => {
    const results = await Promise.allSettled([
      acme.asMember.accounts.create({ name: 'Racing Ltd' }),
      acme.asAdmin.accounts.create({ name: 'racing ltd' }),
      acme.asMember.accounts.create({ name: 'RACING LTD' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('CONFLICT');
    }
  });
});
