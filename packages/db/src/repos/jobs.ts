import { sql } from 'kysely';
import type { Db } from '../tenancy.js';

/** Every tenant's id, through pulse_tenant_ids (SECURITY DEFINER), as pulse_app sees no tenant outside withTenant. */
export async function allTenantIds(db: Db): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM pulse_tenant_ids()`.execute(db);
  return rows.map((r) => r.id);
}

export interface JobRunRow {
  attempt: number;
  status: 'running' | 'completed' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
}

/** A job's latest runs, newest first. Job runs are Pulse-wide: they name no tenant. */
export async function latestJobRuns(db: Db, job: string, limit: number): Promise<JobRunRow[]> {
  const rows = await db
    .selectFrom('job_runs')
    .select(['job_runs.attempt', 'job_runs.status', 'job_runs.started_at', 'job_runs.finished_at', 'job_runs.duration_ms', 'job_runs.error'])
    .where('job_runs.job', '=', job)
    .orderBy('job_runs.started_at', 'desc')
    .orderBy('job_runs.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    attempt: r.attempt,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    error: r.error,
  }));
}

/** Records a run as started (running); returns its id. */
export async function insertJobRun(db: Db, run: { job: string; jobId: string; attempt: number; startedAt: Date }): Promise<string> {
  const row = await db
    .insertInto('job_runs')
    .values({ job: run.job, job_id: run.jobId, attempt: run.attempt, status: 'running', started_at: run.startedAt })
    .returning(['job_runs.id'])
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishJobRun(
  db: Db,
  id: string,
  outcome: { status: 'completed' | 'failed'; error: string | null; finishedAt: Date; durationMs: number },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ status: outcome.status, error: outcome.error, finished_at: outcome.finishedAt, duration_ms: outcome.durationMs })
    .where('job_runs.id', '=', id)
    .execute();
}

/** Deletes runs started before the given time. */
export async function deleteJobRunsBefore(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('job_runs').where('job_runs.started_at', '<', before).execute();
}
