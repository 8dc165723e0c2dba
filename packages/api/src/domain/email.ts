import nodemailer from 'nodemailer';
import { notifications, tasks, withTenant, type Db, type EmailPreferences } from '@pulse/db';
import type { QueueWorker } from '../queue.js';
import { sendJobs, type QueueJobs } from '../send-jobs.js';
import { isoDay } from './dates.js';

/**
 * Email reaches the people who own the accounts. An account's owner gets the immediate
 * alert when it turns critical and its news in their daily digest; the admins get what
 * concerns no owner (accounts without an active owner, rejected uploads). Each user turns
 * either email off for themselves. Emails go through an outbox (email_messages): one row
 * per user, kind and key (the event, or the day), sent by a job of the email.send queue,
 * which pg-boss retries with exponential backoff while SMTP is down.
 */

export const EMAIL_QUEUE = 'email.send';

/** SMTP settings (SMTP_URL, SMTP_FROM); without them no email is sent. */
export interface MailSettings {
  /** e.g. smtp://user:password@mail.example.com:587 or smtps://…:465 */
  url: string;
  from: string;
}

/** A job of the email.send queue: one email of the outbox. */
export type EmailJob = QueueJobs['email.send'];

/** Adds the emails to the outbox and queues one job for each that was not there yet, in db's transaction. */
async function queue(db: Db, tenantId: string, emails: notifications.NewEmail[]): Promise<number> {
  const ids = await notifications.queueEmails(db, tenantId, emails);
  await sendJobs(
    db,
    EMAIL_QUEUE,
    ids.map((emailId): EmailJob => ({ tenantId, emailId })),
  );
  return ids.length;
}

export interface CriticalAccount {
  eventId: string;
  accountId: string;
  accountName: string;
  summary: string;
}

/** An immediate email to each owner (or, for an account nobody owns, each admin) of an account that turned critical. */
export async function queueCriticalAlerts(db: Db, tenantId: string, accounts: CriticalAccount[]): Promise<number> {
  if (accounts.length === 0) return 0;
  const to = await notifications.criticalAlertRecipients(
    db,
    tenantId,
    accounts.map((a) => a.accountId),
  );
  return queue(
    db,
    tenantId,
    to.flatMap(({ accountId, userId }) =>
      accounts
        .filter((a) => a.accountId === accountId)
        .map((a) => ({
          userId,
          kind: 'critical_alert' as const,
          dedupeKey: a.eventId,
          subject: `Pulse: ${a.accountName} is now critical`,
          body: `${a.summary}\n\nOpen Pulse to see why and what to do next.\n\nYou get this email because you own this account (or, for an account without an owner, because you are an admin); turn it off under Email alerts in your user menu in Pulse.\n`,
        })),
    ),
  );
}

const DAY_MS = 86_400_000;
const DIGEST_LINES = 50;
/** Sent and failed emails are kept 30 days, then the digest job deletes them. */
const EMAIL_RETENTION_MS = 30 * DAY_MS;

function section(title: string, lines: string[]): string | null {
  if (lines.length === 0) return null;
  const more = lines.length > DIGEST_LINES ? [`and ${lines.length - DIGEST_LINES} more in Pulse`] : [];
  return `${title} (${lines.length}):\n${[...lines.slice(0, DIGEST_LINES), ...more].map((l) => `- ${l}`).join('\n')}`;
}

/**
 * One user's digest: tier changes and new recommendations of the accounts they own, the
 * overdue tasks they answer for (assigned to them, or unassigned on their accounts), and
 * for admins the same for accounts without an active owner plus rejected uploads. Null
 * when there is nothing to tell.
 */
export function digestBody(user: { id: string; role: 'admin' | 'member' }, events: notifications.DigestEvent[], overdue: tasks.OverdueTask[]): string | null {
  const admin = user.role === 'admin';
  const mine = events.filter((e) => e.ownerId === user.id || (admin && e.ownerId === null));
  const of = (event: notifications.DigestEvent['event']) => mine.filter((e) => e.event === event).map((e) => e.summary);
  const tasksOf = overdue.filter((t) => t.assigneeId === user.id || (t.assigneeId === null && (t.ownerId === user.id || (admin && t.ownerId === null))));
  const sections = [
    section('Tier changes', of('account.tier_changed')),
    section('New recommendations', of('recommendation.fired')),
    section(
      'Overdue tasks',
      tasksOf.map((t) => `${t.title} (${t.accountName}) was due on ${t.dueDate}.`),
    ),
    section('Rejected uploads', of('upload.rejected')),
  ].filter((s) => s !== null);
  return sections.length ? `${sections.join('\n\n')}\n\nYou get this digest every morning; turn it off under Email alerts in your user menu in Pulse.\n` : null;
}

/**
 * Queues each user's digest of the 24 hours before now, for every tenant: one per user and
 * day, so the job run again (a retry after one tenant failed, a second instance) sends no
 * digest twice; and deletes emails sent or failed more than 30 days ago. Returns the
 * number of digests queued.
 */
export async function queueDailyDigests(db: Db, tenantIds: string[], now: Date): Promise<number> {
  let queued = 0;
  for (const tenantId of tenantIds) {
    queued += await withTenant(db, tenantId, async (tx) => {
      const events = await notifications.eventsBetween(tx, tenantId, new Date(now.getTime() - DAY_MS), now);
      const overdue = await tasks.overdueTasks(tx, tenantId, isoDay(now));
      const users = await notifications.recipients(tx, tenantId, 'dailyDigest');
      const day = isoDay(now);
      await notifications.deleteFinishedEmails(tx, tenantId, new Date(now.getTime() - EMAIL_RETENTION_MS));
      return queue(
        tx,
        tenantId,
        users.flatMap((user) => {
          const body = digestBody(user, events, overdue);
          return body ? [{ userId: user.id, kind: 'daily_digest' as const, dedupeKey: day, subject: `Pulse daily digest for ${day}`, body }] : [];
        }),
      );
    });
  }
  return queued;
}

/**
 * Sends one email of the outbox (a worker of the email.send queue) to the user's current
 * address, if they are still active and it was not sent yet. A refused or failed SMTP send
 * is recorded and thrown, so pg-boss retries it; after the last attempt it is marked failed.
 */
export function emailWorker(mail: MailSettings | null): QueueWorker<typeof EMAIL_QUEUE> {
  const transport = mail ? nodemailer.createTransport(mail.url) : null;
  return {
    name: EMAIL_QUEUE,
    async work(db: Db, job: EmailJob, attempt: { last: boolean }): Promise<void> {
      if (!transport || !mail) return;
      const email = await withTenant(db, job.tenantId, (tx) => notifications.findEmail(tx, job.tenantId, job.emailId));
      if (!email || email.status !== 'pending' || !email.to.active) return;
      let error: string | null = null;
      try {
        await transport.sendMail({ from: mail.from, to: { name: email.to.name, address: email.to.address }, subject: email.subject, text: email.body });
      } catch (e) {
        error = `The mail server did not take the email (${e instanceof Error ? e.message : String(e)}).`;
      }
      const status = error === null ? 'sent' : attempt.last ? 'failed' : 'pending';
      await withTenant(db, job.tenantId, (tx) => notifications.recordEmailAttempt(tx, job.tenantId, job.emailId, status, error, new Date()));
      if (error !== null) throw new Error(error);
    },
  };
}

export function getPreferences(db: Db, tenantId: string, userId: string): Promise<EmailPreferences> {
  return notifications.getPreferences(db, tenantId, userId);
}

export async function updatePreferences(db: Db, tenantId: string, userId: string, changes: Partial<EmailPreferences>): Promise<EmailPreferences> {
  const next = { ...(await notifications.getPreferences(db, tenantId, userId)), ...changes };
  await notifications.savePreferences(db, tenantId, userId, next, new Date());
  return next;
}
