import type { Request } from 'express';
import session from 'express-session';
import { sessions, type Db, type PublicUser } from '@pulse/db';
import { absoluteExpiry, isSessionLive, type SessionPolicy, type Tenant } from '@pulse/api';
import type { SessionCache } from './session-cache.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    tenantId: string;
    rememberMe: boolean;
    createdAt: string;
    expiresAt: string;
    /** Filled in by the store from the row on every load; never persisted from here. */
    lastSeenAt: string;
    /** The session's user and tenant, read with the row on every load; never persisted. */
    owner?: { user: PublicUser; tenant: Tenant };
    /** Set only by a login for its one save that creates the row; never persisted. */
    creating?: boolean;
  }
}

/** The session's user and tenant, attached out of sight of express-session's change-detection hash (never persisted either). */
function withOwner<T extends session.SessionData>(target: T, owner: NonNullable<session.SessionData['owner']>): T {
  return Object.defineProperty(target, 'owner', { value: owner, enumerable: false, writable: true, configurable: true });
}

/**
 * express-session store on the sessions table (through Kysely, so PGlite and pg alike).
 * Lifetimes are checked here on every load; an expired row is deleted and the request
 * is treated as signed out. There is no touch() (without one, express-session sends a
 * response whole instead of holding back its last byte for the store): activity is recorded
 * by the API at most once a minute, and never by session.status. With a SessionCache, a
 * session found there is used without a statement (see session-cache.ts for why that stays
 * correct).
 */
export class KyselySessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly policy: SessionPolicy,
    private readonly cache?: SessionCache,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    this.read(sid).then((s) => callback(null, s), callback);
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    this.write(sid, sess).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.cache?.drop(sid);
    sessions.deleteSession(this.db, sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  /** From the cache, or one statement: the row with its user and tenant (pulse_session_context). */
  private async read(sid: string): Promise<session.SessionData | null> {
    const cached = this.cache?.get(sid);
    const mark = this.cache?.mark() ?? 0;
    const found = cached ?? (await sessions.findSessionContext(this.db, sid));
    if (!found) return null;
    if (!isSessionLive(this.policy, found.session, new Date())) {
      this.cache?.drop(sid);
      await sessions.deleteSession(this.db, sid);
      return null;
    }
    if (!cached) this.cache?.set(sid, found, mark);
    const loaded: session.SessionData = { ...(found.session.data as unknown as session.SessionData), lastSeenAt: found.session.lastSeenAt.toISOString() };
    return withOwner(loaded, { user: found.user, tenant: found.tenant });
  }

  /**
   * express-session's session object, with the owner carried over: express-session copies only
   * enumerable fields, and hashes them (twice a request) to notice changes.
   */
  override createSession(req: Request, data: session.SessionData): session.Session & session.SessionData {
    const created = super.createSession(req, data);
    return data.owner ? withOwner(created, data.owner) : created;
  }

  /**
   * Only a login creates a row (its save carries `creating`); any other save is ignored, so
   * a request still in flight at logout can never write the destroyed session back.
   */
  private async write(sid: string, sess: session.SessionData): Promise<void> {
    if (!sess.creating || !sess.userId || !sess.tenantId || !sess.createdAt) return;
    const createdAt = new Date(sess.createdAt);
    const { lastSeenAt: _seen, creating: _creating, owner: _owner, ...data } = sess;
    await sessions.insertSession(this.db, {
      sid,
      tenantId: sess.tenantId,
      userId: sess.userId,
      data,
      rememberMe: sess.rememberMe === true,
      createdAt,
      lastSeenAt: createdAt,
      expiresAt: absoluteExpiry(this.policy, createdAt, sess.rememberMe === true),
    });
  }
}
