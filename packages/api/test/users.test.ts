import { beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@pulse/db/testing';
import { sessions, users, type PublicUser } from '@pulse/db';
import { BCRYPT_COST, PASSWORD, anonymousCaller, makeTenant, testAuth, type TestTenant } from './harness.js';
import { allPages, expectTrpcError } from './kpi-helpers.js';
import { createContext } from '../src/context.js';
import { throttlePolicy } from '../src/domain/throttle.js';

const handle = useTestDatabase();
let acme: TestTenant;
let globex: TestTenant;
beforeEach(async () => {
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
});

const NEW_PASSWORD = 'a brand new passphrase';

async function addSession(user: PublicUser, sid: string): Promise<void> {
  const now = new Date();
  await sessions.insertSession(handle.db, {
    sid,
    tenantId: user.tenantId,
    userId: user.id,
    data: {},
    rememberMe: false,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
  });
}

async function sessionIds(user: PublicUser): Promise<string[]> {
  const rows = await handle.db.selectFrom('sessions').select('sid').where('user_id', '=', user.id).orderBy('sid').execute();
  return rows.map((r) => r.sid);
}

async function activity(tenantId: string, action: string) {
  return handle.db
    .selectFrom('activity_log')
    .select(['user_id', 'resource_id', 'before', 'after', 'ip'])
    .where('tenant_id', '=', tenantId)
    .where('action', '=', action)
    .orderBy('created_at')
    .execute();
}

describe('users.list', () => {
  it('lists the organisation’s users by name with their last sign-in, keyset-paginated and filtered', async () => {
    for (const name of ['Zoe', 'Bea', 'Carl', 'Dora']) {
      await acme.asAdmin.users.create({ name, email: `${name.toLowerCase()}@acme.test`, role: 'member', password: PASSWORD });
    }
    const at = new Date('2026-11-20T09:30:00.000Z');
    await users.recordLogin(handle.db, acme.member, at);
    const pages = await allPages((cursor) => acme.asAdmin.users.list({ limit: 2, cursor }), 2);
    expect(pages).toHaveLength(3);
    const listed = pages.flat();
    expect(listed.map((u) => u.name)).toEqual(['Acme Admin', 'Acme Member', 'Bea', 'Carl', 'Dora', 'Zoe']);
    expect(listed[1]).toEqual({
      id: acme.member.id,
      name: 'Acme Member',
      email: 'member@acme.test',
      role: 'member',
      active: true,
      lastLoginAt: at,
      createdAt: expect.any(Date),
    });
    expect(Object.keys(listed[0] as object)).not.toContain('passwordHash');
    expect((await acme.asAdmin.users.list({ limit: 10, role: 'admin' })).items.map((u) => u.id)).toEqual([acme.admin.id]);
    await acme.asAdmin.users.setActive({ id: acme.member.id, active: false });
    expect((await acme.asAdmin.users.list({ limit: 10, active: false })).items.map((u) => u.id)).toEqual([acme.member.id]);
    expect((await globex.asAdmin.users.list({ limit: 10 })).items.map((u) => u.name)).toEqual(['Globex Admin', 'Globex Member']);
  });

  it('is for admins only and refuses bad input', async () => {
    await expectTrpcError(acme.asMember.users.list({ limit: 10 }), 'FORBIDDEN');
    await expectTrpcError(anonymousCaller(handle.db).users.list({ limit: 10 }), 'UNAUTHORIZED');
    await expectTrpcError(acme.asAdmin.users.list({ limit: 0 }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.users.list({ limit: 10, role: 'owner' as never }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.users.list({ limit: 10, tenantId: globex.tenant.id } as never), 'BAD_REQUEST');
  });
});

describe('users.create', () => {
  it('adds a member with an initial password who can then sign in, and logs it without the password', async () => {
    const created = await acme.asAdmin.users.create({ name: 'Nina New', email: ' Nina@Acme.test ', role: 'member', password: NEW_PASSWORD });
    expect(created).toMatchObject({ name: 'Nina New', email: 'nina@acme.test', role: 'member', active: true, lastLoginAt: null });
    expect(await users.verifyCredentials(handle.db, 'nina@acme.test', NEW_PASSWORD, BCRYPT_COST)).toMatchObject({ tenantId: acme.tenant.id });
    const [entry] = await activity(acme.tenant.id, 'user.create');
    expect(entry).toMatchObject({ user_id: acme.admin.id, resource_id: created.id, after: { name: 'Nina New', email: 'nina@acme.test', role: 'member' } });
    expect(JSON.stringify(entry)).not.toContain(NEW_PASSWORD);
  });

  it('refuses an email in use in any organisation, members, and bad input', async () => {
    await expectTrpcError(
      acme.asAdmin.users.create({ name: 'Dup', email: 'member@globex.test', role: 'member', password: PASSWORD }),
      'CONFLICT',
      'This email address is already in use.',
    );
    await expectTrpcError(acme.asMember.users.create({ name: 'X', email: 'x@acme.test', role: 'admin', password: PASSWORD }), 'FORBIDDEN');
    for (const input of [
      { name: '', email: 'x@acme.test', role: 'member', password: PASSWORD },
      { name: 'X', email: 'not-an-email', role: 'member', password: PASSWORD },
      { name: 'X', email: 'x@acme.test', role: 'owner', password: PASSWORD },
      { name: 'X', email: 'x@acme.test', role: 'member', password: 'short' },
      { name: 'X', email: 'x@acme.test', role: 'member', password: 'x'.repeat(73) },
      { name: 'X', email: 'x@acme.test', role: 'member', password: PASSWORD, tenantId: globex.tenant.id },
    ]) {
      await expectTrpcError(acme.asAdmin.users.create(input as never), 'BAD_REQUEST');
    }
    expect((await acme.asAdmin.users.list({ limit: 10 })).items).toHaveLength(2);
  });
});

describe('users.updateRole', () => {
  it('promotes and demotes, logging before and after, but never demotes the last active admin', async () => {
    const last = await expectTrpcError(acme.asAdmin.users.updateRole({ id: acme.admin.id, role: 'member' }), 'CONFLICT');
    expect(last.message).toBe('Acme Admin is the last active admin of this organisation and cannot be demoted. Make another user an admin first.');

    expect(await acme.asAdmin.users.updateRole({ id: acme.member.id, role: 'admin' })).toMatchObject({ role: 'admin' });
    expect(await acme.asAdmin.users.updateRole({ id: acme.admin.id, role: 'member' })).toMatchObject({ role: 'member' });
    expect(await activity(acme.tenant.id, 'user.role_change')).toEqual([
      { user_id: acme.admin.id, resource_id: acme.member.id, before: { role: 'member' }, after: { role: 'admin' }, ip: '127.0.0.1' },
      { user_id: acme.admin.id, resource_id: acme.admin.id, before: { role: 'admin' }, after: { role: 'member' }, ip: '127.0.0.1' },
    ]);
    await expectTrpcError(acme.asAdmin.users.updateRole({ id: acme.member.id, role: 'member' }), 'CONFLICT', /last active admin/);
  });

  it('does not count a deactivated admin as another admin', async () => {
    const second = await acme.asAdmin.users.create({ name: 'Second Admin', email: 'second@acme.test', role: 'admin', password: PASSWORD });
    await acme.asAdmin.users.setActive({ id: second.id, active: false });
    await expectTrpcError(acme.asAdmin.users.updateRole({ id: acme.admin.id, role: 'member' }), 'CONFLICT', /last active admin/);
  });

  it('is for admins only; another organisation’s user is NOT_FOUND like a random id; bad input is refused', async () => {
    await expectTrpcError(acme.asMember.users.updateRole({ id: acme.member.id, role: 'admin' }), 'FORBIDDEN');
    const foreign = await expectTrpcError(acme.asAdmin.users.updateRole({ id: globex.member.id, role: 'admin' }), 'NOT_FOUND');
    const random = await expectTrpcError(acme.asAdmin.users.updateRole({ id: randomUUID(), role: 'admin' }), 'NOT_FOUND');
    expect(foreign.message).toBe(random.message);
    expect((await users.findUser(handle.db, globex.tenant.id, globex.member.id))?.role).toBe('member');
    await expectTrpcError(acme.asAdmin.users.updateRole({ id: 'x', role: 'admin' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.users.updateRole({ id: acme.member.id, role: 'root' as never }), 'BAD_REQUEST');
  });
});

describe('users.setActive', () => {
  it('deactivating ends every session of the user at once; reactivating lets them sign in again', async () => {
    await addSession(acme.member, 'member-laptop');
    await addSession(acme.member, 'member-phone');
    await addSession(acme.admin, 'admin-laptop');
    const off = await acme.asAdmin.users.setActive({ id: acme.member.id, active: false });
    expect(off.active).toBe(false);
    expect(await sessionIds(acme.member)).toEqual([]);
    expect(await sessionIds(acme.admin)).toEqual(['admin-laptop']);
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', PASSWORD, BCRYPT_COST)).toBeNull();

    // A row that outlived the deactivation (a login racing it) still signs nobody in: the
    // session is read with its user, and the context ends it.
    await addSession(acme.member, 'member-late');
    const late = await sessions.findSessionContext(handle.db, 'member-late');
    expect(late?.user).toMatchObject({ id: acme.member.id, active: false });
    let ended = false;
    const now = new Date();
    const ctx = await createContext({
      db: handle.db,
      auth: testAuth,
      session: {
        current: { sid: 'member-late', user: late!.user, tenant: late!.tenant, rememberMe: false, createdAt: now, lastSeenAt: now, expiresAt: now },
        start: () => Promise.reject(new Error('unused')),
        end: () => {
          ended = true;
          return Promise.resolve();
        },
      },
      ip: null,
      requestId: 'test',
      setHeader: () => undefined,
    });
    expect(ctx.user).toBeNull();
    expect(ended).toBe(true);

    expect((await acme.asAdmin.users.setActive({ id: acme.member.id, active: true })).active).toBe(true);
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', PASSWORD, BCRYPT_COST)).toMatchObject({ id: acme.member.id });
    expect((await activity(acme.tenant.id, 'user.deactivate')).map((e) => [e.before, e.after])).toEqual([[{ active: true }, { active: false }]]);
    expect((await activity(acme.tenant.id, 'user.reactivate')).map((e) => [e.before, e.after])).toEqual([[{ active: false }, { active: true }]]);
  });

  it('never deactivates the last active admin', async () => {
    await addSession(acme.admin, 'admin-laptop');
    await expectTrpcError(
      acme.asAdmin.users.setActive({ id: acme.admin.id, active: false }),
      'CONFLICT',
      'Acme Admin is the last active admin of this organisation and cannot be deactivated. Make another user an admin first.',
    );
    expect(await sessionIds(acme.admin)).toEqual(['admin-laptop']);
    await acme.asAdmin.users.updateRole({ id: acme.member.id, role: 'admin' });
    expect((await acme.asAdmin.users.setActive({ id: acme.admin.id, active: false })).active).toBe(false);
  });

  it('is for admins only; another organisation’s user is NOT_FOUND like a random id; bad input is refused', async () => {
    await expectTrpcError(acme.asMember.users.setActive({ id: acme.admin.id, active: false }), 'FORBIDDEN');
    const foreign = await expectTrpcError(acme.asAdmin.users.setActive({ id: globex.member.id, active: false }), 'NOT_FOUND');
    const random = await expectTrpcError(acme.asAdmin.users.setActive({ id: randomUUID(), active: false }), 'NOT_FOUND');
    expect(foreign.message).toBe(random.message);
    expect((await users.findUser(handle.db, globex.tenant.id, globex.member.id))?.active).toBe(true);
    await expectTrpcError(acme.asAdmin.users.setActive({ id: acme.member.id, active: 'no' as never }), 'BAD_REQUEST');
    await expectTrpcError(acme.asAdmin.users.setActive({ id: acme.member.id } as never), 'BAD_REQUEST');
  });
});

describe('users.changePassword', () => {
  it('needs the current password, ends the other sessions by default and gives the caller a new session id', async () => {
    const current = `test-${acme.member.id}`;
    await addSession(acme.member, current);
    await addSession(acme.member, 'member-phone');
    const wrong = await expectTrpcError(acme.asMember.users.changePassword({ currentPassword: 'guess', newPassword: NEW_PASSWORD }), 'BAD_REQUEST');
    expect(wrong.cause).toMatchObject({ fieldErrors: { currentPassword: ['The current password is not correct.'] } });
    expect(await sessionIds(acme.member)).toEqual(['member-phone', current]);

    expect(await acme.asMember.users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).toEqual({ otherSessionsEnded: true });
    const [renewed, ...others] = await sessionIds(acme.member);
    expect(others).toEqual([]);
    expect(renewed).not.toBe(current);
    expect(renewed).toMatch(/^test-/);
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', NEW_PASSWORD, BCRYPT_COST)).toMatchObject({ id: acme.member.id });
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', PASSWORD, BCRYPT_COST)).toBeNull();
    const [entry] = await activity(acme.tenant.id, 'auth.password_change');
    expect(entry).toMatchObject({ user_id: acme.member.id, resource_id: acme.member.id, after: { otherSessionsEnded: true } });
    expect(JSON.stringify(entry)).not.toContain(NEW_PASSWORD);
  });

  it('counts wrong current passwords per user: past 5 (throttlePolicy.passwordChange) even the right one is refused, and a success clears the count', async () => {
    for (let i = 0; i < throttlePolicy.passwordChange; i++) {
      await expectTrpcError(acme.asMember.users.changePassword({ currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD }), 'BAD_REQUEST');
    }
    const refused = await expectTrpcError(acme.asMember.users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }), 'TOO_MANY_REQUESTS');
    expect(refused.message).toBe('Too many wrong current passwords. Try again in 15 minutes.');
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', PASSWORD, BCRYPT_COST)).not.toBeNull();
    // Another user of the same organisation is counted apart.
    await expectTrpcError(acme.asAdmin.users.changePassword({ currentPassword: 'guess', newPassword: NEW_PASSWORD }), 'BAD_REQUEST');
    expect(await acme.asAdmin.users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).toEqual({ otherSessionsEnded: true });
    const left = await handle.db.selectFrom('login_throttle').select(['key', 'failures']).orderBy('key').execute();
    // The member's 5 failures plus the refused attempt (5 + 1); the admin's count was cleared by the success.
    expect(left).toEqual([{ key: `password-change:${acme.member.id}`, failures: 6 }]);
  });

  it('can keep the other sessions', async () => {
    await addSession(acme.admin, 'admin-phone');
    await acme.asAdmin.users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, endOtherSessions: false });
    expect(await sessionIds(acme.admin)).toEqual(['admin-phone', expect.stringMatching(/^test-/)]);
  });

  it('refuses bad input and anonymous callers', async () => {
    await expectTrpcError(acme.asMember.users.changePassword({ currentPassword: PASSWORD, newPassword: 'short' }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.users.changePassword({ currentPassword: PASSWORD, newPassword: 'x'.repeat(73) }), 'BAD_REQUEST');
    await expectTrpcError(acme.asMember.users.changePassword({ newPassword: NEW_PASSWORD } as never), 'BAD_REQUEST');
    await expectTrpcError(
      acme.asMember.users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, userId: acme.admin.id } as never),
      'BAD_REQUEST',
    );
    await expectTrpcError(anonymousCaller(handle.db).users.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }), 'UNAUTHORIZED');
    expect(await users.verifyCredentials(handle.db, 'member@acme.test', PASSWORD, BCRYPT_COST)).not.toBeNull();
  });
});

describe('failed sign-ins', () => {
  it('are logged under the tenant of the user the email belongs to, with no hint in the response', async () => {
    const anonymous = anonymousCaller(handle.db);
    const known = await expectTrpcError(anonymous.auth.login({ email: 'member@acme.test', password: 'wrong password' }), 'UNAUTHORIZED');
    const unknown = await expectTrpcError(anonymous.auth.login({ email: 'nobody@acme.test', password: 'wrong password' }), 'UNAUTHORIZED');
    expect(known.message).toBe(unknown.message);
    expect(await activity(acme.tenant.id, 'auth.login_failed')).toEqual([
      { user_id: acme.member.id, resource_id: acme.member.id, before: null, after: null, ip: null },
    ]);
    expect(await activity(globex.tenant.id, 'auth.login_failed')).toEqual([]);
    const all = await handle.db.selectFrom('activity_log').select('tenant_id').where('action', '=', 'auth.login_failed').execute();
    expect(all).toHaveLength(1);

    await acme.asAdmin.users.setActive({ id: acme.member.id, active: false });
    await expectTrpcError(anonymous.auth.login({ email: 'member@acme.test', password: PASSWORD }), 'UNAUTHORIZED', known.message);
    expect(await activity(acme.tenant.id, 'auth.login_failed')).toHaveLength(2);
  });
});
