import { sql } from 'kysely';
import type { Db } from '../tenancy.js';
import type { EmailKind, WebhookEvent } from '../schema.js';

/**
 * Events for the digest and the email alerts, each user's email choices, and the outbox of
 * emails (email_messages). Every function takes the database (or the tenant's transaction)
 * and the tenant id.
 */

export interface NewEvent {
  /** Chosen by the caller, so it can tell which events were new. */
  id: string;
  event: WebhookEvent;
  summary: string;
  data: Record<string, unknown>;
  accountId: string | null;
  dedupeKey: string | null;
}

const EVENTS_PER_STATEMENT = 5000;

/** Records events; one whose dedupe key was recorded before is skipped. Returns the ids recorded. */
export async function insertEvents(db: Db, tenantId: string, events: NewEvent[], now: Date): Promise<Set<string>> {
  const recorded = new Set<string>();
  // 8 parameters an event: 5,000 events a statement stay under PostgreSQL's 65,535 parameters.
  for (let start = 0; start < events.length; start += EVENTS_PER_STATEMENT) {
    const rows = await db
      .insertInto('notification_events')
      .values(
        events.slice(start, start + EVENTS_PER_STATEMENT).map((e) => ({
          tenant_id: tenantId,
          id: e.id,
          event: e.event,
          summary: e.summary,
          data: JSON.stringify(e.data),
          account_id: e.accountId,
          dedupe_key: e.dedupeKey,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning(['notification_events.id'])
      .execute();
    for (const r of rows) recorded.add(r.id);
  }
  return recorded;
}

export interface DigestEvent {
  event: WebhookEvent;
  summary: string;
  /** The account's owner when they are active; null for an event about no account or an account nobody (active) owns. */
  ownerId: string | null;
}

/** The events of (since, until], oldest first, each with the active owner of its account. */
export async function eventsBetween(db: Db, tenantId: string, since: Date, until: Date): Promise<DigestEvent[]> {
  const rows = await db
    .selectFrom('notification_events as e')
    .leftJoin('accounts as a', (j) => j.onRef('a.tenant_id', '=', 'e.tenant_id').onRef('a.id', '=', 'e.account_id'))
    .leftJoin('users as o', (j) => j.onRef('o.tenant_id', '=', 'a.tenant_id').onRef('o.id', '=', 'a.owner_user_id').on('o.active', '=', true))
    .select(['e.event', 'e.summary', 'o.id as owner_id'])
    .where('e.tenant_id', '=', tenantId)
    .where('e.created_at', '>', since)
    .where('e.created_at', '<=', until)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({ event: r.event, summary: r.summary, ownerId: r.owner_id }));
}

export interface EmailPreferences {
  dailyDigest: boolean;
  criticalAlerts: boolean;
}

export async function getPreferences(db: Db, tenantId: string, userId: string): Promise<EmailPreferences> {
  const row = await db
    .selectFrom('email_preferences')
    .select(['email_preferences.daily_digest', 'email_preferences.critical_alerts'])
    .where('email_preferences.tenant_id', '=', tenantId)
    .where('email_preferences.user_id', '=', userId)
    .executeTakeFirst();
  return { dailyDigest: row?.daily_digest ?? true, criticalAlerts: row?.critical_alerts ?? true };
}

export async function savePreferences(db: Db, tenantId: string, userId: string, preferences: EmailPreferences, now: Date): Promise<void> {
  const values = { daily_digest: preferences.dailyDigest, critical_alerts: preferences.criticalAlerts };
  await db
    .insertInto('email_preferences')
    .values({ tenant_id: tenantId, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ ...values, updated_at: now }))
    .execute();
}

const wants = (kind: keyof EmailPreferences) => sql<boolean>`coalesce(${sql.ref(kind === 'dailyDigest' ? 'p.daily_digest' : 'p.critical_alerts')}, true)`;

/** Active users who want this kind of email (no preferences row: they do). */
export async function recipients(db: Db, tenantId: string, kind: keyof EmailPreferences): Promise<{ id: string; role: 'admin' | 'member' }[]> {
  return db
    .selectFrom('users as u')
    .leftJoin('email_preferences as p', (j) => j.onRef('p.tenant_id', '=', 'u.tenant_id').onRef('p.user_id', '=', 'u.id'))
    .select(['u.id', 'u.role'])
    .where('u.tenant_id', '=', tenantId)
    .where('u.active', '=', true)
    .where(wants(kind))
    .orderBy('u.id')
    .execute();
}

/**
 * Who hears at once that an account turned critical: its owner when the account has an
 * active one, otherwise the tenant's active admins; each only if they want critical alerts.
 */
export async function criticalAlertRecipients(db: Db, tenantId: string, accountIds: string[]): Promise<{ accountId: string; userId: string }[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('accounts as a')
    .leftJoin('users as o', (j) => j.onRef('o.tenant_id', '=', 'a.tenant_id').onRef('o.id', '=', 'a.owner_user_id').on('o.active', '=', true))
    .innerJoin('users as u', (j) =>
      j
        .onRef('u.tenant_id', '=', 'a.tenant_id')
        .on('u.active', '=', true)
        .on((eb) => eb.or([eb('u.id', '=', eb.ref('o.id')), eb.and([eb('o.id', 'is', null), eb('u.role', '=', 'admin')])])),
    )
    .leftJoin('email_preferences as p', (j) => j.onRef('p.tenant_id', '=', 'u.tenant_id').onRef('p.user_id', '=', 'u.id'))
    .select(['a.id as account_id', 'u.id as user_id'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', 'in', accountIds)
    .where(wants('criticalAlerts'))
    .orderBy('a.id')
    .orderBy('u.id')
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, userId: r.user_id }));
}

export interface NewEmail {
  userId: string;
  kind: EmailKind;
  dedupeKey: string;
  subject: string;
  body: string;
}

/** Adds emails to the outbox; one already there (same user, kind and key) is skipped. Returns the ids added. */
export async function queueEmails(db: Db, tenantId: string, emails: NewEmail[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .insertInto('email_messages')
    .values(emails.map((e) => ({ tenant_id: tenantId, user_id: e.userId, kind: e.kind, dedupe_key: e.dedupeKey, subject: e.subject, body: e.body })))
    .onConflict((oc) => oc.doNothing())
    .returning(['email_messages.id'])
    .execute();
  return rows.map((r) => r.id);
}

export interface OutgoingEmail {
  status: 'pending' | 'sent' | 'failed';
  subject: string;
  body: string;
  to: { name: string; address: string; active: boolean };
}

/** An email of the outbox with its recipient's current address; null when it is gone. */
export async function findEmail(db: Db, tenantId: string, id: string): Promise<OutgoingEmail | null> {
  const row = await db
    .selectFrom('email_messages as m')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.id', '=', 'm.user_id'))
    .select(['m.status', 'm.subject', 'm.body', 'u.name', 'u.email', 'u.active'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', id)
    .executeTakeFirst();
  return row ? { status: row.status, subject: row.subject, body: row.body, to: { name: row.name, address: row.email, active: row.active } } : null;
}

/** Records one attempt: sent, still pending (the queue retries) or failed (no retries left). */
export async function recordEmailAttempt(
  db: Db,
  tenantId: string,
  id: string,
  status: 'pending' | 'sent' | 'failed',
  error: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('email_messages')
    .set({ status, last_error: error, attempts: sql<number>`email_messages.attempts + 1`, ...(status === 'sent' ? { sent_at: now } : {}) })
    .where('email_messages.tenant_id', '=', tenantId)
    .where('email_messages.id', '=', id)
    .execute();
}

/** Deletes emails sent or failed before `before` (the outbox keeps pending ones until they are sent). */
export async function deleteFinishedEmails(db: Db, tenantId: string, before: Date): Promise<void> {
  await db
    .deleteFrom('email_messages')
    .where('email_messages.tenant_id', '=', tenantId)
    .where('email_messages.status', '<>', 'pending')
    .where('email_messages.created_at', '<', before)
    .execute();
}
