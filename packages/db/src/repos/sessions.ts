import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { principalOf, type PrincipalRow, type PublicUser } from './users.js';

type Q = Kysely<Database>;

export interface SessionRow {
  sid: string;
  tenantId: string;
  userId: string;
  data: Record<string, unknown>;
  rememberMe: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A live-or-not session row with the user and tenant it belongs to, as one request needs them. */
export interface SessionContext {
  session: SessionRow;
  user: PublicUser;
  tenant: { id: string; name: string };
}

/**
 * Session rows are read and written by id before any tenant is known, through the
 * SECURITY DEFINER functions pulse_session_* (the app role sees only its tenant's rows).
 * A request resolves its session, user and tenant in this one statement.
 */
export async function findSessionContext(db: Q, sid: string): Promise<SessionContext | null> {
  const { rows } = await sql<
    PrincipalRow & {
      sid: string;
      data: Record<string, unknown>;
      remember_me: boolean;
      created_at: Date;
      last_seen_at: Date;
      expires_at: Date;
    }
  >`
    SELECT sid, tenant_id, user_id, data, remember_me, created_at, last_seen_at, expires_at,
           email, name, role, active, last_login_at, user_created_at, tenant_name
    FROM pulse_session_context(${sid})
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    session: {
      sid: row.sid,
      tenantId: row.tenant_id,
      userId: row.user_id,
      data: row.data,
      rememberMe: row.remember_me,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    },
    ...principalOf(row),
  };
}

/** Creates the row for a new session; an existing sid is left as it is (no resurrection or overwrite). */
export async function insertSession(db: Q, row: SessionRow): Promise<void> {
  await sql`
    SELECT pulse_session_insert(${row.sid}, ${row.tenantId}, ${row.userId}, ${JSON.stringify(row.data)}::jsonb,
      ${row.rememberMe}, ${row.createdAt}, ${row.lastSeenAt}, ${row.expiresAt})
  `.execute(db);
}

export async function touchSession(db: Q, sid: string, at: Date): Promise<void> {
  await sql`SELECT pulse_session_touch(${sid}, ${at})`.execute(db);
}

export async function deleteSession(db: Q, sid: string): Promise<void> {
  await sql`SELECT pulse_session_delete(${sid})`.execute(db);
}

export async function deleteUserSessions(db: Q, tenantId: string, userId: string, exceptSid?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('sessions.tenant_id', '=', tenantId).where('sessions.user_id', '=', userId);
  if (exceptSid) q = q.where('sessions.sid', '<>', exceptSid);
  await q.execute();
}

/**
 * Deletes sessions idle since before their limit (idleBefore, or rememberMeIdleBefore for
 * remembered ones) or past their absolute expiry, through pulse_sessions_sweep (SECURITY
 * DEFINER: every tenant's sessions). Returns how many were deleted.
 */
export async function sweepSessions(db: Q, idleBefore: Date, rememberMeIdleBefore: Date, now: Date): Promise<number> {
  const { rows } = await sql<{ deleted: number }>`SELECT pulse_sessions_sweep(${idleBefore}, ${rememberMeIdleBefore}, ${now}) AS deleted`.execute(db);
  return rows[0]?.deleted ?? 0;
}
