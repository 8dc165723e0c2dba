import { jobs as repo, sessions, tasks, withTenant, type Db } from '@pulse/db';
import type { AnyQueueWorker } from '../queue.js';
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

/**
 * Evaluates every enabled trigger for every account of every tenant as of `now`, so a
 * date-based trigger ("renewal within N days") fires on the day its window opens with no
 * upload. Each tenant is its own transaction: one that fails is rolled back, the others
 * go on, and the job then fails (and is retried) saying how many failed.
 */
export async function evaluateAllTenants(db: Db, now: Date): Promise<{ tenants: number; recommendations: number }> {
  const ids = await repo.allTenantIds(db);
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
  const deleted = await sessions.sweepSessions(db, new Date(now.getTime() - policy.idleMs), new Date(now.getTime() - policy.rememberMeIdleMs), now);
  await repo.deleteJobRunsBefore(db, new Date(now.getTime() - RUN_RETENTION_MS));
  return { sessions: deleted };
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
      run: async (db, now) => ({ emails: await queueDailyDigests(db, await repo.allTenantIds(db), now) }),
    },
    {
      name: 'sessions.sweep',
      cron: '*/15 * * * *',
      description: 'Every 15 minutes: deletes expired sessions and job runs older than 30 days.',
      run: (db, now) => sweepExpired(db, policy, now),
    },
  ];
}

export type JobRun = repo.JobRunRow;

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
    items.push({ name: job.name, schedule: job.cron, description: job.description, runs: await repo.latestJobRuns(db, job.name, RUNS_SHOWN) });
  }
  return { items };
}

/** Runs one attempt of a job and records it in job_runs (status, duration, error); rethrows so the queue retries. */
export async function runRecorded(db: Db, job: ScheduledJob, run: { jobId: string; attempt: number }, now = new Date()): Promise<unknown> {
  const id = await repo.insertJobRun(db, { job: job.name, jobId: run.jobId, attempt: run.attempt, startedAt: now });
  const started = performance.now();
  const finish = (status: 'completed' | 'failed', error: string | null) =>
    repo.finishJobRun(db, id, { status, error, finishedAt: new Date(), durationMs: Math.round(performance.now() - started) });
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
export function queueWorkers(mail: MailSettings | null): AnyQueueWorker[] {
  return [
    {
      name: DELIVER_QUEUE,
      work: (db, data, attempt) => attemptDelivery(db, data, attempt),
    },
    {
      name: RECOMPUTE_QUEUE,
      // Someone waits on the screen for it: picked up within half a second rather than two.
      pollingIntervalSeconds: 0.5,
      work: (db, data, attempt) => runRecomputeJob(db, data, attempt),
    },
    emailWorker(mail),
  ];
}
