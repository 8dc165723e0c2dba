import type { Db, PublicUser } from '@pulse/db';
import type { SessionPolicy } from './session-policy.js';

export interface AuthSettings {
  bcryptCost: number;
  sessionPolicy: SessionPolicy;
  /** Production hides internal error messages. */
  production: boolean;
}

/**
 * The session as the host (Express) loaded it from the store, with the user and tenant it
 * belongs to read in the same statement; null when signed out.
 */
export interface CurrentSession {
  sid: string;
  user: PublicUser;
  tenant: Tenant;
  rememberMe: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** What procedures may do to the HTTP session; implemented by the host. */
export interface SessionPort {
  current: CurrentSession | null;
  /** Issues a fresh session id for the signed-in user (never reuses a pre-login id). */
  start(input: { user: PublicUser; tenant: Tenant; rememberMe: boolean }): Promise<CurrentSession>;
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
 * Resolves user and tenant from the server-side session, which the host loads with them on
 * every call, so a deactivated user or a deleted session fails at once. Nothing from
 * headers or input is consulted.
 */
export async function createContext(input: ContextInput): Promise<Context> {
  const current = input.session.current;
  if (current && !current.user.active) await input.session.end();
  const live = current?.user.active ? current : null;
  return { ...input, user: live?.user ?? null, tenant: live?.tenant ?? null };
}
