import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, withTenant } from '@pulse/db';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant, type TestTenant } from './harness.js';
import { expectTrpcError } from './kpi-helpers.js';
import { eventually, smtpInbox, type Mail, type SmtpInbox } from './receivers.js';
import { EMAIL_QUEUE, queueDailyDigests } from '../src/domain/email.js';
import { queueWorkers } from '../src/domain/jobs.js';
import { emitEvents, type PulseEvent } from '../src/domain/webhooks.js';
import { startQueue, type JobQueue } from '../src/queue.js';
import { sendJobs } from '../src/send-jobs.js';

const handle = useTestDatabase();

let smtp: SmtpInbox;
let inbox: Mail[];
beforeAll(async () => {
  smtp = await smtpInbox();
  inbox = smtp.mails;
});
afterAll(() => smtp.close());

/** Waits for the queue to go quiet, so a test can say nothing more arrives. */
const emailJobsLeft = async () => {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${EMAIL_QUEUE} AND state < 'completed'`.execute(handle.db);
  return rows[0]?.n ?? 0;
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** An instance's email worker, sending through the test's SMTP server. */
async function mailer(db = handle.app): Promise<JobQueue> {
  const workers = queueWorkers({ url: smtp.url, from: 'Pulse <pulse@test.example>' }).filter((w) => w.name === EMAIL_QUEUE);
  const queue = await startQueue({ db, jobs: [], workers, pollingIntervalSeconds: 0.5 });
  cleanups.push(() => queue.stop());
  return queue;
}

let acme: TestTenant;
let globex: TestTenant;
let owned: { id: string; name: string };
let unowned: { id: string; name: string };
beforeEach(async () => {
  inbox.length = 0;
  smtp.down = false;
  await sql`DELETE FROM pgboss.job WHERE name = ${EMAIL_QUEUE}`.execute(handle.db);
  acme = await makeTenant(handle, 'Acme');
  globex = await makeTenant(handle, 'Globex');
  owned = await acme.asAdmin.accounts.create({ name: 'Automotive Solutions' });
  unowned = await acme.asAdmin.accounts.create({ name: 'Biotech Unowned' });
  await acme.asAdmin.accounts.assignOwner({ accountIds: [owned.id], userId: acme.member.id });
});

const tierChange = (account: { id: string; name: string }, tier: string): PulseEvent => ({
  event: 'account.tier_changed',
  summary: `${account.name} is now ${tier.replace('_', ' ')} (was healthy), health 31.`,
  data: { accountId: account.id, accountName: account.name, tier, previousTier: 'healthy', overall: 31, period: '2026-03' },
});

const emit = (tenant: TestTenant, events: PulseEvent[], now = new Date()) =>
  withTenant(handle.app, tenant.tenant.id, (tx) => emitEvents(tx, tenant.tenant.id, events, now));

const recipientsOf = (mails: Mail[]) => mails.map((m) => [m.to.join(','), m.subject]);

describe('email alerts', () => {
  it('emails an account’s owner at once when it turns critical, and the admins for an account nobody (active) owns; each user can turn it off', async () => {
    await mailer();
    expect(await acme.asMember.notifications.preferences()).toEqual({ dailyDigest: true, criticalAlerts: true });
    await emit(acme, [tierChange(owned, 'critical'), tierChange(unowned, 'critical'), tierChange(owned, 'at_risk')]);
    await eventually(
      () => inbox.length,
      (n) => n >= 2,
    );
    expect(recipientsOf(inbox).sort()).toEqual([
      ['admin@acme.test', 'Pulse: Biotech Unowned is now critical'],
      ['member@acme.test', 'Pulse: Automotive Solutions is now critical'],
    ]);
    expect(inbox.find((m) => m.to[0] === 'member@acme.test')?.raw).toContain('Automotive Solutions is now critical (was healthy), health 31.');

    await acme.asMember.notifications.updatePreferences({ criticalAlerts: false });
    expect(await acme.asMember.notifications.preferences()).toEqual({ dailyDigest: true, criticalAlerts: false });
    // The owner turned it off: the admins are not told instead (the account has an owner).
    await emit(acme, [tierChange(owned, 'critical')]);
    await eventually(emailJobsLeft, (n) => n === 0);
    expect(inbox).toHaveLength(2);
    // An owner who was deactivated owns nothing any more: the admins hear of the account.
    await acme.asAdmin.users.setActive({ id: acme.member.id, active: false });
    await emit(acme, [tierChange(owned, 'critical')]);
    await eventually(
      () => inbox.length,
      (n) => n >= 3,
    );
    expect(recipientsOf(inbox.slice(2))).toEqual([['admin@acme.test', 'Pulse: Automotive Solutions is now critical']]);
    expect(await globex.asAdmin.notifications.preferences()).toEqual({ dailyDigest: true, criticalAlerts: true });
  }, 120_000);

  it('sends each user a daily digest of their own accounts and overdue tasks, admins also what nobody owns; once a day', async () => {
    const now = new Date('2026-06-01T07:00:00Z');
    await acme.asAdmin.tasks.create({ accountId: owned.id, title: 'Call the sponsor', dueDate: '2026-05-30', assigneeId: acme.member.id });
    await acme.asAdmin.tasks.create({ accountId: unowned.id, title: 'Unassigned check-in', dueDate: '2026-05-31', assigneeId: null });
    await acme.asAdmin.tasks.create({ accountId: owned.id, title: 'Not due yet', dueDate: '2026-06-01', assigneeId: acme.member.id });
    const recommendation: PulseEvent = {
      event: 'recommendation.fired',
      summary: 'Playbook renewal_safeguard is recommended for Automotive Solutions: renews within 90 days',
      data: { accountId: owned.id, accountName: owned.name, playbookKey: 'renewal_safeguard' },
    };
    const rejected: PulseEvent = { event: 'upload.rejected', summary: 'The upload march.xlsx was rejected: no period.', data: { filename: 'march.xlsx' } };
    // Within the 24 hours before 07:00, except the first (25 hours before).
    await emit(acme, [tierChange(owned, 'at_risk')], new Date('2026-05-31T06:00:00Z'));
    await emit(acme, [tierChange(owned, 'critical'), recommendation, tierChange(unowned, 'at_risk'), rejected], new Date('2026-06-01T03:00:00Z'));
    await sql`DELETE FROM email_messages`.execute(handle.db);
    // Sent 31 days before (kept 30 days): the digest job deletes it.
    await handle.db
      .insertInto('email_messages')
      .values({
        tenant_id: acme.tenant.id,
        user_id: acme.admin.id,
        kind: 'daily_digest',
        dedupe_key: '2026-05-01',
        subject: 'Old',
        body: 'Old',
        status: 'sent',
        created_at: new Date('2026-05-01T07:00:00Z'),
      })
      .execute();

    // Acme's admin and member; Globex had nothing, so nobody there gets a digest.
    expect(await queueDailyDigests(handle.app, [acme.tenant.id, globex.tenant.id], now)).toBe(2);
    expect(await queueDailyDigests(handle.app, [acme.tenant.id, globex.tenant.id], now)).toBe(0);
    expect((await handle.db.selectFrom('email_messages').select('email_messages.subject').execute()).map((m) => m.subject)).toEqual([
      'Pulse daily digest for 2026-06-01',
      'Pulse daily digest for 2026-06-01',
    ]);
    await mailer();
    await eventually(
      () => inbox.length,
      (n) => n >= 2,
    );
    const digestOf = (to: string) => inbox.find((m) => m.to[0] === to)?.raw.replace(/=\r\n/g, '') ?? '';
    expect(inbox.map((m) => m.subject)).toEqual(['Pulse daily digest for 2026-06-01', 'Pulse daily digest for 2026-06-01']);
    const member = digestOf('member@acme.test');
    expect(member).toContain('Tier changes (1):\r\n- Automotive Solutions is now critical (was healthy), health 31.');
    expect(member).toContain('New recommendations (1):');
    expect(member).toContain('Overdue tasks (1):\r\n- Call the sponsor (Automotive Solutions) was due on 2026-05-30.');
    expect(member).not.toContain('Biotech');
    expect(member).not.toContain('Rejected uploads');
    const admin = digestOf('admin@acme.test');
    expect(admin).toContain('Tier changes (1):\r\n- Biotech Unowned is now at risk (was healthy), health 31.');
    expect(admin).toContain('Overdue tasks (1):\r\n- Unassigned check-in (Biotech Unowned) was due on 2026-05-31.');
    expect(admin).toContain('Rejected uploads (1):');
    expect(admin).not.toContain('Automotive');

    await acme.asMember.notifications.updatePreferences({ dailyDigest: false });
    // The next day only the admin's digest (the overdue unassigned task) is queued.
    expect(await queueDailyDigests(handle.app, [acme.tenant.id], new Date('2026-06-02T07:00:00Z'))).toBe(1);
    await eventually(
      () => inbox.length,
      (n) => n >= 3,
    );
    expect(recipientsOf(inbox.slice(2))).toEqual([['admin@acme.test', 'Pulse daily digest for 2026-06-02']]);
    await expectTrpcError(acme.asAdmin.notifications.updatePreferences({ dailyDigest: 'no' } as never), 'BAD_REQUEST');
  }, 120_000);

  it('sends nothing twice with two instances, even when both queue the digest and a job is repeated', async () => {
    // On PostgreSQL each instance has its own pool, as separate processes would; PGlite has one connection.
    const second = handle.url ? await connect({ url: handle.url, poolSize: 4, role: 'pulse_app' }) : null;
    if (second) cleanups.push(() => second.close());
    await emit(acme, [tierChange(owned, 'at_risk'), tierChange(unowned, 'at_risk')]);
    const now = new Date(Date.now() + 1000);
    const queued = await Promise.all([
      queueDailyDigests(handle.app, [acme.tenant.id], now),
      queueDailyDigests(second?.db ?? handle.app, [acme.tenant.id], now),
    ]);
    expect(queued.reduce((a, b) => a + b, 0)).toBe(2);
    const ids = await handle.db.selectFrom('email_messages').select(['email_messages.id', 'email_messages.tenant_id']).execute();
    // The same emails queued again (a job repeated after a crash): the outbox sends each once.
    await sendJobs(
      handle.app,
      EMAIL_QUEUE,
      ids.map((r) => ({ tenantId: r.tenant_id, emailId: r.id })),
    );
    await mailer(handle.app);
    await mailer(second?.db ?? handle.app);
    await eventually(
      () => inbox.length,
      (n) => n >= 2,
    );
    await eventually(emailJobsLeft, (n) => n === 0);
    expect(
      recipientsOf(inbox)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['admin@acme.test', 'member@acme.test']);
  }, 120_000);

  it('loses nothing while the mail server is down for an hour: retried with exponential backoff, then sent once', async () => {
    smtp.down = true;
    await mailer();
    await emit(acme, [tierChange(owned, 'critical')]);
    const message = () =>
      handle.db
        .selectFrom('email_messages')
        .select(['email_messages.status', 'email_messages.attempts', 'email_messages.last_error'])
        .executeTakeFirstOrThrow();
    const job = async () => {
      const { rows } = await sql<{ id: string; state: string; wait: number }>`
        SELECT id, state, extract(epoch FROM start_after - now())::float AS wait FROM pgboss.job WHERE name = ${EMAIL_QUEUE}
      `.execute(handle.db);
      return rows[0] as { id: string; state: string; wait: number };
    };
    // The clock is driven: after each failed attempt the job's retry time is read (the backoff
    // pg-boss chose) and then moved to now, as if that time had passed.
    let simulated = 0;
    let attempts = 0;
    while (simulated < 3600) {
      attempts += 1;
      const failed = await eventually(message, (m) => m.attempts === attempts);
      expect(failed).toMatchObject({ status: 'pending', attempts, last_error: expect.stringContaining('The mail server did not take the email') });
      const retry = await eventually(job, (j) => j.state === 'retry');
      // email.send: retryDelay 60 s with backoff, so retry n waits 60·2^(n-1) s to twice that.
      const floor = 60 * 2 ** (attempts - 1);
      expect(retry.wait).toBeGreaterThan(floor - 5);
      expect(retry.wait).toBeLessThanOrEqual(2 * floor);
      simulated += retry.wait;
      if (simulated < 3600) await sql`UPDATE pgboss.job SET start_after = now() WHERE id = ${retry.id}`.execute(handle.db);
    }
    expect(inbox).toHaveLength(0);
    // Minimum waits 60+120+240+480+960+1920 s = 62 min: at most six failed attempts make the hour.
    expect(attempts).toBeLessThanOrEqual(6);
    smtp.down = false;
    await sql`UPDATE pgboss.job SET start_after = now() WHERE name = ${EMAIL_QUEUE}`.execute(handle.db);
    await eventually(
      () => inbox.length,
      (n) => n >= 1,
    );
    await eventually(emailJobsLeft, (n) => n === 0);
    expect(recipientsOf(inbox)).toEqual([['member@acme.test', 'Pulse: Automotive Solutions is now critical']]);
    expect(await message()).toMatchObject({ status: 'sent', attempts: attempts + 1, last_error: null });
  }, 180_000);
});
