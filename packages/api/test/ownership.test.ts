import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { formData, makeTenant, readSample, type TestTenant } from './harness.js';
import { allPages, expectTrpcError } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

async function activity(action: string) {
  return (await acme.asAdmin.activity.list({ action, limit: 100 })).items;
}

describe('owners matched from the free-text owner', () => {
  it('matches by email ignoring case, or by exact name, on create and on profile edit', async () => {
    const byEmail = await acme.asAdmin.accounts.create({ name: 'Email Co', csmOwner: '  MEMBER@acme.test ' });
    const byName = await acme.asAdmin.accounts.create({ name: 'Name Co', csmOwner: 'Acme Member' });
    const nobody = await acme.asAdmin.accounts.create({ name: 'Nobody Co', csmOwner: 'acme member' });
    expect(byEmail.owner).toEqual({ id: acme.member.id, name: 'Acme Member' });
    expect(byName.owner).toEqual({ id: acme.member.id, name: 'Acme Member' });
    expect(nobody.owner).toBeNull();

    const edited = await acme.asMember.accounts.update({ id: nobody.id, csmOwner: 'Acme Admin' });
    expect(edited.owner).toEqual({ id: acme.admin.id, name: 'Acme Admin' });
    const cleared = await acme.asMember.accounts.update({ id: nobody.id, csmOwner: null });
    expect(cleared.owner).toBeNull();
    const updates = await activity('account.update');
    expect(updates.map((e) => [e.before, e.after])).toEqual([
      [
        { csmOwner: 'Acme Admin', ownerUserId: acme.admin.id },
        { csmOwner: null, ownerUserId: null },
      ],
      [
        { csmOwner: 'acme member', ownerUserId: null },
        { csmOwner: 'Acme Admin', ownerUserId: acme.admin.id },
      ],
    ]);
  });

  it('leaves a name that two users share unmatched, and never matches a user of another tenant', async () => {
    await acme.asAdmin.users.create({ name: 'Acme Member', email: 'twin@acme.test', role: 'member', password: 'twin password 1' });
    const twin = await acme.asAdmin.accounts.create({ name: 'Twin Co', csmOwner: 'Acme Member' });
    const foreign = await acme.asAdmin.accounts.create({ name: 'Foreign Co', csmOwner: 'member@globex.test' });
    expect([twin.owner, foreign.owner]).toEqual([null, null]);
  });

  it('maps owners on profile import and lists the owners nobody matched for admins', async () => {
    await acme.asAdmin.users.create({ name: 'Carlos Rodriguez', email: 'carlos@acme.test', role: 'member', password: 'carlos password' });
    const carlosId = (await acme.asAdmin.users.list({ limit: 100 })).items.find((u) => u.name === 'Carlos Rodriguez')?.id as string;
    const result = await acme.asAdmin.accounts.importProfiles(formData({}, { name: 'customer-profile.xlsx', bytes: readSample('customer-profile.xlsx') }));
    expect(result.status).toBe('accepted');
    const carlos = await acme.asAdmin.accounts.list({ owner: carlosId, limit: 100 });
    // The sample workbook assigns 8 of its 36 accounts to Carlos Rodriguez.
    expect(carlos.items).toHaveLength(8);
    const pages = await allPages((cursor) => acme.asAdmin.accounts.unmatchedOwners({ limit: 4, cursor }), 4);
    const unmatched = pages.flat();
    // 12 distinct owner names in the workbook (5 rows have none); Carlos Rodriguez matched.
    expect(unmatched.map((u) => u.csmOwner)).toEqual([
      'Ana Martinez',
      'Diego Santos',
      'Emily Davis',
      'Emma Schmidt',
      'James Wilson',
      'Maria Garcia',
      'Pierre Dubois',
      'Priya Patel',
      'Sarah Johnson',
      'Wei Zhang',
      'Yuki Tanaka',
    ]);
    expect(unmatched.find((u) => u.csmOwner === 'Emily Davis')?.accounts).toBe(5);
    await expectTrpcError(acme.asMember.accounts.unmatchedOwners({}), 'FORBIDDEN');

    const resolved = await acme.asAdmin.accounts.resolveOwner({ csmOwner: 'Emily Davis', userId: acme.member.id });
    expect(resolved).toEqual({ assigned: 5, owner: { id: acme.member.id, name: 'Acme Member' } });
    expect((await acme.asAdmin.accounts.unmatchedOwners({})).items.map((u) => u.csmOwner)).not.toContain('Emily Davis');
    await expectTrpcError(acme.asAdmin.accounts.resolveOwner({ csmOwner: 'Emily Davis', userId: acme.member.id }), 'NOT_FOUND', 'Unmatched owner not found.');
    await expectTrpcError(acme.asAdmin.accounts.resolveOwner({ csmOwner: 'Wei Zhang', userId: globex.member.id }), 'NOT_FOUND', 'User not found.');
  });
});

async function book() {
  const mine = await Promise.all(
    ['A1', 'A2', 'A3'].map((name, i) => acme.asAdmin.accounts.create({ name, csmOwner: 'member@acme.test', revenue: (i + 1) * 100 })),
  );
  const theirs = await acme.asAdmin.accounts.create({ name: 'B1', csmOwner: 'admin@acme.test', revenue: 500 });
  const nobody = await acme.asAdmin.accounts.create({ name: 'C1', revenue: null });
  return { mine, theirs, nobody };
}

describe('accounts.list by owner', () => {
  it("shows a member their own book with 'me', everyone's with null, and keyset-paginates it", async () => {
    const { mine } = await book();
    const pages = await allPages((cursor) => acme.asMember.accounts.list({ owner: 'me', limit: 2, cursor }), 2);
    expect(pages.flat().map((a) => a.id)).toEqual(mine.map((a) => a.id));
    expect((await acme.asMember.accounts.list({ owner: acme.member.id })).items).toHaveLength(3);
    expect((await acme.asMember.accounts.list({ owner: null })).items).toHaveLength(5);
    expect((await acme.asMember.accounts.list({})).items).toHaveLength(5);
  });

  it("lets admins view any owner's book; members get FORBIDDEN, other tenants' users NOT_FOUND", async () => {
    const { theirs } = await book();
    expect((await acme.asAdmin.accounts.list({ owner: acme.member.id })).items).toHaveLength(3);
    expect((await acme.asAdmin.accounts.list({ owner: 'me' })).items.map((a) => a.id)).toEqual([theirs.id]);
    await expectTrpcError(acme.asMember.accounts.list({ owner: acme.admin.id }), 'FORBIDDEN');
    await expectTrpcError(acme.asAdmin.accounts.list({ owner: globex.member.id }), 'NOT_FOUND', 'User not found.');
    await expectTrpcError(acme.asAdmin.accounts.list({ owner: 'you' }), 'BAD_REQUEST');
  });

  it('sorts and filters by revenue', async () => {
    await book();
    const byRevenue = await acme.asAdmin.accounts.list({ sort: 'revenue', order: 'desc', limit: 2 });
    expect(byRevenue.items.map((a) => a.name)).toEqual(['B1', 'A3']);
    const rest = await acme.asAdmin.accounts.list({ sort: 'revenue', order: 'desc', limit: 10, cursor: byRevenue.nextCursor });
    expect(rest.items.map((a) => a.name)).toEqual(['A2', 'A1', 'C1']);
    expect((await acme.asAdmin.accounts.list({ minRevenue: 200 })).items.map((a) => a.name)).toEqual(['A2', 'A3', 'B1']);
  });
});

describe('one book on the dashboard and in the recommendations', () => {
  it("narrows health.summary and playbooks.recommendations to the owner's accounts", async () => {
    const soon = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const { mine, theirs } = await book();
    await acme.asAdmin.accounts.update({ id: mine[0]?.id as string, renewalDate: soon });
    await acme.asAdmin.accounts.update({ id: theirs.id, renewalDate: soon });
    const everyone = await acme.asMember.health.summary();
    const own = await acme.asMember.health.summary({ owner: 'me' });
    expect([everyone.accounts, own.accounts]).toEqual([5, 3]);
    // The member's accounts A1–A3 carry 100 + 200 + 300 of revenue, all unscored.
    expect(own.revenueByTier).toEqual({ healthy: 0, at_risk: 0, critical: 0, unknown: 600 });
    expect((await acme.asAdmin.health.summary({ owner: acme.member.id })).accounts).toBe(3);
    await expectTrpcError(acme.asMember.health.summary({ owner: acme.admin.id }), 'FORBIDDEN');

    await acme.asAdmin.playbooks.evaluate();
    const renewal = async (owner: 'me' | null) =>
      (await acme.asMember.playbooks.recommendations({ playbookKey: 'renewal_safeguard', owner })).items.map((r) => r.account.name);
    expect((await renewal(null)).sort()).toEqual(['A1', 'B1']);
    expect(await renewal('me')).toEqual(['A1']);
  });
});

describe('accounts.assignOwner', () => {
  it('assigns many accounts at once, logs each change, and skips accounts that already have that owner', async () => {
    const accounts = await Promise.all(['One', 'Two', 'Three'].map((name) => acme.asAdmin.accounts.create({ name })));
    const ids = accounts.map((a) => a.id);
    expect(await acme.asAdmin.accounts.assignOwner({ accountIds: ids, userId: acme.member.id })).toEqual({
      assigned: 3,
      owner: { id: acme.member.id, name: 'Acme Member' },
    });
    expect((await acme.asMember.accounts.list({ owner: 'me' })).items.map((a) => a.name).sort()).toEqual(['One', 'Three', 'Two']);
    expect(await acme.asAdmin.accounts.assignOwner({ accountIds: [ids[0] as string], userId: acme.member.id })).toMatchObject({ assigned: 0 });
    expect(await acme.asAdmin.accounts.assignOwner({ accountIds: [ids[0] as string], userId: null })).toMatchObject({ assigned: 1, owner: null });
    const entries = await activity('account.assign_owner');
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ resourceId: ids[0], before: { ownerUserId: acme.member.id }, after: { ownerUserId: null } });
  });

  it("refuses members, other tenants' accounts and users, deactivated users and an empty selection, changing nothing", async () => {
    const account = await acme.asAdmin.accounts.create({ name: 'Solo' });
    const foreign = await globex.asAdmin.accounts.create({ name: 'Elsewhere' });
    await expectTrpcError(acme.asMember.accounts.assignOwner({ accountIds: [account.id], userId: acme.member.id }), 'FORBIDDEN');
    await expectTrpcError(
      acme.asAdmin.accounts.assignOwner({ accountIds: [account.id, foreign.id], userId: acme.member.id }),
      'NOT_FOUND',
      'Account not found.',
    );
    await expectTrpcError(acme.asAdmin.accounts.assignOwner({ accountIds: [account.id], userId: globex.member.id }), 'NOT_FOUND', 'User not found.');
    await expectTrpcError(acme.asAdmin.accounts.assignOwner({ accountIds: [account.id], userId: randomUUID() }), 'NOT_FOUND', 'User not found.');
    await acme.asAdmin.users.setActive({ id: acme.member.id, active: false });
    await expectTrpcError(
      acme.asAdmin.accounts.assignOwner({ accountIds: [account.id], userId: acme.member.id }),
      'CONFLICT',
      'Acme Member is deactivated and cannot own accounts.',
    );
    await expectTrpcError(acme.asAdmin.accounts.assignOwner({ accountIds: [], userId: acme.admin.id }), 'BAD_REQUEST');
    expect((await acme.asAdmin.accounts.byId({ id: account.id })).owner).toBeNull();
    expect((await globex.asAdmin.accounts.byId({ id: foreign.id })).owner).toBeNull();
    expect(await activity('account.assign_owner')).toEqual([]);
  });
});
