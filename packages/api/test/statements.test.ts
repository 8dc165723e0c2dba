import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pulse/db/testing';
import { callerFor, makeTenant, type TestTenant } from './harness.js';
import { countingDb, uploadCsv, uploadWorkbook, type Line } from './kpi-helpers.js';

const handle = useTestDatabase();

/** n accounts with two months each, falling from 94% (78) to 71% (34), so every list of the summary is full. */
async function tenantWithAccounts(name: string, n: number): Promise<TestTenant> {
  const t = await makeTenant(handle, name);
  const lines: Line[] = [];
  for (let i = 0; i < n; i++) {
    lines.push([`${name} ${i}`, '2026-01', 'Product Usage', 'Customer Retention Rate', '94%', 'High']);
    lines.push([`${name} ${i}`, '2026-02', 'Product Usage', 'Customer Retention Rate', '71%', 'High']);
  }
  await uploadCsv(t.asAdmin, lines);
  return t;
}

/** Statements one call sends, through a caller whose database counts them. */
async function statements<T>(t: TestTenant, call: (caller: TestTenant['asMember']) => Promise<T>): Promise<{ count: number; result: T }> {
  const counter = countingDb(handle.db);
  const caller = callerFor(counter.db, t.member, t.tenant);
  const result = await call(caller);
  return { count: counter.count(), result };
}

describe('no N+1: statements per call do not grow with the data', () => {
  it('accounts.list at limit 5 and limit 100', async () => {
    const t = await tenantWithAccounts('Big', 120);
    for (const sort of ['name', 'health', 'updated'] as const) {
      const small = await statements(t, (c) => c.accounts.list({ limit: 5, sort }));
      const large = await statements(t, (c) => c.accounts.list({ limit: 100, sort }));
      const next = await statements(t, (c) => c.accounts.list({ limit: 100, sort, cursor: small.result.nextCursor }));
      expect([small.result.items.length, large.result.items.length, next.result.items.length]).toEqual([5, 100, 100]);
      console.log(`accounts.list (${sort}): ${small.count} statements at limit 5, ${large.count} at limit 100`);
      expect(large.count).toBe(small.count);
      expect(next.count).toBe(small.count);
      expect(small.count).toBeLessThanOrEqual(6);
    }
  });

  it('health.summary with 5 and with 60 accounts', async () => {
    const few = await tenantWithAccounts('Few', 5);
    const many = await tenantWithAccounts('Many', 60);
    const small = await statements(few, (c) => c.health.summary());
    const large = await statements(many, (c) => c.health.summary());
    expect([small.result.accounts, large.result.accounts]).toEqual([5, 60]);
    expect([small.result.biggestDrops.length, large.result.biggestDrops.length]).toEqual([5, 10]);
    console.log(`health.summary: ${small.count} statements with 5 accounts, ${large.count} with 60`);
    expect(large.count).toBe(small.count);
    // The tenant setting, then tiers with revenue, needing attention, drops, trend, the change
    // over accounts in both periods, and the setup checklist.
    expect(small.count).toBeLessThanOrEqual(7);
  });

  it('kpis.list and uploads.list at limit 5 and limit 100', async () => {
    const t = await tenantWithAccounts('Readings', 60);
    for (let i = 0; i < 6; i++) await uploadCsv(t.asAdmin, [[`Readings ${i}`, '2026-03', 'Support', 'Ticket Volume', '100', 'High']]);
    const kpis = [await statements(t, (c) => c.kpis.list({ limit: 5 })), await statements(t, (c) => c.kpis.list({ limit: 100 }))];
    expect(kpis.map((k) => k.result.items.length)).toEqual([5, 100]);
    expect(kpis[1]?.count).toBe(kpis[0]?.count);
    expect(kpis[0]?.count).toBeLessThanOrEqual(6);
    const uploads = [await statements(t, (c) => c.uploads.list({ limit: 2 })), await statements(t, (c) => c.uploads.list({ limit: 100 }))];
    expect(uploads.map((u) => u.result.items.length)).toEqual([2, 7]);
    expect(uploads[1]?.count).toBe(uploads[0]?.count);
    expect(uploads[0]?.count).toBeLessThanOrEqual(6);
  });

  it('health.explain with 4 and with 59 readings', async () => {
    const t = await makeTenant(handle, 'Explain');
    const small = (
      await uploadCsv(t.asAdmin, [
        ['Small', '2026-01', 'Product Usage', 'Customer Retention Rate', '94%', 'High'],
        ['Small', '2026-01', 'Product Usage', 'Feature Adoption Rate', '66%', 'Low'],
        ['Small', '2026-01', 'Support', 'First Response Time', '30 minutes', 'Medium'],
        ['Small', '2026-01', 'Support', 'Happiness Index', '5', 'Medium'],
      ])
    ).report.accounts[0]?.id as string;
    const large = (await uploadWorkbook(t.asAdmin, 'automotive_solutions_kpis.xlsx', '2026-01')).report.accounts[0]?.id as string;
    const a = await statements(t, (c) => c.health.explain({ accountId: small }));
    const b = await statements(t, (c) => c.health.explain({ accountId: large }));
    expect([a.result.readings.length, b.result.readings.length]).toEqual([4, 59]);
    expect(b.count).toBe(a.count);
    expect(a.count).toBeLessThanOrEqual(8);
  });

  it('health.trends: one statement for a page of 5 or of 100 accounts, where health.trend sends two per account', async () => {
    const t = await tenantWithAccounts('Trends', 100);
    const ids = (await t.asMember.accounts.list({ limit: 100 })).items.map((a) => a.id);
    const small = await statements(t, (c) => c.health.trends({ accountIds: ids.slice(0, 5) }));
    const large = await statements(t, (c) => c.health.trends({ accountIds: ids }));
    const single = await statements(t, (c) => c.health.trend({ accountId: ids[0] as string }));
    expect(large.result.map((r) => r.points.length)).toEqual(ids.map(() => 2));
    console.log(`health.trends: ${small.count} statements for 5 accounts, ${large.count} for 100; health.trend ${single.count} for one`);
    expect(large.count).toBe(small.count);
    // The same transaction around it; inside, one statement instead of the account check and the query.
    expect(small.count).toBe(single.count - 1);
  });
});
