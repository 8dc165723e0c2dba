import { sql } from 'kysely';
import type { Db } from '../tenancy.js';

/** A throttle key: its name, how many attempts a window allows, and the window (also the block) length. */
export interface ThrottleKey {
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * Reserves one attempt under a key in one atomic statement: the count is reset when the
 * window or the block has passed, the attempt that reaches the limit starts a block of
 * windowMs. Returns the count after this attempt and when its block ends.
 */
export async function reserveThrottleAttempt(db: Db, rule: ThrottleKey, now: Date): Promise<{ count: number; blockedUntil: Date | null }> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const blockUntil = new Date(now.getTime() + rule.windowMs);
  const firstBlock = rule.limit <= 1 ? blockUntil : null;
  const result = await sql<{ failures: number; blocked_until: Date | null }>`
    INSERT INTO login_throttle AS t (key, failures, window_started_at, blocked_until)
    VALUES (${rule.key}, 1, ${now}, ${firstBlock})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE
        WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_started_at < ${windowStart}) THEN 1
        ELSE t.failures + 1 END,
      window_started_at = CASE
        WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_started_at < ${windowStart}) THEN ${now}
        ELSE t.window_started_at END,
      blocked_until = CASE
        WHEN t.blocked_until <= ${now} OR (t.blocked_until IS NULL AND t.window_started_at < ${windowStart}) THEN ${firstBlock}
        WHEN t.failures + 1 = ${rule.limit} THEN ${blockUntil}
        ELSE t.blocked_until END
    RETURNING failures, blocked_until
  `.execute(db);
  const row = result.rows[0] as { failures: number; blocked_until: Date | null };
  return { count: Number(row.failures), blockedUntil: row.blocked_until === null ? null : new Date(row.blocked_until) };
}

/** Forgets the keys' counts. */
export async function clearThrottleKeys(db: Db, keys: readonly string[]): Promise<void> {
  await db.deleteFrom('login_throttle').where('login_throttle.key', 'in', keys).execute();
}

/** Gives one reservation under the key back (lifting its block when it falls under the limit). */
export async function releaseThrottleAttempt(db: Db, rule: ThrottleKey): Promise<void> {
  await sql`
    UPDATE login_throttle SET
      failures = GREATEST(failures - 1, 0),
      blocked_until = CASE WHEN failures - 1 < ${rule.limit} THEN NULL ELSE blocked_until END
    WHERE key = ${rule.key}
  `.execute(db);
}
