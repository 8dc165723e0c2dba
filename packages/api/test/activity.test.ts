import { beforeEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@pulse/db/testing';
import { users, type PublicUser } from '@pulse/db';
import { PASSWORD, anonymousCaller, callerFor, makeTenant, type TestTenant } from './harness.js';
import { allPages, expectTrpcError, uploadWorkbook } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

/** A few changes by both users of Acme, oldest first. */
async function someActivity(): Promise<{ accountId: string }> {
  const account = await acme.asMember.accounts.create({ name: 'Initech', tier: 'Gold' });
  await acme.asAdmin.accounts.update({ id: account.id, tier: 'Platinum' });
  await uploadWorkbook(acme.asMember, 'automotive_solutions_kpis.xlsx', '2026-03');
  const e = await acme.asMember.playbooks.start({ accountId: account.id, playbookKey: 'voc_sprint' });
  await acme.asAdmin.playbooks.pause({ id: e.id });
  await expectTrpcError(anonymousCaller(handle.db).auth.login({ email: 'member@acme.test', password: 'not it' }), 'UNAUTHORIZED');
  await globex.asAdmin.accounts.create({ name: 'Globex Only' });
  return { accountId: account.id };
}

describe('activity.list', () => {
  it('shows who did what, when, to which resource, with before and after, newest first', async () => {
    const { accountId } = await someActivity();
    const { items } = await acme.asAdmin.activity.list({ limit: 100 });
    const actions = items.map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['auth.login_failed', 'playbook.pause', 'playbook.start']);
    expect(actions.slice(3, 5).sort()).toEqual(['playbook.evaluate', 'upload.accept']);
    expect(actions.slice(5)).toEqual(['account.update', 'account.create', 'tenant.register']);
    const update = items.find((e) => e.action === 'account.update');
    expect(update).toMatchObject({
      user: { id: acme.admin.id, name: 'Acme Admin', email: 'admin@acme.test' },
      resourceType: 'account',
      resourceId: accountId,
      before: { tier: 'Gold' },
      after: { tier: 'Platinum' },
      ip: '127.0.0.1',
    });
    expect(update?.at).toBeInstanceOf(Date);
    expect(items.find((e) => e.action === 'auth.login_failed')).toMatchObject({ user: { id: acme.member.id }, resourceType: 'user' });
    expect(items.map((e) => e.at.getTime())).toEqual([...items.map((e) => e.at.getTime())].sort((a, b) => b - a));

    const pages = await allPages((cursor) => acme.asAdmin.activity.list({ limit: 3, cursor }), 3);
    expect(pages.flat().map((e) => e.id)).toEqual(items.map((e) => e.id));
  });

  it('filters by user, action, resource type and time range', async () => {
    await someActivity();
    const byMember = await acme.asAdmin.activity.list({ limit: 100, userId: acme.member.id });
    expect(byMember.items.map((e) => e.action).sort()).toEqual(['account.create', 'auth.login_failed', 'playbook.evaluate', 'playbook.start', 'upload.accept']);
    expect((await acme.asAdmin.activity.list({ limit: 100, action: 'account.update' })).items).toHaveLength(1);
    expect((await acme.asAdmin.activity.list({ limit: 100, resourceType: 'playbook_execution' })).items.map((e) => e.action)).toEqual([
      'playbook.pause',
      'playbook.start',
    ]);
    const all = (await acme.asAdmin.activity.list({ limit: 100 })).items;
    const pivot = all[3]?.at as Date;
    const from = await acme.asAdmin.activity.list({ limit: 100, from: pivot.toISOString() });
    expect(from.items.every((e) => e.at >= pivot)).toBe(true);
    expect(from.items.length).toBeGreaterThanOrEqual(4);
    const to = await acme.asAdmin.activity.list({ limit: 100, to: pivot.toISOString() });
    expect(to.items.every((e) => e.at < pivot)).toBe(true);
    expect(from.items.length + to.items.length).toBe(all.length);
    expect((await acme.asAdmin.activity.list({ limit: 100, from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00+01:00' })).items).toEqual([]);
  });

  it('keeps each organisation’s log to itself', async () => {
    await someActivity();
    const globexLog = await globex.asAdmin.activity.list({ limit: 100 });
    expect(globexLog.items.map((e) => e.action)).toEqual(['account.create', 'tenant.register']);
    expect((await globex.asAdmin.activity.list({ limit: 100, userId: acme.member.id })).items).toEqual([]);
    expect((await globex.asAdmin.activity.exportCsv({ userId: acme.admin.id })).csv.split('\r\n')).toHaveLength(2);
  });

  it('writes a change and its entry in one transaction: a refused change leaves no entry', async () => {
    await acme.asAdmin.users.create({ name: 'Dee', email: 'dee@acme.test', role: 'member', password: PASSWORD });
    await expectTrpcError(acme.asAdmin.users.create({ name: 'Dee 2', email: 'dee@acme.test', role: 'member', password: PASSWORD }), 'CONFLICT');
    expect((await acme.asAdmin.activity.list({ limit: 100, action: 'user.create' })).items.map((e) => e.after)).toEqual([
      { name: 'Dee', email: 'dee@acme.test', role: 'member' },
    ]);
  });

  it('is for admins only and refuses bad input', async () => {
    await expectTrpcError(acme.asMember.activity.list({ limit: 10 }), 'FORBIDDEN');
    await expectTrpcError(acme.asMember.activity.exportCsv({}), 'FORBIDDEN');
    await expectTrpcError(anonymousCaller(handle.db).activity.list({ limit: 10 }), 'UNAUTHORIZED');
    for (const input of [
      { limit: 0 },
      { limit: 101 },
      { limit: 10, userId: 'admin' },
      { limit: 10, from: '2026-03-01' },
      { limit: 10, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' },
      { limit: 10, action: '' },
      { limit: 10, tenantId: globex.tenant.id },
    ]) {
      await expectTrpcError(acme.asAdmin.activity.list(input), 'BAD_REQUEST');
    }
    await expectTrpcError(acme.asAdmin.activity.exportCsv({ from: 'yesterday' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.activity.exportCsv({ limit: 10 } as never), 'BAD_REQUEST');
  });
});

describe('activity.exportCsv', () => {
  it('exports the filtered log as CSV, quoting JSON and defusing spreadsheet formulas', async () => {
    await someActivity();
    const { filename, csv } = await acme.asAdmin.activity.exportCsv({});
    expect(filename).toBe(`activity-${new Date().toISOString().slice(0, 10)}.csv`);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('at,user_email,user_name,action,resource_type,resource_id,before,after,ip,id');
    expect(lines.at(-1)).toBe('');
    const listed = (await acme.asAdmin.activity.list({ limit: 100 })).items;
    expect(lines.slice(1, -1).map((l) => l.split(',').at(-1))).toEqual(listed.map((e) => e.id));
    const update = lines.find((l) => l.includes('account.update'));
    expect(update).toContain(',admin@acme.test,Acme Admin,account.update,account,');
    expect(update).toContain(',"{""tier"":""Gold""}","{""tier"":""Platinum""}",127.0.0.1,');
    const byMember = await acme.asAdmin.activity.exportCsv({ userId: acme.member.id, action: 'account.create' });
    expect(
      byMember.csv
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['member@acme.test']);
  });

  it('defuses a formula in a user name', async () => {
    const formula = await acme.asAdmin.users.create({ name: '@SUM(1+1)', email: 'sum@acme.test', role: 'member', password: PASSWORD });
    const user = (await users.findUser(handle.db, acme.tenant.id, formula.id)) as PublicUser;
    await callerFor(handle.app, user, acme.tenant).accounts.create({ name: '-1+2' });
    const { csv } = await acme.asAdmin.activity.exportCsv({ action: 'account.create' });
    expect(csv.split('\r\n')[1]).toContain(",sum@acme.test,'@SUM(1+1),account.create,account,");
    expect(csv.split('\r\n')[1]).toContain(',,"{""name"":""-1+2""}",');
  });
});
