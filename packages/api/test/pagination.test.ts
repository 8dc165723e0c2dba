import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, truncateAll, type TestDatabase } from '@pulse/db/testing';
import { encodeCursor } from '@pulse/db';
import { formData, makeTenant, type TestTenant } from './harness.js';
import { allPages, expectTrpcError, uploadCsv, type Line } from './kpi-helpers.js';

// The lists here are only read, so the tenants and their data are set up once for the file.
let handle: TestDatabase;
let acme: TestTenant;
let globex: TestTenant;
/** A CSV with its header and no rows: stored as a rejected upload ("The file contains no readings."). */
const NO_READINGS = 'account,period,category,kpi,value\n';

beforeAll(async () => {
  handle = await createTestDatabase();
  await truncateAll(handle);
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  await seedAcme();
  await seedGlobex();
});
afterAll(async () => {
  await handle.close();
});

const pad = (i: number) => String(i).padStart(3, '0');
/** Every tenth account is a Northwind one; Account 115 has an underscore (a LIKE wildcard). */
const accountName = (i: number) => `Account ${pad(i)}${i % 10 === 0 ? ' Northwind' : ''}${i === 115 ? ' Under_score' : ''}`;

/**
 * Customer Retention Rate (%, higher is better, r 71, h 91) by i % 5, the only reading, so
 * overall = that score: 94% → 78 at_risk; 71% → 34 critical; 100% → 100 healthy;
 * 50% → 33·50/71 = 23.24 critical; "$5" → unit mismatch, no score, unknown.
 */
const values = ['94%', '71%', '100%', '50%', '$5'];

async function seedAcme() {
  // Accounts 000–099 come from one CSV upload (2026-01), 30 of them get a second month.
  const jan: Line[] = Array.from({ length: 100 }, (_, i) => [
    accountName(i),
    '2026-01',
    'Product Usage',
    'Customer Retention Rate',
    values[i % 5] as string,
    'High',
  ]);
  await uploadCsv(acme.asAdmin, jan);
  const feb: Line[] = Array.from({ length: 30 }, (_, i) => [
    accountName(i),
    '2026-02',
    'Product Usage',
    'Customer Retention Rate',
    values[i % 5] as string,
    'High',
  ]);
  await uploadCsv(acme.asAdmin, feb);
  // Accounts 100–119 are created by hand: 100–104 churned, 105–109 onboarding, the rest active.
  for (let i = 100; i < 120; i++) {
    await acme.asAdmin.accounts.create({ name: accountName(i), status: i < 105 ? 'churned' : i < 110 ? 'onboarding' : 'active' });
  }
  // Ten rejected uploads (a CSV with no readings is stored as rejected; an empty file is refused
  // and not stored), so the upload list has more than two pages of five.
  for (let i = 0; i < 10; i++) await acme.asAdmin.uploads.create(formData({}, { name: `empty-${i}.csv`, bytes: NO_READINGS }));
  // PostgreSQL's clock has microseconds; give the accounts timestamps 0.4 ms apart, several
  // within one millisecond, as rows written in quick succession have.
  await sql`
    UPDATE accounts a SET updated_at = timestamptz '2026-01-01 00:00:00+00' + n.i * interval '400 microseconds'
    FROM (SELECT id, row_number() OVER (ORDER BY name_key DESC) AS i FROM accounts WHERE tenant_id = ${acme.tenant.id}) n
    WHERE a.tenant_id = ${acme.tenant.id} AND a.id = n.id
  `.execute(handle.db);
}

async function seedGlobex() {
  // Globex names sort between Acme's ("Account 049 Globex" < "Account 050"), so a Globex
  // cursor lands in the middle of Acme's list.
  const lines: Line[] = Array.from({ length: 60 }, (_, i) => [`Account ${pad(i)} Globex`, '2026-03', 'Support', 'Ticket Volume', '100', 'High']);
  await uploadCsv(globex.asAdmin, lines);
  for (let i = 0; i < 6; i++) await globex.asAdmin.uploads.create(formData({}, { name: `g-${i}.csv`, bytes: NO_READINGS }));
}

type AccountItem = Awaited<ReturnType<TestTenant['asAdmin']['accounts']['list']>>['items'][number];
const health = (a: AccountItem) => a.health.overall ?? -1;
const byKeyThenId = (key: (a: AccountItem) => string | number) => (a: AccountItem, b: AccountItem) => {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

async function everyAccount(t: TestTenant): Promise<AccountItem[]> {
  return (await allPages((cursor) => t.asAdmin.accounts.list({ limit: 100, cursor }), 100)).flat();
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const noDuplicates = (list: string[]) => expect(new Set(list).size).toBe(list.length);

describe('accounts.list', () => {
  const orders = {
    name: byKeyThenId((a) => a.name.toLowerCase()),
    health: byKeyThenId(health),
    updated: byKeyThenId((a) => a.updatedAt.getTime()),
  };

  for (const sort of ['name', 'health', 'updated'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`pages through 120 accounts by ${sort} ${order}: 50 + 50 + 20, no duplicates, no gaps`, async () => {
        const all = await everyAccount(acme);
        expect(all).toHaveLength(120);
        const expected = [...all].sort(orders[sort]);
        if (order === 'desc') expected.reverse();
        const pages = await allPages((cursor) => acme.asMember.accounts.list({ limit: 50, cursor, sort, order }), 50);
        expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
        const got = ids(pages.flat());
        noDuplicates(got);
        expect(got).toEqual(ids(expected));
      });
    }
  }

  it('filters by search (case-insensitive, wildcards taken literally), health tier and status', async () => {
    const list = async (input: Parameters<TestTenant['asAdmin']['accounts']['list']>[0]) =>
      (await allPages((cursor) => acme.asMember.accounts.list({ ...input, limit: 15, cursor }), 15)).flat();
    // Northwind: 000, 010, …, 110
    expect((await list({ search: 'NORTHwind' })).map((a) => a.name)).toEqual(Array.from({ length: 12 }, (_, i) => accountName(i * 10)));
    expect((await list({ search: '_' })).map((a) => a.name)).toEqual(['Account 115 Under_score']);
    expect(await list({ search: '%' })).toEqual([]);
    // i % 5 of 000–099: 1 and 3 are critical (40), 0 at_risk (20), 2 healthy (20); 4 (20) and
    // the 20 created by hand have no score.
    const critical = await list({ healthTier: 'critical' });
    expect(critical).toHaveLength(40);
    expect(critical.every((a) => a.health.tier === 'critical' && [1, 3].includes(Number(a.name.slice(8, 11)) % 5))).toBe(true);
    expect(await list({ healthTier: 'at_risk' })).toHaveLength(20);
    expect((await list({ healthTier: 'healthy' })).every((a) => a.health.overall === 100)).toBe(true);
    expect(await list({ healthTier: 'unknown' })).toHaveLength(40);
    expect((await list({ status: 'churned' })).map((a) => a.name)).toEqual([100, 101, 102, 103, 104].map(accountName));
    expect(await list({ status: 'onboarding', healthTier: 'unknown' })).toHaveLength(5);
    expect(await list({ status: 'paused' })).toEqual([]);
    // Filters and sort together: the at-risk accounts by health then id, all scoring 78.
    const atRisk = await list({ healthTier: 'at_risk', sort: 'health', order: 'desc' });
    expect(atRisk.map((a) => a.health.overall)).toEqual(Array(20).fill(78));
    expect(ids(atRisk)).toEqual(ids([...atRisk].sort(byKeyThenId(health)).reverse()));
  });

  it('rejects limits outside 1–100 instead of clamping them', async () => {
    await expectTrpcError(acme.asMember.accounts.list({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.accounts.list({ limit: 101 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.accounts.list({ limit: 2.5 }), 'BAD_REQUEST');
    expect((await acme.asMember.accounts.list({ limit: 100 })).items).toHaveLength(100);
    expect((await acme.asMember.accounts.list({})).items).toHaveLength(50);
  });

  it('answers a garbage or mismatched cursor with BAD_REQUEST', async () => {
    const byName = (await acme.asMember.accounts.list({ limit: 5 })).nextCursor as string;
    const garbage = [
      'not a cursor!',
      encodeCursor([]),
      Buffer.from('{"a":1}').toString('base64url'),
      encodeCursor(['x', 'y', 'z']),
      encodeCursor(['account 001', 'not-a-uuid']),
      encodeCursor([{} as never, 'x']),
    ];
    for (const cursor of garbage) {
      await expectTrpcError(acme.asMember.accounts.list({ cursor }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    }
    // A cursor from the name-sorted list does not fit the health or updated sort.
    await expectTrpcError(acme.asMember.accounts.list({ cursor: byName, sort: 'health' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    await expectTrpcError(acme.asMember.accounts.list({ cursor: byName, sort: 'updated' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    await expectTrpcError(acme.asMember.accounts.list({ cursor: 'x'.repeat(1001) }), 'BAD_REQUEST');
    // The failed calls left nothing broken: the next call works.
    expect((await acme.asMember.accounts.list({ cursor: byName, limit: 5 })).items.map((a) => a.name)).toEqual([5, 6, 7, 8, 9].map(accountName));
  });

  it("a cursor from another tenant's list selects only the caller's rows", async () => {
    const globexPage = await globex.asAdmin.accounts.list({ limit: 50 });
    expect(globexPage.items.at(-1)?.name).toBe('Account 049 Globex');
    const page = await acme.asMember.accounts.list({ limit: 50, cursor: globexPage.nextCursor });
    // Acme's accounts after "account 049 globex" by name: 050 … 099.
    expect(page.items.map((a) => a.name)).toEqual(Array.from({ length: 50 }, (_, i) => accountName(50 + i)));
    const acmeIds = new Set(ids(await everyAccount(acme)));
    expect(page.items.every((a) => acmeIds.has(a.id))).toBe(true);
  });

  it('leaves archived accounts out unless asked', async () => {
    const t = await makeTenant(handle, 'Archive Test');
    const kept = await t.asAdmin.accounts.create({ name: 'Kept' });
    const gone = await t.asAdmin.accounts.create({ name: 'Gone' });
    await t.asAdmin.accounts.archive({ id: gone.id });
    expect(ids((await t.asMember.accounts.list({})).items)).toEqual([kept.id]);
    expect(ids((await t.asMember.accounts.list({ includeArchived: true })).items)).toEqual([gone.id, kept.id]);
  });
});

/** Reading ids of a tenant in list order (newest period first, then id descending), from the table. */
async function readingOrder(tenantId: string, where: { period?: string } = {}) {
  let q = handle.db.selectFrom('kpi_readings').select(['id', 'period']).where('tenant_id', '=', tenantId);
  if (where.period) q = q.where('period', '=', where.period);
  return ids(await q.orderBy('period', 'desc').orderBy('id', 'desc').execute());
}

describe('kpis.list', () => {
  it('pages through 130 readings: 50 + 50 + 30 in period and id order, no duplicates, no gaps', async () => {
    const pages = await allPages((cursor) => acme.asMember.kpis.list({ limit: 50, cursor }), 50);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 30]);
    const got = ids(pages.flat());
    noDuplicates(got);
    expect(got).toEqual(await readingOrder(acme.tenant.id));
    expect(pages.flat().every((r) => r.accountName.startsWith('Account '))).toBe(true);
  });

  it('filters by period, account, category and status', async () => {
    const list = async (input: Parameters<TestTenant['asAdmin']['kpis']['list']>[0]) =>
      (await allPages((cursor) => acme.asMember.kpis.list({ ...input, limit: 20, cursor }), 20)).flat();
    expect(ids(await list({ period: '2026-02' }))).toEqual(await readingOrder(acme.tenant.id, { period: '2026-02' }));
    const first = (await acme.asMember.accounts.list({ limit: 1 })).items[0];
    expect((await list({ accountId: first?.id })).map((r) => r.period)).toEqual(['2026-02', '2026-01']);
    expect(await list({ category: 'Support' })).toEqual([]);
    expect(await list({ category: 'Product Usage' })).toHaveLength(130);
    // "$5" is every fifth reading: 20 in January and 6 in February.
    expect(await list({ status: 'unknown' })).toHaveLength(26);
    // A reading's band is not the account's tier: 94% is a healthy reading (score 78) of an
    // at-risk account. Healthy readings in February: i % 5 = 0 (94%) or 2 (100%) → 12.
    expect(await list({ status: 'healthy', period: '2026-02' })).toHaveLength(12);
  });

  it('rejects bad limits and cursors with BAD_REQUEST', async () => {
    await expectTrpcError(acme.asMember.kpis.list({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.kpis.list({ limit: 101 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.kpis.list({ cursor: '%%%' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    await expectTrpcError(acme.asMember.kpis.list({ cursor: encodeCursor(['2026-01', 'nope']) }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
  });

  it("a cursor from another tenant's list selects only the caller's rows", async () => {
    const globexPage = await globex.asAdmin.kpis.list({ limit: 10 });
    expect(globexPage.items.every((r) => r.period === '2026-03')).toBe(true);
    // Globex's readings are in 2026-03, after all of Acme's in this order: the whole Acme list follows.
    const pages = await allPages((cursor) => acme.asMember.kpis.list({ limit: 50, cursor: cursor ?? globexPage.nextCursor }), 50);
    expect(ids(pages.flat())).toEqual(await readingOrder(acme.tenant.id));
  });
});

/** Upload ids of a tenant in list order (newest first, then id descending), from the table. */
async function uploadOrder(tenantId: string) {
  return ids(
    await handle.db.selectFrom('kpi_uploads').select('id').where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),
  );
}

describe('uploads.list', () => {
  it('pages through 12 uploads: 5 + 5 + 2 newest first, no duplicates, no gaps', async () => {
    const pages = await allPages((cursor) => acme.asMember.uploads.list({ limit: 5, cursor }), 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    const got = ids(pages.flat());
    noDuplicates(got);
    expect(got).toEqual(await uploadOrder(acme.tenant.id));
    expect(pages.flat().map((u) => u.status)).toEqual([...Array<string>(10).fill('rejected'), 'accepted', 'accepted']);
    expect((await acme.asMember.uploads.list({ status: 'accepted' })).items.map((u) => u.format)).toEqual(['csv', 'csv']);
  });

  it('rejects bad limits and cursors with BAD_REQUEST', async () => {
    await expectTrpcError(acme.asMember.uploads.list({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.uploads.list({ limit: 101 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.uploads.list({ cursor: 'garbage' }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
    await expectTrpcError(acme.asMember.uploads.list({ cursor: encodeCursor(['yesterday', 'x']) }), 'BAD_REQUEST', 'The cursor is not valid for this list.');
  });

  it("a cursor from another tenant's list selects only the caller's rows", async () => {
    const globexPage = await globex.asAdmin.uploads.list({ limit: 2 });
    expect(globexPage.nextCursor).not.toBeNull();
    // Globex's uploads are newer than all of Acme's: after its cursor come all of Acme's.
    const got = ids((await allPages((cursor) => acme.asMember.uploads.list({ limit: 5, cursor: cursor ?? globexPage.nextCursor }), 5)).flat());
    expect(got).toEqual(await uploadOrder(acme.tenant.id));
  });
});
