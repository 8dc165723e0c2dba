import { users, type Db, type PublicUser } from '@pulse/db';
import type { SessionPolicy } from './session-policy.js';

export interface AuthSettings {
  bcryptCost: number;
  sessionPolicy: SessionPolicy;
  /** Production hides internal error messages. */
  production: boolean;
}

/** The session as the host (Express) loaded it from the store; null when signed out. */
export interface CurrentSession {
  sid: string;
  userId: string;
  tenantId: string;
  rememberMe: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** What procedures may do to the HTTP session; implemented by the host. */
export interface SessionPort {
  current: CurrentSession | null;
  /** Issues a fresh session id for the signed-in user (never reuses a pre-login id). */
  start(input: { userId: string; tenantId: string; rememberMe: boolean }): Promise<CurrentSession>;
  /** Deletes the session row and expires the cookie. */
  end(): Promise<void>;
}

export interface Tenant {
  id: string;
  name: string;
}

export interface Context {
  db: Db;
  auth: AuthSettings;
  session: SessionPort;
  user: PublicUser | null;
  tenant: Tenant | null;
  ip: string | null;
  requestId: string;
  /** Sets a response header (e.g. Retry-After); a no-op outside HTTP. */
  setHeader: (name: string, value: string) => void;
}

export interface ContextInput {
  db: Db;
  auth: AuthSettings;
  session: SessionPort;
  ip: string | null;
  requestId: string;
  setHeader: (name: string, value: string) => void;
}

/**
 * Resolves user and tenant from the server-side session on every call, so a deactivated
 * user or a deleted session fails at once. Nothing from headers or input is consulted.
 */
export async function createContext(input: ContextInput): Promise<Context> {
  const current = input.session.current;
  const found = current ? await users.findUserWithTenant(input.db, current.tenantId, current.userId) : null;
  if (current && (!found || !found.user.active)) await input.session.end();
  const live = found?.user.active ? found : null;
  return { ...input, user: live?.user ?? null, tenant: live?.tenant ?? null };
}
