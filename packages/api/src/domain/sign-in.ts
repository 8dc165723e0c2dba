import { sessions, users, withTenant, type PublicUser } from '@pulse/db';
import type { Context, CurrentSession, Tenant } from '../context.js';
import { unauthorized } from '../errors.js';
import { idleExpiry } from '../session-policy.js';
import { clearAttempts, loginRules, registrationRule, releaseAttempt, reserveAttempt } from './throttle.js';
import { registerTenant, type RegistrationInput } from './tenants.js';
import { recordActivity } from './activity.js';
import { recordFailedLogin } from './users.js';

const INVALID_LOGIN = 'Invalid email or password.';

/** What signing in and out needs of the request: its database, settings, address, session and headers. */
export type SignInRequest = Pick<Context, 'db' | 'auth' | 'ip' | 'session' | 'setHeader'>;

export type SessionStatus =
  | { signedIn: false }
  | {
      signedIn: true;
      user: { id: string; name: string; email: string; role: PublicUser['role'] };
      tenant: Tenant;
      rememberMe: boolean;
      idleExpiresAt: Date;
      absoluteExpiresAt: Date;
    };

export function sessionStatus(current: CurrentSession | null, req: Pick<Context, 'auth'>): SessionStatus {
  if (!current?.user.active) return { signedIn: false };
  const { id, name, email, role } = current.user;
  return {
    signedIn: true,
    user: { id, name, email, role },
    tenant: current.tenant,
    rememberMe: current.rememberMe,
    idleExpiresAt: idleExpiry(req.auth.sessionPolicy, current),
    absoluteExpiresAt: current.expiresAt,
  };
}

/** The signed-in user and their organisation (auth.me). */
export function currentUser(req: { user: PublicUser; tenant: Tenant }) {
  const { id, name, email, role, lastLoginAt } = req.user;
  return { id, name, email, role, lastLoginAt, tenant: req.tenant };
}

/** A new organisation with its first admin, signed in (registrations are throttled per address). */
export async function register(req: SignInRequest, input: RegistrationInput): Promise<SessionStatus> {
  await reserveAttempt(req.db, [registrationRule(req.ip)], { reason: 'Too many registrations from this address.', setHeader: req.setHeader });
  const { user, tenant } = await registerTenant(req.db, input, req.auth.bcryptCost, req.ip);
  return sessionStatus(await req.session.start({ user, tenant, rememberMe: false }), req);
}

export interface LoginInput {
  email: string;
  password: string;
  rememberMe: boolean;
}

/**
 * Signs in: the attempt is counted first (per account and address, per account, per
 * address); a wrong password is recorded under the user's tenant; a success clears the
 * account's counts, gives the address its attempt back, records the login and starts a
 * session with a new id.
 */
export async function login(req: SignInRequest, input: LoginInput): Promise<SessionStatus> {
  const rules = loginRules(input.email, req.ip);
  await reserveAttempt(req.db, [rules.accountAndIp, rules.account, rules.ip], { reason: 'Too many failed sign-in attempts.', setHeader: req.setHeader });
  const user = await users.verifyCredentials(req.db, input.email, input.password, req.auth.bcryptCost);
  if (!user) {
    await recordFailedLogin(req.db, input.email, req.ip);
    throw unauthorized(INVALID_LOGIN);
  }
  await clearAttempts(req.db, [rules.accountAndIp.key, rules.account.key]);
  await releaseAttempt(req.db, rules.ip);
  const found = await withTenant(req.db, user.tenantId, async (tx) => {
    await users.recordLogin(tx, user, new Date());
    await recordActivity(tx, {
      tenantId: user.tenantId,
      userId: user.id,
      action: 'auth.login',
      resourceType: 'user',
      resourceId: user.id,
      after: { rememberMe: input.rememberMe },
      ip: req.ip,
    });
    return users.findUserWithTenant(tx, user.tenantId, user.id);
  });
  if (!found) throw unauthorized(INVALID_LOGIN);
  return sessionStatus(await req.session.start({ ...found, rememberMe: input.rememberMe }), req);
}

/**
 * Idempotent: a signed-out caller gets the same answer. The logout is recorded in the
 * tenant's transaction; the session row is deleted afterwards through the store's own
 * connection. An API token has no session to end.
 */
export async function logout(req: SignInRequest & Pick<Context, 'user' | 'tenant' | 'token'>): Promise<{ signedIn: false }> {
  const { user, tenant } = req;
  if (user && tenant && !req.token) {
    await withTenant(req.db, tenant.id, (tx) =>
      recordActivity(tx, { tenantId: tenant.id, userId: user.id, action: 'auth.logout', resourceType: 'user', resourceId: user.id, ip: req.ip }),
    );
  }
  if (req.session.current) await req.session.end();
  return { signedIn: false };
}

/** Counts as activity now; never extends past the absolute limit. */
export async function refreshSession(req: Pick<Context, 'db' | 'auth'>, current: CurrentSession): Promise<SessionStatus> {
  const now = new Date();
  await sessions.touchSession(req.db, current.sid, now);
  current.lastSeenAt = now;
  return sessionStatus(current, req);
}
