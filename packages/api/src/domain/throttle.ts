import { sql } from 'kysely';
import type { Db } from '@pulse/db';

/**
 * Login throttling, stored in PostgreSQL so it survives restarts and is shared by every
 * server instance. Failures are counted per (email, client IP) and per client IP within a
 * 15-minute window; reaching the limit blocks that key for 15 minutes. Unknown emails are
 * counted exactly like known ones.
 */
export const throttlePolicy = {
  windowMs: 15 * 60_000,
  blockMs: 15 * 60_000,
  perAccountAndIp: 5,
  perIp: 50,
};

export function loginThrottleKeys(email: string, ip: string | null): { account: string; ip: string } {
  const client = ip ?? 'unknown';
  return { account: `login:${email.trim().toLowerCase()}|${client}`, ip: `login-ip:${client}` };
}

/** Seconds until the caller may try again, or null when not blocked. */
export async function blockedFor(db: Db, keys: string[], now: Date): Promise<number | null> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['login_throttle.blocked_until'])
    .where('login_throttle.key', 'in', keys)
    .where('login_throttle.blocked_until', '>', now)
    .execute();
  const until = Math.max(0, ...rows.map((r) => (r.blocked_until as Date).getTime()));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : null;
}

export async function recordFailure(db: Db, key: string, limit: number, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - throttlePolicy.windowMs);
  const blockUntil = new Date(now.getTime() + throttlePolicy.blockMs);
  await sql`
    INSERT INTO login_throttle AS t (key, failures, window_started_at, blocked_until)
    VALUES (${key}, 1, ${now}, ${limit <= 1 ? blockUntil : null})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END,
      window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
      blocked_until = CASE
        WHEN t.window_started_at >= ${windowStart} AND t.failures + 1 >= ${limit} THEN ${blockUntil}
        ELSE t.blocked_until END
  `.execute(db);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('login_throttle.key', '=', key).execute();
}
