import { sql } from 'kysely';
import { tasks, withTenant, type Db } from '@pulse/db';
import type { SessionPolicy } from '../session-policy.js';
import { evaluatePlaybooks } from './recommendations.js';
import { isoDay } from './dates.js';
import { attemptDelivery, DELIVER_QUEUE, emitEvents } from './webhooks.js';
import { emailWorker, queueDailyDigests, type MailSettings } from './email.js';
import { RECOMPUTE_QUEUE, runRecomputeJob } from './recompute-jobs.js';

/** A job the queue runs on a schedule (cron in UTC, at most once per occurrence across every instance). */
export interface ScheduledJob {
  name: string;
  cron: string;
  /** What it does and when, for the jobs screen. */
  description: string;
  run: (db: Db, now: Date) => Promise<unknown>;
}

/** Every tenant's id: read through pulse_tenant_ids (SECURITY DEFINER), as pulse_app sees no tenant outside withTenant. */
export async function tenantIds(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM pulse_tenant_ids()`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Evaluates every enabled trigger for every account of every tenant as of `now`, so a
 * date-based trigger ("renewal within N days") fires on the day its window opens with no
 * upload. Each tenant is its own transaction: one that fails is rolled back, the others
 * go on, and the job then fails (and is retried) saying how many failed.
 */
export async function evaluateAllTenants(db: Db, now: Date): Promise<{ tenants: number; recommendations: number }> {
  const ids = await tenantIds(db);
  let recommendations = 0;
  let failed = 0;
  for (const tenantId of ids) {
    try {
      const result = await withTenant(db, tenantId, async (tx) => {
        await announceOverdueTasks(tx, tenantId, now);
        return evaluatePlaybooks(tx, { tenantId, userId: null, ip: null }, 'all', now);
      });
      recommendations += result.recommendations;
    } catch {
      failed += 1;
    }
  }
  if (failed > 0) throw new Error(`Evaluating triggers failed for ${failed} of ${ids.length} organisations.`);
  return { tenants: ids.length, recommendations };
}

/**
 * task.overdue for every open task whose due day has passed (a playbook step is a task, so
 * its step is announced through it). Each task is announced once: its id is the event's
 * dedupe key, so the next day's run finds it already announced.
 */
export async function announceOverdueTasks(db: Db, tenantId: string, now: Date): Promise<number> {
  const overdue = await tasks.overdueTasks(db, tenantId, isoDay(now));
  return emitEvents(
    db,
    tenantId,
    overdue.map((t) => ({
      event: 'task.overdue' as const,
      dedupeKey: t.id,
      summary: `"${t.title}" (${t.accountName}) was due on ${t.dueDate}.`,
      data: {
        taskId: t.id,
        title: t.title,
        dueDate: t.dueDate,
        accountId: t.accountId,
        accountName: t.accountName,
        assigneeId: t.assigneeId,
        executionStepId: t.executionStepId,
      },
    })),
    now,
  );
}

const RUN_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** Deletes sessions past their idle or absolute limit (they are also refused when read) and job runs older than 30 days. */
export async function sweepExpired(db: Db, policy: SessionPolicy, now: Date): Promise<{ sessions: number }> {
  const { rows } = await sql<{ deleted: number }>`
    SELECT pulse_sessions_sweep(${new Date(now.getTime() - policy.idleMs)}, ${new Date(now.getTime() - policy.rememberMeIdleMs)}, ${now}) AS deleted
  `.execute(db);
  await db
    .deleteFrom('job_runs')
    .where('job_runs.started_at', '<', new Date(now.getTime() - RUN_RETENTION_MS))
    .execute();
  return { sessions: rows[0]?.deleted ?? 0 };
}

/** The jobs Pulse schedules. */
export function scheduledJobs(policy: SessionPolicy): ScheduledJob[] {
  return [
    {
      name: 'playbooks.evaluate-daily',
      cron: '5 0 * * *',
      description:
        'Every day at 00:05 UTC: evaluates every playbook trigger for every account, so date-based triggers fire without an upload, and announces tasks that became overdue (task.overdue).',
      run: evaluateAllTenants,
    },
    {
      name: 'email.daily-digest',
      cron: '0 7 * * *',
      description:
        'Every day at 07:00 UTC: emails each user who wants it a digest of their accounts (tier changes and new recommendations of the last 24 hours, overdue tasks); admins also get accounts without an owner and rejected uploads.',
      run: async (db, now) => ({ emails: await queueDailyDigests(db, await tenantIds(db), now) }),
    },
    {
      name: 'sessions.sweep',
      cron: '*/15 * * * *',
      description: 'Every 15 minutes: deletes expired sessions and job runs older than 30 days.',
      run: (db, now) => sweepExpired(db, policy, now),
    },
  ];
}

export interface JobRun {
  attempt: number;
  status: 'running' | 'completed' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
}

export interface JobStatus {
  name: string;
  schedule: string;
  description: string;
  /** The newest runs first (at most 5), retries included. */
  runs: JobRun[];
}

const RUNS_SHOWN = 5;

/** Each scheduled job with its latest runs. Jobs are Pulse-wide; their runs name no tenant. */
export async function listJobs(db: Db, jobs: ScheduledJob[]): Promise<{ items: JobStatus[] }> {
  const items: JobStatus[] = [];
  for (const job of jobs) {
    const rows = await db
      .selectFrom('job_runs')
      .select(['job_runs.attempt', 'job_runs.status', 'job_runs.started_at', 'job_runs.finished_at', 'job_runs.duration_ms', 'job_runs.error'])
      .where('job_runs.job', '=', job.name)
      .orderBy('job_runs.started_at', 'desc')
      .orderBy('job_runs.id', 'desc')
      .limit(RUNS_SHOWN)
      .execute();
    items.push({
      name: job.name,
      schedule: job.cron,
      description: job.description,
      runs: rows.map((r) => ({
        attempt: r.attempt,
        status: r.status,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        durationMs: r.duration_ms,
        error: r.error,
      })),
    });
  }
  return { items };
}

/** Runs one attempt of a job and records it in job_runs (status, duration, error); rethrows so the queue retries. */
export async function runRecorded(db: Db, job: ScheduledJob, run: { jobId: string; attempt: number }, now = new Date()): Promise<unknown> {
  const row = await db
    .insertInto('job_runs')
    .values({ job: job.name, job_id: run.jobId, attempt: run.attempt, status: 'running', started_at: now })
    .returning(['job_runs.id'])
    .executeTakeFirstOrThrow();
  const started = performance.now();
  const finish = (status: 'completed' | 'failed', error: string | null) =>
    db
      .updateTable('job_runs')
      .set({ status, error, finished_at: new Date(), duration_ms: Math.round(performance.now() - started) })
      .where('job_runs.id', '=', row.id)
      .execute();
  try {
    const result = await job.run(db, now);
    await finish('completed', null);
    return result;
  } catch (error) {
    await finish('failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** The queues the app sends jobs to: webhook deliveries, recomputes of large tenants, and emails (sent only with SMTP settings). */
export function queueWorkers(mail: MailSettings | null) {
  return [
    {
      name: DELIVER_QUEUE,
      work: (db: Db, data: unknown, attempt: { number: number; last: boolean }) =>
        attemptDelivery(db, data as { tenantId: string; deliveryId: string }, attempt),
    },
    {
      name: RECOMPUTE_QUEUE,
      work: (db: Db, data: unknown, attempt: { number: number; last: boolean }) => runRecomputeJob(db, data as { tenantId: string }, attempt),
    },
    emailWorker(mail),
  ];
}
