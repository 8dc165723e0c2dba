import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

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

/**
 * Session rows are read and written by id before any tenant is known, through the
 * SECURITY DEFINER functions pulse_session_* (the app role sees only its tenant's rows).
 */
export async function findSession(db: Q, sid: string): Promise<SessionRow | null> {
  const { rows } = await sql<{
    sid: string;
    tenant_id: string;
    user_id: string;
    data: Record<string, unknown>;
    remember_me: boolean;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  }>`
    SELECT sid, tenant_id, user_id, data, remember_me, created_at, last_seen_at, expires_at
    FROM pulse_session_find(${sid})
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    sid: row.sid,
    tenantId: row.tenant_id,
    userId: row.user_id,
    data: row.data,
    rememberMe: row.remember_me,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
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
