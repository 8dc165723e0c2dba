import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { anonymousCaller, makeTenant, type TestTenant } from './harness.js';
import { allPages, expectTrpcError } from './kpi-helpers.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

const bigAccounts = { minRevenue: 1000, sort: 'revenue' as const, order: 'desc' as const, columns: ['revenue' as const, 'tier' as const] };

describe('views', () => {
  it('saves a view per user, shares it with the organisation, and only its owner changes or deletes it', async () => {
    const mine = await acme.asMember.views.save({ name: 'Big accounts', state: bigAccounts });
    expect(mine).toMatchObject({
      name: 'Big accounts',
      shared: false,
      mine: true,
      owner: { id: acme.member.id },
      state: { minRevenue: 1000, sort: 'revenue', columns: ['revenue', 'tier'] },
    });
    // Private: the admin does not see it, and its id is NOT_FOUND for them.
    expect((await acme.asAdmin.views.list({})).items).toEqual([]);
    await expectTrpcError(acme.asAdmin.views.delete({ id: mine.id }), 'NOT_FOUND');

    const shared = await acme.asMember.views.save({ id: mine.id, name: 'Big accounts', shared: true, state: { ...bigAccounts, healthTier: 'critical' } });
    expect(shared).toMatchObject({ id: mine.id, shared: true, state: { healthTier: 'critical' } });
    const seen = await acme.asAdmin.views.list({});
    expect(seen.items.map((v) => [v.name, v.mine, v.owner.name])).toEqual([['Big accounts', false, 'Acme Member']]);
    // Shared, but not theirs: the admin may use it, not change or delete it.
    await expectTrpcError(
      acme.asAdmin.views.save({ id: mine.id, name: 'Hijacked', state: bigAccounts }),
      'FORBIDDEN',
      'Only Acme Member can change the view "Big accounts".',
    );
    await expectTrpcError(acme.asAdmin.views.delete({ id: mine.id }), 'FORBIDDEN');
    // Another tenant sees nothing and gets NOT_FOUND like a random id.
    expect((await globex.asAdmin.views.list({})).items).toEqual([]);
    const foreign = await expectTrpcError(globex.asAdmin.views.delete({ id: mine.id }), 'NOT_FOUND');
    const random = await expectTrpcError(globex.asAdmin.views.delete({ id: randomUUID() }), 'NOT_FOUND');
    expect(foreign.message).toBe(random.message);

    // Names are unique per user, in any case; another user may reuse one.
    await expectTrpcError(
      acme.asMember.views.save({ name: ' big ACCOUNTS ', state: bigAccounts }),
      'CONFLICT',
      'You already have a view named "big ACCOUNTS".',
    );
    await acme.asAdmin.views.save({ name: 'Big accounts', state: bigAccounts });
    expect((await acme.asAdmin.views.list({})).items.map((v) => v.mine)).toHaveLength(2);

    expect(await acme.asMember.views.delete({ id: mine.id })).toEqual({ id: mine.id });
    expect((await acme.asMember.views.list({})).items).toEqual([]);
  });

  it('lists views by name, keyset-paginated', async () => {
    for (const name of ['Delta', 'alpha', 'Charlie', 'bravo', 'Echo']) await acme.asAdmin.views.save({ name, state: bigAccounts });
    const pages = await allPages((cursor) => acme.asAdmin.views.list({ limit: 2, cursor }), 2);
    expect(pages.flat().map((v) => v.name)).toEqual(['alpha', 'bravo', 'Charlie', 'Delta', 'Echo']);
  });

  it('exports the current view to CSV: its accounts, filters, order and columns', async () => {
    await acme.asAdmin.accounts.create({ name: 'Small', revenue: 500, tier: 'SMB' });
    await acme.asAdmin.accounts.create({ name: 'Large', revenue: 9000, tier: 'Enterprise' });
    await acme.asAdmin.accounts.create({ name: 'Medium', revenue: 3000, tier: 'Mid-Market' });
    await globex.asAdmin.accounts.create({ name: 'Globex giant', revenue: 99_000 });
    const { filename, csv } = await acme.asMember.views.exportCsv({ state: bigAccounts });
    expect(filename).toMatch(/^accounts-\d{4}-\d{2}-\d{2}\.csv$/);
    // Revenue ≥ 1000, highest first; only the view's columns.
    expect(csv).toBe('name,revenue,tier\r\nLarge,9000,Enterprise\r\nMedium,3000,Mid-Market\r\n');
    const withHealth = await acme.asMember.views.exportCsv({ state: { sort: 'name', order: 'asc', columns: ['health'], search: 'sma' } });
    expect(withHealth.csv).toBe('name,health,health_tier,health_period\r\nSmall,,unknown,\r\n');
    // A member may not export another user's book.
    await expectTrpcError(acme.asMember.views.exportCsv({ state: { ...bigAccounts, owner: acme.admin.id } }), 'FORBIDDEN');
  });

  it('refuses bad input with sentences and callers without a session', async () => {
    await expectTrpcError(acme.asAdmin.views.save({ name: '', state: bigAccounts }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.views.save({ name: 'x'.repeat(101), state: bigAccounts }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.views.save({ name: 'Twice', state: { ...bigAccounts, columns: ['tier', 'tier'] } }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.views.save({ name: 'Bad column', state: { ...bigAccounts, columns: ['password' as 'tier'] } }), 'BAD_REQUEST');
    await expectTrpcError(
      acme.asAdmin.views.save({ name: 'Extra', state: { ...bigAccounts, tenantId: globex.tenant.id } as never }),
      'BAD_REQUEST',
      /does not know the field tenantId/,
    );
    await expectTrpcError(acme.asAdmin.views.save({ id: 'x', name: 'Bad id', state: bigAccounts }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.views.list({ cursor: 'garbage' }), 'BAD_REQUEST');
    await expectTrpcError(anonymousCaller(handle.app).views.list({}), 'UNAUTHORIZED');
    await expectTrpcError(anonymousCaller(handle.app).views.save({ name: 'Nope', state: bigAccounts }), 'UNAUTHORIZED');
    expect((await acme.asAdmin.views.list({})).items).toEqual([]);
  });
});
