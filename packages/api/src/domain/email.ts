import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import { withTenant, type Db } from '@pulse/db';
import { sendJobs } from '../send-jobs.js';
import type { PulseEvent } from './webhooks.js';

export const EMAIL_QUEUE = 'email.send';

/** SMTP settings (SMTP_URL, SMTP_FROM); without them no email is sent. */
export interface MailSettings {
  /** e.g. smtp://user:password@mail.example.com:587 or smtps://…:465 */
  url: string;
  from: string;
}

export interface EmailJob {
  tenantId: string;
  userId: string;
  subject: string;
  text: string;
}

export interface EmailPreferences {
  dailyDigest: boolean;
  criticalAlerts: boolean;
}

/**
 * Who gets alerts about the tenant's accounts: its active admins, each unless they turned
 * that email off. (Accounts have no owning user yet; when they do, owners get their own
 * accounts' alerts.)
 */
async function recipients(db: Db, tenantId: string, kind: keyof EmailPreferences): Promise<string[]> {
  const column = kind === 'dailyDigest' ? sql.ref('p.daily_digest') : sql.ref('p.critical_alerts');
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('email_preferences as p', (j) => j.onRef('p.tenant_id', '=', 'u.tenant_id').onRef('p.user_id', '=', 'u.id'))
    .select(['u.id'])
    .where('u.tenant_id', '=', tenantId)
    .where('u.active', '=', true)
    .where('u.role', '=', 'admin')
    .where(sql<boolean>`coalesce(${column}, true)`)
    .orderBy('u.id')
    .execute();
  return rows.map((r) => r.id);
}

/** An immediate email for every account that turned critical, queued in the caller's transaction. */
export async function queueCriticalAlerts(db: Db, tenantId: string, events: PulseEvent[]): Promise<void> {
  const critical = events.filter((e) => e.event === 'account.tier_changed' && e.data.tier === 'critical');
  if (critical.length === 0) return;
  const to = await recipients(db, tenantId, 'criticalAlerts');
  await sendJobs(
    db,
    EMAIL_QUEUE,
    critical.flatMap((e) =>
      to.map((userId): EmailJob => ({
        tenantId,
        userId,
        subject: `Pulse: ${String(e.data.accountName)} is now critical`,
        text: `${e.summary}\n\nOpen Pulse to see why and what to do next.\n\nYou get this email because you are an admin of this organisation; turn it off in your email preferences.`,
      })),
    ),
  );
}

const DAY_MS = 86_400_000;
const DIGEST_LINES = 50;

/** One digest per recipient of each tenant that had events in the 24 hours before now (tier changes, new recommendations, overdue steps, rejected uploads). */
export async function queueDailyDigests(db: Db, tenantIds: string[], now: Date): Promise<number> {
  let queued = 0;
  for (const tenantId of tenantIds) {
    queued += await withTenant(db, tenantId, async (tx) => {
      const events = await tx
        .selectFrom('notification_events')
        .select(['notification_events.event', 'notification_events.summary'])
        .where('notification_events.tenant_id', '=', tenantId)
        .where('notification_events.created_at', '>', new Date(now.getTime() - DAY_MS))
        .where('notification_events.created_at', '<=', now)
        .orderBy('notification_events.created_at')
        .orderBy('notification_events.id')
        .execute();
      if (events.length === 0) return 0;
      const sections = [
        ['Tier changes', 'account.tier_changed'],
        ['New recommendations', 'recommendation.fired'],
        ['Overdue playbook steps', 'task.overdue'],
        ['Rejected uploads', 'upload.rejected'],
      ] as const;
      const body = sections
        .map(([title, event]) => {
          const lines = events.filter((e) => e.event === event).map((e) => `- ${e.summary}`);
          if (lines.length === 0) return null;
          const more = lines.length > DIGEST_LINES ? [`- and ${lines.length - DIGEST_LINES} more in Pulse`] : [];
          return `${title} (${lines.length}):\n${[...lines.slice(0, DIGEST_LINES), ...more].join('\n')}`;
        })
        .filter((s) => s !== null)
        .join('\n\n');
      const to = await recipients(tx, tenantId, 'dailyDigest');
      await sendJobs(
        tx,
        EMAIL_QUEUE,
        to.map((userId): EmailJob => ({ tenantId, userId, subject: `Pulse daily digest for ${now.toISOString().slice(0, 10)}`, text: `${body}\n` })),
      );
      return to.length;
    });
  }
  return queued;
}

/**
 * Sends one email job (a worker of the email.send queue): to the user's current address,
 * if they are still active. A refused or failed SMTP send throws, so pg-boss retries it.
 */
export function emailWorker(mail: MailSettings | null) {
  const transport = mail ? nodemailer.createTransport(mail.url) : null;
  return {
    name: EMAIL_QUEUE,
    async work(db: Db, data: unknown): Promise<void> {
      const job = data as EmailJob;
      if (!transport || !mail) return;
      const user = await withTenant(db, job.tenantId, (tx) =>
        tx.selectFrom('users').select(['users.email', 'users.name', 'users.active']).where('users.tenant_id', '=', job.tenantId).where('users.id', '=', job.userId).executeTakeFirst(),
      );
      if (!user?.active) return;
      await transport.sendMail({ from: mail.from, to: { name: user.name, address: user.email }, subject: job.subject, text: job.text });
    },
  };
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

export async function updatePreferences(db: Db, tenantId: string, userId: string, changes: Partial<EmailPreferences>): Promise<EmailPreferences> {
  const next = { ...(await getPreferences(db, tenantId, userId)), ...changes };
  await db
    .insertInto('email_preferences')
    .values({ tenant_id: tenantId, user_id: userId, daily_digest: next.dailyDigest, critical_alerts: next.criticalAlerts })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'user_id']).doUpdateSet({ daily_digest: next.dailyDigest, critical_alerts: next.criticalAlerts, updated_at: new Date() }),
    )
    .execute();
  return next;
}
