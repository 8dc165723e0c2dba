import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, truncateAll, type TestDatabase } from '@pulse/db/testing';
import { appRouter } from '../src/router.js';
import { formData, readSample, type TestTenant, makeTenant } from './harness.js';
import { allPages, expectTrpcError, readmeExample, snapshotTenant, storedId, uploadCsv, uploadWorkbook } from './kpi-helpers.js';

let handle: TestDatabase;
let acme: TestTenant;
let globex: TestTenant;
/** Globex's ids, which Acme tries to use. */
let their: { accountId: string; otherAccountId: string; uploadId: string; rejectedUploadId: string; workbookUploadId: string };
let acmeAccountId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

/** Every call of Acme's that names one of Globex's ids, as a function of that id. */
function callsWithIds(): { name: string; call: (id: string) => Promise<unknown> }[] {
  const a = acme.asAdmin;
  return [
    { name: 'accounts.byId', call: (id) => a.accounts.byId({ id }) },
    { name: 'accounts.update', call: (id) => a.accounts.update({ id, name: 'Hijacked', revenue: 1 }) },
    { name: 'accounts.update (fields only)', call: (id) => a.accounts.update({ id, industry: 'Hijacked' }) },
    { name: 'accounts.archive', call: (id) => a.accounts.archive({ id }) },
    { name: 'accounts.archive (restore)', call: (id) => a.accounts.archive({ id, archived: false }) },
    { name: 'accounts.products', call: (accountId) => a.accounts.products({ accountId }) },
    { name: 'accounts.addProduct', call: (accountId) => a.accounts.addProduct({ accountId, name: 'Stolen' }) },
    { name: 'accounts.assignOwner', call: (accountId) => a.accounts.assignOwner({ accountIds: [accountId], userId: acme.member.id }) },
    { name: 'uploads.byId', call: (id) => a.uploads.byId({ id }) },
    { name: 'kpis.trend', call: (accountId) => a.kpis.trend({ accountId, kpi: 'Customer Retention Rate' }) },
    { name: 'health.account', call: (accountId) => a.health.account({ accountId }) },
    { name: 'health.account (period)', call: (accountId) => a.health.account({ accountId, period: '2026-01' }) },
    { name: 'health.explain', call: (accountId) => a.health.explain({ accountId }) },
    { name: 'health.explain (period)', call: (accountId) => a.health.explain({ accountId, period: '2026-02' }) },
    { name: 'health.trend', call: (accountId) => a.health.trend({ accountId }) },
    { name: 'health.products', call: (accountId) => a.health.products({ accountId }) },
    { name: 'health.products (period)', call: (accountId) => a.health.products({ accountId, period: '2026-02' }) },
    { name: 'health.trends', call: (accountId) => a.health.trends({ accountIds: [accountId] }) },
    { name: 'accounts.byId (as member)', call: (id) => acme.asMember.accounts.byId({ id }) },
    { name: 'health.explain (as member)', call: (accountId) => acme.asMember.health.explain({ accountId }) },
  ];
}

/** Globex's ids each call is tried with: the ones of the kind the call takes. */
function theirIdsFor(name: string): string[] {
  return name.startsWith('uploads.') ? [their.uploadId, their.rejectedUploadId, their.workbookUploadId] : [their.accountId, their.otherAccountId];
}

describe('tenant isolation', () => {
  beforeEach(async () => {
    await truncateAll(handle);
    acme = await makeTenant(handle, 'Acme');
    globex = await makeTenant(handle, 'Globex');

    // Globex: two months of readings with a product reading, a workbook, a rejected upload,
    // a hand-made account with a product, a range override and its own settings.
    const csv = await uploadCsv(
      globex.asAdmin,
      [
        ...readmeExample('TechCorp Solutions', '2026-01'),
        ...readmeExample('TechCorp Solutions', '2026-02'),
        ['TechCorp Solutions', '2026-02', 'Support', 'Ticket Volume', '100', 'High'],
      ],
      {},
      { header: ['product'], rows: [[''], [''], [''], [''], [''], [''], [''], [''], ['Mobile']] },
    );
    const workbook = await uploadWorkbook(globex.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-02');
    const rejected = await globex.asAdmin.uploads.create(
      formData({}, { name: 'no-value.csv', bytes: 'account,period,category,kpi\nGlobex,2026-01,Support,Ticket Volume\n' }),
    );
    const other = await globex.asAdmin.accounts.create({ name: 'DataCo Inc', industry: 'Data', revenue: 1000 });
    await globex.asAdmin.accounts.addProduct({ accountId: other.id, name: 'Analytics' });
    await globex.asAdmin.ranges.update({
      kpi: 'Customer Retention Rate',
      higherIsBetter: true,
      scaleMin: 0,
      riskThreshold: 80,
      healthyThreshold: 95,
      scaleMax: 100,
    });
    await globex.asAdmin.ranges.updateSettings({ categoryWeights: { 'Product Usage': 50, Support: 50 }, tiers: { healthy: 70, atRisk: 50 } });
    their = {
      accountId: csv.report.accounts[0]?.id as string,
      otherAccountId: other.id,
      uploadId: storedId(csv),
      rejectedUploadId: storedId(rejected),
      workbookUploadId: storedId(workbook),
    };

    acmeAccountId = (await uploadCsv(acme.asAdmin, readmeExample('Acme Corp', '2026-01'))).report.accounts[0]?.id as string;
  });

  it("answers another tenant's id exactly like an id that does not exist (NOT_FOUND, same message)", async () => {
    for (const { name, call } of callsWithIds()) {
      const missing = await expectTrpcError(call(randomUUID()), 'NOT_FOUND');
      for (const id of theirIdsFor(name)) {
        const foreign = await expectTrpcError(call(id), 'NOT_FOUND');
        expect({ name, code: foreign.code, message: foreign.message }).toEqual({ name, code: missing.code, message: missing.message });
      }
    }
    // The same calls with Acme's own ids work (so the NOT_FOUND above is not a broken call).
    expect((await acme.asAdmin.accounts.byId({ id: acmeAccountId })).name).toBe('Acme Corp');
    expect((await acme.asAdmin.health.explain({ accountId: acmeAccountId })).readings).toHaveLength(4);
    expect(await acme.asAdmin.kpis.trend({ accountId: acmeAccountId, kpi: 'Customer Retention Rate' })).toHaveLength(1);
  });

  it("lists never contain another tenant's rows; filtering by its id is like filtering by an unknown id", async () => {
    const theirAccounts = new Set([their.accountId, their.otherAccountId]);
    const theirUploads = new Set([their.uploadId, their.rejectedUploadId, their.workbookUploadId]);
    const theirReadings = new Set(
      (await handle.db.selectFrom('kpi_readings').select('id').where('tenant_id', '=', globex.tenant.id).execute()).map((r) => r.id),
    );
    expect(theirReadings.size).toBe(9 + 59);

    const accounts = (await allPages((cursor) => acme.asMember.accounts.list({ includeArchived: true, limit: 1, cursor }), 1)).flat();
    expect(accounts.map((x) => x.id)).toEqual([acmeAccountId]);
    expect((await acme.asMember.accounts.list({ search: 'TechCorp' })).items).toEqual([]);
    for (const sort of ['health', 'updated'] as const) {
      expect((await acme.asMember.accounts.list({ sort, includeArchived: true })).items.map((x) => x.id)).toEqual([acmeAccountId]);
    }

    const uploads = (await allPages((cursor) => acme.asMember.uploads.list({ limit: 1, cursor }), 1)).flat();
    expect(uploads).toHaveLength(1);
    expect(uploads.some((u) => theirUploads.has(u.id))).toBe(false);
    for (const status of ['accepted', 'rejected'] as const) {
      expect((await acme.asMember.uploads.list({ status })).items.some((u) => theirUploads.has(u.id))).toBe(false);
    }

    const readings = (await allPages((cursor) => acme.asMember.kpis.list({ limit: 3, cursor }), 3)).flat();
    expect(readings).toHaveLength(4);
    expect(readings.some((r) => theirReadings.has(r.id) || theirAccounts.has(r.accountId))).toBe(false);
    expect((await acme.asMember.kpis.list({ period: '2026-02' })).items).toEqual([]);

    for (const accountId of theirAccounts) {
      const unknown = randomUUID();
      expect(await acme.asMember.uploads.list({ accountId })).toEqual(await acme.asMember.uploads.list({ accountId: unknown }));
      expect(await acme.asMember.kpis.list({ accountId })).toEqual(await acme.asMember.kpis.list({ accountId: unknown }));
      expect((await acme.asMember.kpis.list({ accountId })).items).toEqual([]);
    }

    const summary = await acme.asMember.health.summary();
    expect(summary.accounts).toBe(1);
    expect(summary.byTier).toEqual({ healthy: 0, at_risk: 1, critical: 0, unknown: 0 });
    expect(summary.averageTrend.map((t) => t.period)).toEqual(['2026-01']);
    expect((await acme.asMember.ranges.list()).every((r) => r.source === 'default')).toBe(true);
    expect((await acme.asMember.ranges.settings()).tiers).toEqual({ healthy: 80, atRisk: 60 });
  });

  it("leaves another tenant's rows unchanged whatever this tenant does", async () => {
    const before = await snapshotTenant(handle.db, globex.tenant.id);
    expect(before.kpi_readings).toHaveLength(68);
    expect(before.reference_ranges).toHaveLength(1);

    // Every failing attempt with Globex's ids…
    for (const { name, call } of callsWithIds()) for (const id of theirIdsFor(name)) await call(id).catch(() => undefined);
    // …and everything Acme may do that could reach another tenant's rows by name or in bulk.
    const sameName = await acme.asAdmin.accounts.create({ name: 'DataCo Inc' });
    expect(sameName.id).not.toBe(their.otherAccountId);
    await acme.asAdmin.accounts.update({ id: acmeAccountId, name: 'TechCorp Solutions Renamed' });
    const csv = await uploadCsv(acme.asAdmin, readmeExample('TechCorp Solutions', '2026-02'));
    expect(csv.report.accounts).toEqual([{ id: expect.any(String), name: 'TechCorp Solutions', created: true }]);
    expect(csv.report.accounts[0]?.id).not.toBe(their.accountId);
    await uploadWorkbook(acme.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-02');
    await uploadCsv(acme.asAdmin, readmeExample('DataCo Inc', '2026-02'), { createAccounts: 'false' });
    await acme.asAdmin.ranges.update({
      kpi: 'Customer Retention Rate',
      higherIsBetter: true,
      scaleMin: 0,
      riskThreshold: 50,
      healthyThreshold: 60,
      scaleMax: 100,
    });
    await acme.asAdmin.ranges.updateSettings({ categoryWeights: { Support: 1 }, tiers: { healthy: 90, atRisk: 10 } });
    await acme.asAdmin.ranges.reset({ kpi: 'Customer Retention Rate' });
    await acme.asAdmin.ranges.reset({ all: true });
    // The profile workbook names TechCorp Solutions and DataCo Inc, which Globex has too.
    const profiles = await acme.asAdmin.accounts.importProfiles(formData({}, { name: 'profiles.xlsx', bytes: readSample('customer-profile.xlsx') }));
    expect(profiles).toMatchObject({ status: 'accepted', created: 34, updated: 2 });
    // The workbook's owner names match no Acme user; resolving one assigns Acme's accounts only.
    expect((await acme.asAdmin.accounts.unmatchedOwners({ limit: 100 })).items).toHaveLength(12);
    expect(await acme.asAdmin.accounts.resolveOwner({ csmOwner: 'Carlos Rodriguez', userId: acme.member.id })).toMatchObject({ assigned: 8 });

    expect(await snapshotTenant(handle.db, globex.tenant.id)).toEqual(before);
  });
});

describe('the isolation tests', () => {
  it('cover every procedure of the KPI domain', () => {
    const covered = new Set([
      ...callsWithIds().map((c) => c.name.split(' ')[0] as string),
      // lists, filters and summaries: the second test; writes without ids: the third
      'accounts.list',
      'accounts.create',
      'accounts.importProfiles',
      'accounts.unmatchedOwners',
      'accounts.resolveOwner',
      'uploads.create',
      'uploads.list',
      'kpis.list',
      'health.summary',
      'ranges.list',
      'ranges.update',
      'ranges.reset',
      'ranges.settings',
      'ranges.updateSettings',
    ]);
    const domain = Object.keys(appRouter._def.procedures).filter((p) => /^(accounts|uploads|kpis|health|ranges)\./.test(p));
    expect(domain.sort()).toEqual([...covered].sort());
  });
});
