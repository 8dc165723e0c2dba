import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@pulse/db/testing';
import { users, type PublicUser } from '@pulse/db';
import { DEMO_PASSWORD, demoLogins, seedDemoData, type LoadedDemoTenant } from '../src/demo/seed.js';
import { demoSegments } from '../src/demo/segments.js';
import { currentPeriod } from '../src/domain/uploads.js';
import { registerTenant } from '../src/domain/tenants.js';
import { BCRYPT_COST, callerFor, type Caller } from './harness.js';

let handle: TestDatabase;
let seeded: LoadedDemoTenant[];
let interrupted: string | null;
let tenantsAfterInterruption: string[];
const steps: string[] = [];
const logins = new Map<string, PublicUser>();

beforeAll(async () => {
  handle = await createTestDatabase();
  // The first start is interrupted while loading Globex, the second demo tenant (its first account fails).
  await sql`CREATE FUNCTION interrupt_seed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'interrupted'; END $$`.execute(handle.db);
  await sql`CREATE TRIGGER interrupt_seed BEFORE INSERT ON accounts FOR EACH ROW WHEN (NEW.name = 'Orbit Freight Co') EXECUTE FUNCTION interrupt_seed()`.execute(
    handle.db,
  );
  const started = performance.now();
  interrupted = await seedDemoData(handle.db, BCRYPT_COST).then(
    () => null,
    (error: Error) => error.message,
  );
  console.log(`seedDemoData took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  tenantsAfterInterruption = (await handle.db.selectFrom('tenants').select('tenants.name').execute()).map((t) => t.name);
  await sql`DROP TRIGGER interrupt_seed ON accounts`.execute(handle.db);
  seeded = await seedDemoData(handle.db, BCRYPT_COST, (line) => steps.push(line));
  for (const login of demoLogins) {
    const user = await users.verifyCredentials(handle.db, login.email, DEMO_PASSWORD, BCRYPT_COST);
    if (user) logins.set(login.email, user);
  }
}, 480_000);
afterAll(async () => {
  await handle.close();
});

function callerOf(email: string, tenant: string): Caller {
  const user = logins.get(email) as PublicUser;
  return callerFor(handle.app, user, { id: user.tenantId, name: tenant });
}

async function allAccounts(caller: Caller) {
  const items = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Caller['accounts']['list']>> = await caller.accounts.list({ limit: 100, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const northwind = () => callerOf('admin@northwind.example', 'Northwind CS');
const globex = () => callerOf('admin@globex.example', 'Globex Success');

describe('seedDemoData', () => {
  it('loads each tenant in one transaction: an interrupted load leaves that tenant out, and the next run loads it', () => {
    expect(interrupted).toMatch(/interrupted/);
    expect(tenantsAfterInterruption).toEqual(['Northwind CS']);
    expect(seeded).toEqual([{ name: 'Globex Success', users: 1, accounts: 6, uploads: 6, readings: seeded[0]?.readings }]);
    expect(steps).toEqual([
      'Loading demo tenant Globex Success...',
      `Loaded demo tenant Globex Success: 1 user, 6 accounts, 6 uploads, ${seeded[0]?.readings} KPI readings.`,
    ]);
  });

  it('creates the demo logins with their roles and tenants', async () => {
    const tenants = new Map((await handle.db.selectFrom('tenants').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
    for (const login of demoLogins) {
      const user = logins.get(login.email);
      expect(user, login.email).toMatchObject({ role: login.role });
      expect(tenants.get(user?.tenantId as string)).toBe(login.tenant);
    }
  });

  it('gives Northwind more than a page of accounts, with profiles and a year of sample history', async () => {
    const accounts = await allAccounts(northwind());
    expect(accounts.length).toBeGreaterThanOrEqual(100);
    expect(accounts.find((a) => a.name === 'TechCorp Solutions')).toMatchObject({ tier: 'Enterprise', csmOwner: 'Emma Schmidt' });
    expect(accounts.every((a) => a.health.period === currentPeriod())).toBe(true);

    const sample = accounts.find((a) => a.name === 'Automotive Solutions');
    const trend = await northwind().health.trend({ accountId: sample?.id as string, periods: 24 });
    expect(trend.map((h) => h.period)).toHaveLength(12);
    // The 59 readings of its workbook, and the manager sentiment demo/memory.ts sets (it is in the member's book).
    expect(trend.at(-1)).toMatchObject({ period: currentPeriod(), readingCount: 59 + 1 });
    expect(trend.every((h) => h.overall !== null)).toBe(true);
  });

  it('gives Northwind segments that score its accounts (demo/segments.ts)', async () => {
    const { items } = await northwind().segments.list();
    expect(items.map((s) => s.name)).toEqual(demoSegments.map((s) => s.name));
    expect(items.every((s) => s.accountCount > 0)).toBe(true);
    const techCorp = (await allAccounts(northwind())).find((a) => a.name === 'TechCorp Solutions');
    const explained = await northwind().health.explain({ accountId: techCorp?.id as string });
    expect(explained.segment?.name).toBe('Enterprise');
    expect(explained.weights).toEqual(demoSegments[0]?.categoryWeights);
  });

  it('gives the portfolio summary drops and accounts needing attention', async () => {
    const summary = await northwind().health.summary();
    expect(summary.biggestDrops.length).toBeGreaterThan(0);
    expect(summary.needingAttention.length).toBeGreaterThan(0);
    expect(summary.averageTrend).toHaveLength(12);
    expect(summary.byTier.healthy).toBeGreaterThan(0);
  });

  it('keeps Globex apart, with its own accounts and a range override', async () => {
    const theirs = await allAccounts(globex());
    expect(theirs).toHaveLength(6);
    const northwindAccounts = await allAccounts(northwind());
    const northwindNames = new Set(northwindAccounts.map((a) => a.name));
    expect(theirs.filter((a) => northwindNames.has(a.name))).toEqual([]);
    await expect(globex().accounts.byId({ id: northwindAccounts[0]?.id as string })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const nps = (await globex().ranges.list()).find((r) => r.kpiName === 'Net Promoter Score (NPS)');
    expect(nps).toMatchObject({ source: 'tenant', riskThreshold: 20, healthyThreshold: 60 });
    expect((await globex().health.trend({ accountId: theirs[0]?.id as string, periods: 12 })).length).toBe(6);
  });

  it('loads nothing into a database that holds another organisation', async () => {
    const other = await createTestDatabase();
    try {
      await registerTenant(other.db, { organisationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: DEMO_PASSWORD }, BCRYPT_COST, null);
      expect(await seedDemoData(other.db, BCRYPT_COST)).toEqual([]);
      expect((await other.db.selectFrom('tenants').select('tenants.name').execute()).map((t) => t.name)).toEqual(['Acme']);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('does nothing the second time', async () => {
    const count = async () =>
      Promise.all(
        (['tenants', 'users', 'accounts', 'kpi_uploads', 'kpi_readings', 'activity_log'] as const).map(async (table) =>
          Number(
            (
              await handle.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ),
      );
    const before = await count();
    expect(await seedDemoData(handle.db, BCRYPT_COST)).toEqual([]);
    expect(await count()).toEqual(before);
  });
  it("gives the demo member a book, renewals (two overdue) and tasks for today's screens", async () => {
    const member = callerOf('member@northwind.example', 'Northwind CS');
    const mine = await member.accounts.list({ owner: 'me', limit: 100 });
    expect(mine.items.length).toBeGreaterThanOrEqual(12);
    const renewals = await member.renewals.list({ withinDays: 30, owner: 'me' });
    // workload.ts: renewals at -12, -3, 4, 9, 18 and 27 days fall in the 30-day window, two of them overdue.
    expect(renewals.items.map((r) => r.overdue)).toEqual([true, true, false, false, false, false]);
    const counts = await member.tasks.counts({});
    // Six hand-made tasks (due -2, 0, 0, 3, 5, 12 days) and eight renewal-safeguard step tasks due from day 11 on.
    expect(counts).toMatchObject({ open: 14, overdue: 1, today: 2, week: 4 });
    expect((await member.accounts.list({ owner: null, limit: 100 })).items.length).toBe(100);
    expect((await northwind().accounts.unmatchedOwners({})).items.length).toBeGreaterThan(0);
  });

  it('gives the first accounts of the member book notes and manager sentiment (memory.ts)', async () => {
    const member = callerOf('member@northwind.example', 'Northwind CS');
    // memory.ts: six accounts, three notes each; the call note of each mentions the renewal.
    const found = await member.notes.search({ query: 'renewal budget', limit: 100 });
    expect(found.items).toHaveLength(6);
    const accountId = found.items[0]?.account.id as string;
    const timeline = (await member.timeline.list({ accountId, kinds: ['note', 'sentiment'], limit: 100 })).items;
    expect(timeline.map((i) => i.kind).sort()).toEqual(['note', 'note', 'note', 'sentiment']);
    const explained = await member.health.explain({ accountId });
    expect(explained.readings.filter((r) => r.kpi === 'Manager Sentiment')).toHaveLength(1);
  });

  it('records renewal outcomes that follow the health history, so the churn report has conclusions on first start', async () => {
    const report = await northwind().reports.churnSignal({ monthsBefore: 3 });
    expect(report.needed).toBeNull();
    const rate = (tier: string) => report.tiers.find((t) => t.tier === tier)?.churnRate ?? 0;
    // outcomes.ts: critical accounts churn with chance 0.7, healthy ones with 0.06.
    expect(rate('critical')).toBeGreaterThan(rate('healthy'));
    expect(report.account.recall).toBeGreaterThan(0);
    expect((await globex().reports.churnSignal({ monthsBefore: 3 })).outcomes.total).toBe(0);
  });
});
