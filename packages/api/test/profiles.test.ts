import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pulse/db/testing';
import { editSample } from '../../ingest/test/helpers.js';
import { zipBombWorkbook } from '../../ingest/test/zip-bomb.js';
import { formData, makeTenant, readSample, type Caller, type TestTenant } from './harness.js';

const PROFILES = 'customer-profile.xlsx';
const upload = (bytes: Buffer) => formData({}, { name: PROFILES, bytes });

const handle = useTestDatabase();
let acme: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
});

/** The sample workbook with some cells of its profile sheet changed. */
function withCells(cells: Record<string, string | number>): Promise<Buffer> {
  return editSample(PROFILES, (wb) => {
    const sheet = wb.getWorksheet('Customer Profile Input');
    if (!sheet) throw new Error('The sample has no profile sheet.');
    for (const [address, value] of Object.entries(cells)) sheet.getCell(address).value = value;
  });
}

async function allAccounts(caller: Caller) {
  return (await caller.accounts.list({ limit: 100 })).items;
}

async function counts() {
  const count = async (table: 'accounts' | 'products' | 'activity_log') =>
    Number(
      (
        await handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { accounts: await count('accounts'), products: await count('products'), activity: await count('activity_log') };
}

describe('accounts.importProfiles', () => {
  it('refuses zip bombs, honest or lying about their size, and changes nothing', async () => {
    const before = await counts();
    expect(await acme.asAdmin.accounts.importProfiles(upload(zipBombWorkbook(300)))).toEqual({
      status: 'rejected',
      problems: [{ sheet: null, row: null, column: null, message: expect.stringMatching(/^The workbook unpacks to 301 MB, more than the 64 MB Pulse reads/) }],
    });
    expect(await acme.asAdmin.accounts.importProfiles(upload(zipBombWorkbook(300, { lie: true })))).toEqual({
      status: 'rejected',
      problems: [{ sheet: null, row: null, column: 'file', message: expect.stringMatching(/^The workbook's contents do not match its table of contents/) }],
    });
    expect(await counts()).toEqual(before);
  });

  it('creates the 36 sample accounts with their profile fields and products', async () => {
    const result = await acme.asAdmin.accounts.importProfiles(upload(readSample(PROFILES)));
    expect(result).toEqual({ status: 'accepted', created: 36, updated: 0, products: 60 });

    const accounts = await allAccounts(acme.asAdmin);
    expect(accounts).toHaveLength(36);
    const techCorp = accounts.find((a) => a.name === 'TechCorp Solutions');
    expect(techCorp).toMatchObject({
      externalId: '11',
      industry: 'Manufacturing',
      region: 'Europe',
      status: 'active',
      tier: 'Enterprise',
      revenue: 2468639,
      csmOwner: 'Emma Schmidt',
      renewalDate: '2026-02-22',
      lifecycleStage: 'Growth',
      champions: 'John Rodriguez (Senior Manager), 5 active champions',
    });
    const netCore = accounts.find((a) => a.name === 'NetCore');
    expect(netCore).toMatchObject({ tier: 'Enterprise', revenue: 3598654, renewalDate: '2026-03-28' });
    const products = await acme.asAdmin.accounts.products({ accountId: netCore?.id as string });
    expect(products.map((p) => p.name)).toEqual(['API Gateway', 'Integration Hub', 'Mobile App']);

    const activity = await handle.db.selectFrom('activity_log').select(['action', 'after']).where('action', '=', 'account.import').execute();
    expect(activity).toEqual([{ action: 'account.import', after: { created: 36, updated: 0, products: 60 } }]);
  });

  it('updates the accounts on a second import instead of duplicating them', async () => {
    await acme.asAdmin.accounts.create({ name: 'techcorp solutions', tier: 'SMB', industry: 'Retail' });
    const first = await acme.asAdmin.accounts.importProfiles(upload(readSample(PROFILES)));
    expect(first).toEqual({ status: 'accepted', created: 35, updated: 1, products: 60 });

    const second = await acme.asAdmin.accounts.importProfiles(upload(await withCells({ F5: 'Strategic', O5: 3000000 })));
    expect(second).toEqual({ status: 'accepted', created: 0, updated: 36, products: 0 });

    const accounts = await allAccounts(acme.asAdmin);
    expect(accounts).toHaveLength(36);
    expect(accounts.find((a) => a.externalId === '11')).toMatchObject({
      name: 'TechCorp Solutions',
      tier: 'Strategic',
      revenue: 3000000,
      industry: 'Manufacturing',
    });
    expect((await counts()).products).toBe(60);
  });

  it('rejects a workbook with bad cells, reporting each one, and changes nothing', async () => {
    const bad = await withCells({ F6: 'Platinum', L7: '2024-13-45', O8: -5 });
    const before = await counts();
    const result = await acme.asAdmin.accounts.importProfiles(upload(bad));
    expect(result).toEqual({
      status: 'rejected',
      problems: [
        {
          sheet: 'Customer Profile Input',
          row: 6,
          column: 'Account Tier',
          message: "Account Tier 'Platinum' is not one of: Enterprise, Mid-Market, SMB, Strategic",
        },
        {
          sheet: 'Customer Profile Input',
          row: 7,
          column: 'Contract Start Date',
          message: "Contract Start Date '2024-13-45' is not a date (expected YYYY-MM-DD)",
        },
        { sheet: 'Customer Profile Input', row: 8, column: 'ARR', message: 'ARR must not be negative (got -5)' },
      ],
    });
    expect(await counts()).toEqual(before);
  });

  it('leaves another tenant’s account of the same name untouched', async () => {
    const globex = await makeTenant(handle, 'Globex');
    const theirs = await globex.asAdmin.accounts.create({ name: 'TechCorp Solutions', tier: 'SMB', revenue: 10 });

    expect(await acme.asAdmin.accounts.importProfiles(upload(readSample(PROFILES)))).toMatchObject({ created: 36, updated: 0 });

    expect(await globex.asAdmin.accounts.byId({ id: theirs.id })).toMatchObject({ tier: 'SMB', revenue: 10, externalId: null });
    expect(await allAccounts(globex.asAdmin)).toHaveLength(1);
  });

  it('is for admins only', async () => {
    await expect(acme.asMember.accounts.importProfiles(upload(readSample(PROFILES)))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await counts()).accounts).toBe(0);
  });
});
