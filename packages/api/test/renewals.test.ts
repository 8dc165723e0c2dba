import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant, type TestTenant } from './harness.js';
import { allPages, expectTrpcError, readmeExample, uploadCsv } from './kpi-helpers.js';
import { addDays, addYear, isoDay } from '../src/domain/dates.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
const today = () => isoDay(new Date());
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

async function renewing(name: string, days: number, extra: { revenue?: number; csmOwner?: string } = {}) {
  return acme.asAdmin.accounts.create({ name, renewalDate: addDays(today(), days), ...extra });
}

const names = (page: { items: { account: { name: string } }[] }) => page.items.map((r) => r.account.name);

describe('renewals.list', () => {
  it('lists renewals in the window earliest first, past ones without an outcome flagged overdue', async () => {
    const soon = await renewing('In 20 days', 20, { revenue: 1000, csmOwner: 'member@acme.test' });
    await renewing('In 45 days', 45);
    await renewing('In 120 days', 120);
    await renewing('In 121 days', 121);
    await renewing('5 days ago', -5);
    await acme.asAdmin.accounts.create({ name: 'No date' });
    await acme.asAdmin.accounts.create({ name: 'Churned already', renewalDate: addDays(today(), 10), status: 'churned' });
    const archived = await renewing('Archived', 10);
    await acme.asAdmin.accounts.archive({ id: archived.id });
    await acme.asMember.tasks.create({ accountId: soon.id, title: 'Prepare the renewal', dueDate: today() });

    const thirty = await acme.asMember.renewals.list({ withinDays: 30 });
    expect(names(thirty)).toEqual(['5 days ago', 'In 20 days']);
    expect(thirty.items[0]).toMatchObject({ overdue: true, daysUntil: -5 });
    expect(thirty.items[1]).toMatchObject({
      overdue: false,
      daysUntil: 20,
      revenue: 1000,
      openTasks: 1,
      owner: { id: acme.member.id, name: 'Acme Member' },
      health: { tier: 'unknown', overall: null, change: null },
    });
    expect(names(await acme.asMember.renewals.list({ withinDays: 60 }))).toEqual(['5 days ago', 'In 20 days', 'In 45 days']);
    expect(names(await acme.asMember.renewals.list({ withinDays: 120, overdue: false }))).toEqual(['In 20 days', 'In 45 days', 'In 120 days']);
    expect(names(await acme.asMember.renewals.list({ withinDays: 30, overdue: true }))).toEqual(['5 days ago']);
    expect(names(await acme.asMember.renewals.list({ withinDays: 120, owner: 'me' }))).toEqual(['In 20 days']);
    const pages = await allPages((cursor) => acme.asMember.renewals.list({ withinDays: 120, limit: 2, cursor }), 2);
    expect(pages.flat().map((r) => r.account.name)).toEqual(['5 days ago', 'In 20 days', 'In 45 days', 'In 120 days']);
    expect((await globex.asAdmin.renewals.list({ withinDays: 120 })).items).toEqual([]);
    await expectTrpcError(acme.asMember.renewals.list({ withinDays: 45 as 30 }), 'BAD_REQUEST', /Choose 30, 60, 90 or 120 days\./);
  });
});

describe('renewals.recordOutcome', () => {
  it('rolls the renewal date a year forward on renewal and keeps the outcome as history', async () => {
    const account = await renewing('Renews', 20, { revenue: 500 });
    const recorded = await acme.asMember.renewals.recordOutcome({ accountId: account.id, outcome: 'renewed' });
    expect(recorded).toMatchObject({
      outcome: 'renewed',
      renewalDate: addDays(today(), 20),
      nextRenewalDate: addYear(addDays(today(), 20)),
      previousRevenue: 500,
      amount: null,
      recordedBy: { id: acme.member.id },
    });
    expect(await acme.asMember.accounts.byId({ id: account.id })).toMatchObject({ renewalDate: addYear(addDays(today(), 20)), revenue: 500 });
    expect(names(await acme.asMember.renewals.list({ withinDays: 120 }))).toEqual([]);

    const expanded = await acme.asMember.renewals.recordOutcome({
      accountId: account.id,
      outcome: 'expanded',
      amount: 800,
      nextRenewalDate: addDays(today(), 800),
    });
    expect(expanded).toMatchObject({ previousRevenue: 500, amount: 800 });
    expect(await acme.asMember.accounts.byId({ id: account.id })).toMatchObject({ renewalDate: addDays(today(), 800), revenue: 800 });
    const history = await acme.asMember.renewals.history({ accountId: account.id });
    expect(history.items.map((o) => o.outcome)).toEqual(['expanded', 'renewed']);
    const log = (await acme.asAdmin.activity.list({ action: 'renewal.record', limit: 10 })).items;
    expect(log.map((e) => e.after)).toEqual([
      { outcome: 'expanded', amount: 800, reason: null, nextRenewalDate: addDays(today(), 800) },
      { outcome: 'renewed', amount: null, reason: null, nextRenewalDate: addYear(addDays(today(), 20)) },
    ]);
  });

  it('keeps a churn in the history, marks the account churned and takes it off the overdue list', async () => {
    const account = await renewing('Leaves', -3, { revenue: 300 });
    expect((await acme.asMember.renewals.list({ withinDays: 30, overdue: true })).items).toHaveLength(1);
    await expectTrpcError(acme.asMember.renewals.recordOutcome({ accountId: account.id, outcome: 'churned' }), 'BAD_REQUEST', 'Say why the account churned.');
    await acme.asMember.renewals.recordOutcome({ accountId: account.id, outcome: 'churned', reason: 'Budget cut' });
    expect(await acme.asMember.accounts.byId({ id: account.id })).toMatchObject({ status: 'churned', renewalDate: addDays(today(), -3) });
    expect((await acme.asMember.renewals.list({ withinDays: 30, overdue: true })).items).toEqual([]);
    expect((await acme.asMember.renewals.history({ accountId: account.id })).items).toMatchObject([
      { outcome: 'churned', reason: 'Budget cut', renewalDate: addDays(today(), -3) },
    ]);
    await expectTrpcError(acme.asMember.renewals.recordOutcome({ accountId: account.id, outcome: 'renewed' }), 'CONFLICT', 'Leaves has already churned.');
  });

  it("refuses incomplete outcomes and other tenants' accounts, recording nothing", async () => {
    const account = await renewing('Careful', 10, { revenue: 100 });
    const foreign = await globex.asAdmin.accounts.create({ name: 'Elsewhere', renewalDate: today() });
    const bad = async (
      input: Parameters<typeof acme.asMember.renewals.recordOutcome>[0],
      message: string | RegExp,
      code: 'BAD_REQUEST' | 'NOT_FOUND' = 'BAD_REQUEST',
    ) => expectTrpcError(acme.asMember.renewals.recordOutcome(input), code, message);
    const e = await bad({ accountId: account.id, outcome: 'expanded' }, 'Enter the new amount the account expanded to.');
    expect(e.cause).toMatchObject({ fieldErrors: { amount: ['Enter the new amount the account expanded to.'] } });
    await bad({ accountId: account.id, outcome: 'contracted' }, 'Enter the new amount the account contracted to.');
    await bad(
      { accountId: account.id, outcome: 'renewed', nextRenewalDate: addDays(today(), 5) },
      `The next renewal date must be after ${addDays(today(), 10)}.`,
    );
    await bad({ accountId: account.id, outcome: 'churned', reason: 'x', nextRenewalDate: addDays(today(), 500) }, 'A churned account has no next renewal.');
    await bad({ accountId: account.id, outcome: 'renewed', amount: -1 }, /"amount"/);
    await bad({ accountId: account.id, outcome: 'lost' as 'churned' }, /"outcome"/);
    await bad({ accountId: foreign.id, outcome: 'renewed' }, 'Account not found.', 'NOT_FOUND');
    await expectTrpcError(acme.asMember.renewals.history({ accountId: foreign.id }), 'NOT_FOUND', 'Account not found.');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM renewal_outcomes`.execute(handle.db);
    expect(rows[0]?.n).toBe(0);
    expect(await acme.asMember.accounts.byId({ id: account.id })).toMatchObject({ renewalDate: addDays(today(), 10), revenue: 100 });
  });
});

describe('health.summary revenueByTier', () => {
  it("equals a SQL sum of revenue per health tier over the tenant's unarchived accounts", async () => {
    await uploadCsv(acme.asAdmin, readmeExample('Scored', '2026-03'));
    const scored = (await acme.asAdmin.accounts.list({ search: 'Scored' })).items[0];
    await acme.asAdmin.accounts.update({ id: scored?.id as string, revenue: 2_400_000 });
    await acme.asAdmin.accounts.create({ name: 'Unscored A', revenue: 900_000 });
    await acme.asAdmin.accounts.create({ name: 'Unscored B', revenue: 100_000 });
    await acme.asAdmin.accounts.create({ name: 'No revenue' });
    const gone = await acme.asAdmin.accounts.create({ name: 'Archived', revenue: 5_000_000 });
    await acme.asAdmin.accounts.archive({ id: gone.id });
    await globex.asAdmin.accounts.create({ name: 'Other tenant', revenue: 7_000_000 });

    const summary = await acme.asMember.health.summary();
    const { rows } = await sql<{ health_tier: string; revenue: number }>`
      SELECT health_tier, sum(revenue) AS revenue FROM accounts
      WHERE tenant_id = ${acme.tenant.id} AND archived_at IS NULL AND revenue IS NOT NULL
      GROUP BY health_tier
    `.execute(handle.db);
    const expected = { healthy: 0, at_risk: 0, critical: 0, unknown: 0, ...Object.fromEntries(rows.map((r) => [r.health_tier, Number(r.revenue)])) };
    expect(summary.revenueByTier).toEqual(expected);
    // The README example scores 66.976 (at risk): at_risk = 2.4M; unknown = 0.9M + 0.1M; archived and other tenants excluded.
    expect(summary.revenueByTier).toEqual({ healthy: 0, at_risk: 2_400_000, critical: 0, unknown: 1_000_000 });
  });
});
