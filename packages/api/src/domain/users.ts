import { sessions, users, withTenant, type Db, type Page, type PageRequest, type PublicUser, type UserRole } from '@pulse/db';
import { badRequest, conflict, isUniqueViolation, notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { clearAttempts, passwordChangeRule, reserveAttempt } from './throttle.js';
import type { Context, CurrentSession, SessionPort, Tenant } from '../context.js';

/** Members of a tenant as admins see them. */
export interface Member {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

function toMember(u: PublicUser): Member {
  return { id: u.id, name: u.name, email: u.email, role: u.role, active: u.active, lastLoginAt: u.lastLoginAt, createdAt: u.createdAt };
}

export async function listMembers(db: Db, tenantId: string, filters: users.UserFilters, page: PageRequest): Promise<Page<Member>> {
  const result = await users.listUsers(db, tenantId, filters, page);
  return { items: result.items.map(toMember), nextCursor: result.nextCursor };
}

async function getMember(db: Db, tenantId: string, userId: string): Promise<PublicUser> {
  const user = await users.findUser(db, tenantId, userId);
  if (!user) throw notFound('User');
  return user;
}

export interface NewMember {
  name: string;
  email: string;
  role: UserRole;
  password: string;
}

/**
 * Adds a user to the admin's tenant with an initial password they pass on to the person.
 * Emails are unique across tenants, which the tenant transaction cannot see, so a taken
 * email shows as the unique index refusing the row.
 */
export async function createMember(db: Db, actor: Actor, input: NewMember, bcryptCost: number): Promise<Member> {
  const user = await users.createUser(db, { tenantId: actor.tenantId, ...input }, bcryptCost).catch((error: unknown) => {
    throw isUniqueViolation(error) ? conflict('This email address is already in use.') : error;
  });
  await recordActivity(db, {
    ...actor,
    action: 'user.create',
    resourceType: 'user',
    resourceId: user.id,
    after: { name: user.name, email: user.email, role: user.role },
  });
  return toMember(user);
}

/** Refuses a change that would leave the tenant without an active admin. */
async function assertAnotherAdmin(db: Db, tenantId: string, user: PublicUser, change: string): Promise<void> {
  if (user.role !== 'admin' || !user.active) return;
  const admins = await users.lockActiveAdmins(db, tenantId);
  if (admins.every((id) => id === user.id)) {
    throw conflict(`${user.name} is the last active admin of this organisation and cannot be ${change}. Make another user an admin first.`);
  }
}

async function applyChange(db: Db, actor: Actor, user: PublicUser, changes: { role?: UserRole; active?: boolean }, action: string): Promise<Member> {
  const updated = await users.updateUser(db, actor.tenantId, user.id, changes);
  const keys = Object.keys(changes) as (keyof typeof changes)[];
  await recordActivity(db, {
    ...actor,
    action,
    resourceType: 'user',
    resourceId: user.id,
    before: Object.fromEntries(keys.map((k) => [k, user[k]])),
    after: changes,
  });
  return toMember(updated);
}

export async function changeRole(db: Db, actor: Actor, userId: string, role: UserRole): Promise<Member> {
  const user = await getMember(db, actor.tenantId, userId);
  if (user.role === role) return toMember(user);
  if (role === 'member') await assertAnotherAdmin(db, actor.tenantId, user, 'demoted');
  return applyChange(db, actor, user, { role }, 'user.role_change');
}

/** Deactivating ends every session of the user at once; reactivating lets them sign in again. */
export async function setActive(db: Db, actor: Actor, userId: string, active: boolean): Promise<Member> {
  const user = await getMember(db, actor.tenantId, userId);
  if (user.active === active) return toMember(user);
  if (!active) {
    await assertAnotherAdmin(db, actor.tenantId, user, 'deactivated');
    await sessions.deleteUserSessions(db, actor.tenantId, userId);
  }
  return applyChange(db, actor, user, { active }, active ? 'user.reactivate' : 'user.deactivate');
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  /** End the user's other sessions (default true); the current one is kept. */
  endOtherSessions: boolean;
}

export async function changePassword(
  db: Db,
  actor: Actor & { userId: string },
  currentSid: string,
  input: PasswordChange,
  bcryptCost: number,
): Promise<{ otherSessionsEnded: boolean }> {
  if (!(await users.checkPassword(db, actor.tenantId, actor.userId, input.currentPassword))) {
    throw badRequest('The current password is not correct.', { currentPassword: ['The current password is not correct.'] });
  }
  await users.setPassword(db, actor.tenantId, actor.userId, input.newPassword, bcryptCost);
  if (input.endOtherSessions) await sessions.deleteUserSessions(db, actor.tenantId, actor.userId, currentSid);
  await recordActivity(db, {
    ...actor,
    action: 'auth.password_change',
    resourceType: 'user',
    resourceId: actor.userId,
    after: { otherSessionsEnded: input.endOtherSessions },
  });
  return { otherSessionsEnded: input.endOtherSessions };
}

/** What changing one's own password needs of the request: a browser session, its user and tenant. */
export type PasswordChangeRequest = Pick<Context, 'db' | 'auth' | 'ip' | 'setHeader' | 'token'> & {
  user: PublicUser;
  tenant: Tenant;
  session: SessionPort & { current: CurrentSession };
};

/**
 * The signed-in user's own password. The attempt is counted before the current password is
 * checked, outside the tenant transaction so a wrong guess stays counted; a success clears
 * the count and, as at login, gives the caller a new session id.
 */
export async function changeOwnPassword(req: PasswordChangeRequest, input: PasswordChange): Promise<{ otherSessionsEnded: boolean }> {
  const rule = passwordChangeRule(req.user.id);
  await reserveAttempt(req.db, [rule], { reason: 'Too many wrong current passwords.', setHeader: req.setHeader });
  const { current } = req.session;
  const actor = { tenantId: req.tenant.id, userId: req.user.id, ip: req.ip, tokenId: req.token?.id ?? null };
  const result = await withTenant(req.db, req.tenant.id, (tx) => changePassword(tx, actor, current.sid, input, req.auth.bcryptCost));
  await clearAttempts(req.db, [rule.key]);
  await req.session.start({ user: req.user, tenant: req.tenant, rememberMe: current.rememberMe });
  return result;
}

/**
 * Records a failed sign-in under the tenant of the user the email belongs to; unknown
 * emails leave no trace. Runs in its own transaction, outside the failing request.
 */
export async function recordFailedLogin(db: Db, email: string, ip: string | null): Promise<void> {
  const user = await users.findUserByEmail(db, email);
  if (!user) return;
  await withTenant(db, user.tenantId, (tx) =>
    recordActivity(tx, { tenantId: user.tenantId, userId: user.id, action: 'auth.login_failed', resourceType: 'user', resourceId: user.id, ip }),
  );
}
