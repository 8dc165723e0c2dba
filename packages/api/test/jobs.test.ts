import { describe, expect, it } from 'vitest';
import { connect, sessions } from '@pulse/db';
import { useTestDatabase } from '@pulse/db/testing';
import { makeTenant } from './harness.js';
import { evaluateAllTenants, listJobs, runRecorded, scheduledJobs, sweepExpired, type ScheduledJob } from '../src/domain/jobs.js';
import { startQueue, type JobQueue } from '../src/queue.js';
import { defaultSessionPolicy } from '../src/session-policy.js';

const handle = useTestDatabase();
const DAY_MS = 86_400_000;

/** Polls until check() holds (generous: the machine is shared), then returns its last value. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function runsOf(job: string) {
  return handle.db
    .selectFrom('job_runs')
    .select(['job_runs.job_id', 'job_runs.attempt', 'job_runs.status', 'job_runs.started_at', 'job_runs.error'])
    .where('job_runs.job', '=', job)
    .orderBy('job_runs.started_at')
    .execute();
}

/** A queue tuned for tests: polls often, checks schedules every second, retries after about a second. */
function testQueue(db = handle.app, jobs: ScheduledJob[]): Promise<JobQueue> {
  return startQueue({ db, jobs, pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1, retryLimit: 2, retryDelaySeconds: 1 });
}

describe('scheduled jobs', () => {
  it('the daily evaluation fires a renewal trigger on the day its 90-day window opens, with no upload, for every tenant', async () => {
    const acme = await makeTenant(handle, 'Acme');
    const globex = await makeTenant(handle, 'Globex');
    const today = new Date('2026-06-01T00:05:00Z');
    // Renews on 2026-09-01: 92 days after 2026-06-01, so the 90-day window opens on 2026-06-03.
    await acme.asAdmin.accounts.create({ name: 'Renews in September', renewalDate: '2026-09-01' });
    await globex.asAdmin.accounts.create({ name: 'Globex Renewal', renewalDate: '2026-09-01' });
    const renewals = async () => {
      const lists = await Promise.all([acme, globex].map((t) => t.asMember.playbooks.recommendations({ playbookKey: 'renewal_safeguard', limit: 100 })));
      return lists.map((l) => l.items.map((r) => r.account.name));
    };

    expect(await evaluateAllTenants(handle.app, today)).toEqual({ tenants: 2, recommendations: 0 });
    expect(await renewals()).toEqual([[], []]);
    await evaluateAllTenants(handle.app, new Date(today.getTime() + DAY_MS));
    expect(await renewals()).toEqual([[], []]);
    expect(await evaluateAllTenants(handle.app, new Date(today.getTime() + 2 * DAY_MS))).toEqual({ tenants: 2, recommendations: 2 });
    expect(await renewals()).toEqual([['Renews in September'], ['Globex Renewal']]);
  });

  it('the sweep deletes sessions past their idle or absolute limit and keeps live ones', async () => {
    const acme = await makeTenant(handle, 'Acme');
    const now = new Date('2026-06-01T12:00:00Z');
    const minutes = (m: number) => new Date(now.getTime() - m * 60_000);
    const add = (sid: string, rememberMe: boolean, lastSeenAt: Date, expiresAt: Date) =>
      sessions.insertSession(handle.db, {
        sid,
        tenantId: acme.tenant.id,
        userId: acme.admin.id,
        data: {},
        rememberMe,
        createdAt: minutes(120),
        lastSeenAt,
        expiresAt,
      });
    const later = new Date(now.getTime() + 3_600_000);
    await add('live', false, minutes(10), later);
    await add('idle', false, minutes(31), later);
    await add('absolute', false, minutes(1), minutes(0));
    await add('remembered', true, minutes(23 * 60), later);
    await add('remembered-idle', true, minutes(25 * 60), later);

    expect(await sweepExpired(handle.app, defaultSessionPolicy, now)).toEqual({ sessions: 3 });
    const left = await handle.db.selectFrom('sessions').select('sessions.sid').orderBy('sessions.sid').execute();
    expect(left.map((s) => s.sid)).toEqual(['live', 'remembered']);
  });

  it('a failing job is retried with exponential backoff and does not hold up another job; jobs.list shows the runs', async () => {
    const failing: ScheduledJob = {
      name: 'test.failing',
      cron: '* * * * *',
      description: 'Always fails.',
      run: () => Promise.reject(new Error('The receiver is down.')),
    };
    const healthy: ScheduledJob = { name: 'test.healthy', cron: '* * * * *', description: 'Works.', run: () => Promise.resolve('ok') };
    const queue = await testQueue(handle.app, [failing, healthy]);
    try {
      const healthyRuns = await eventually(
        () => runsOf('test.healthy'),
        (r) => r.some((x) => x.status === 'completed'),
      );
      expect(healthyRuns[0]).toMatchObject({ status: 'completed', attempt: 1 });
      // retryLimit 2: the first attempt and two retries, all of the same job.
      // A new minute starts a new occurrence (another job id): follow the first one.
      const firstJob = (r: Awaited<ReturnType<typeof runsOf>>) => r.filter((x) => x.job_id === r[0]?.job_id && x.status === 'failed');
      const attempts = firstJob(
        await eventually(
          () => runsOf('test.failing'),
          (r) => firstJob(r).length >= 3,
        ),
      );
      expect(attempts.map((r) => [r.attempt, r.status, r.error])).toEqual([
        [1, 'failed', 'The receiver is down.'],
        [2, 'failed', 'The receiver is down.'],
        [3, 'failed', 'The receiver is down.'],
      ]);
      // pg-boss waits delay·2^n/2·(1 + random) before retry n+1 (delay 1 s): at least 1 s, then at least 2 s.
      const gaps = [1, 2].map((i) => attempts[i]!.started_at.getTime() - attempts[i - 1]!.started_at.getTime());
      expect(gaps[0]).toBeGreaterThanOrEqual(900);
      expect(gaps[1]).toBeGreaterThanOrEqual(1900);

      const { items } = await listJobs(handle.app, [failing, healthy]);
      expect(items.map((j) => [j.name, j.schedule, j.runs[0]?.status])).toEqual([
        ['test.failing', '* * * * *', 'failed'],
        ['test.healthy', '* * * * *', 'completed'],
      ]);
      expect(items[0]?.runs[0]).toMatchObject({ attempt: 3, error: 'The receiver is down.', durationMs: expect.any(Number) });
    } finally {
      await queue.stop();
    }
  }, 120_000);

  it('two instances on one database never run the same scheduled occurrence twice', async () => {
    // On PostgreSQL each instance has its own pool, as separate processes would; PGlite has one connection.
    const second = handle.url ? await connect({ url: handle.url, poolSize: 4, role: 'pulse_app' }) : null;
    const counted: ScheduledJob = { name: 'test.once', cron: '* * * * *', description: 'Counts.', run: () => new Promise((r) => setTimeout(r, 300)) };
    const queues = [await testQueue(handle.app, [counted]), await testQueue(second?.db ?? handle.app, [counted])];
    try {
      await eventually(
        () => runsOf('test.once'),
        (r) => r.length > 0 && r.every((x) => x.status === 'completed'),
      );
      // Let both instances check the schedule several more times within the same minute.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const runs = await runsOf('test.once');
      const minutes = new Set(runs.map((r) => Math.floor(r.started_at.getTime() / 60_000)));
      expect(new Set(runs.map((r) => r.job_id)).size).toBe(runs.length);
      expect(runs.every((r) => r.attempt === 1)).toBe(true);
      // One run per cron occurrence: at most one per minute the test spanned.
      expect(runs.length).toBeLessThanOrEqual(minutes.size);
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
      await second?.close();
    }
  }, 120_000);

  it('jobs.list shows admins the schedules Pulse runs with their last runs; members are refused', async () => {
    const acme = await makeTenant(handle, 'Acme');
    const [sweep] = scheduledJobs(defaultSessionPolicy).filter((j) => j.name === 'sessions.sweep');
    await runRecorded(handle.app, sweep as ScheduledJob, { jobId: 'manual', attempt: 1 });
    const { items } = await acme.asAdmin.jobs.list();
    expect(items.map((j) => [j.name, j.schedule, j.runs.map((r) => r.status)])).toEqual([
      ['playbooks.evaluate-daily', '5 0 * * *', []],
      ['email.daily-digest', '0 7 * * *', []],
      ['sessions.sweep', '*/15 * * * *', ['completed']],
    ]);
    await expect(acme.asMember.jobs.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
