import type { TRPCError } from '@trpc/server';
import type { Db, PublicUser, TokenScope } from '@pulse/db';
import type { SessionPolicy } from './session-policy.js';
import { resolveBearer } from './domain/tokens.js';

export interface AuthSettings {
  bcryptCost: number;
  sessionPolicy: SessionPolicy;
  /** Production hides internal error messages. */
  production: boolean;
  /** Key of the keyed hash under which API tokens are stored (domain/tokens.ts). */
  tokenKey: string;
}

/** The API token a bearer request acts through (for the user who created it). */
export interface TokenPrincipal {
  id: string;
  scope: TokenScope;
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
  /** Set when the request authenticated with `Authorization: Bearer`; absent for sessions. */
  token?: TokenPrincipal | null;
  /** Why the bearer credential was refused (bad, revoked, expired, throttled); signed-in procedures throw it. */
  refusal?: TRPCError | null;
  ip: string | null;
  requestId: string;
  /** Sets a response header (e.g. Retry-After); a no-op outside HTTP. */
  setHeader: (name: string, value: string) => void;
  /** Stored healths above which a range or settings change recomputes in a job (default RECOMPUTE_JOB_THRESHOLD; tests lower it). */
  recomputeJobThreshold?: number;
}

export interface ContextInput {
  db: Db;
  auth: AuthSettings;
  session: SessionPort;
  ip: string | null;
  requestId: string;
  setHeader: (name: string, value: string) => void;
  /** The Authorization header, when the request sent one: then it alone decides who acts (no cookies). */
  authorization?: string | undefined;
}

/**
 * Resolves user and tenant from the server-side session, which the host loads with them on
 * every call, so a deactivated user or a deleted session fails at once. The one header
 * consulted is Authorization: a bearer API token resolves to its tenant and creator in the
 * database on every request (domain/tokens.ts), and then no session is used.
 */
export async function createContext(input: ContextInput): Promise<Context> {
  const { authorization, ...rest } = input;
  if (authorization !== undefined) {
    const outcome = await resolveBearer(input.db, input.auth.tokenKey, authorization);
    if (!outcome.ok) {
      if (outcome.retryAfter !== undefined) input.setHeader('Retry-After', String(outcome.retryAfter));
      return { ...rest, user: null, tenant: null, token: null, refusal: outcome.error };
    }
    const { token, user, tenant } = outcome.context;
    return { ...rest, user, tenant, token: { id: token.id, scope: token.scope }, refusal: null };
  }
  const current = input.session.current;
  if (current && !current.user.active) await input.session.end();
  const live = current?.user.active ? current : null;
  return { ...rest, user: live?.user ?? null, tenant: live?.tenant ?? null };
}
