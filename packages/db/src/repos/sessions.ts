import type { Kysely } from 'kysely';
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

export async function findSession(db: Q, sid: string): Promise<SessionRow | null> {
  const row = await db
    .selectFrom('sessions')
    .select([
      'sessions.sid',
      'sessions.tenant_id',
      'sessions.user_id',
      'sessions.data',
      'sessions.remember_me',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
    ])
    .where('sessions.sid', '=', sid)
    .executeTakeFirst();
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
  await db
    .insertInto('sessions')
    .values({
      sid: row.sid,
      tenant_id: row.tenantId,
      user_id: row.userId,
      data: JSON.stringify(row.data),
      remember_me: row.rememberMe,
      created_at: row.createdAt,
      last_seen_at: row.lastSeenAt,
      expires_at: row.expiresAt,
    })
    .onConflict((oc) => oc.column('sid').doNothing())
    .execute();
}

export async function touchSession(db: Q, sid: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('sessions.sid', '=', sid).execute();
}

export async function deleteSession(db: Q, sid: string): Promise<void> {
  await db.deleteFrom('sessions').where('sessions.sid', '=', sid).execute();
}

/** Ends a user's sessions, optionally keeping one (the caller's own). */
export async function deleteUserSessions(db: Q, tenantId: string, userId: string, exceptSid?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('sessions.tenant_id', '=', tenantId).where('sessions.user_id', '=', userId);
  if (exceptSid) q = q.where('sessions.sid', '<>', exceptSid);
  await q.execute();
}

export async function deleteExpiredSessions(db: Q, now: Date): Promise<void> {
  await db.deleteFrom('sessions').where('sessions.expires_at', '<', now).execute();
}
