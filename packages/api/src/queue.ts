import PgBoss from 'pg-boss';
import type { Db } from '@pulse/db';
import { runRecorded, type ScheduledJob } from './domain/jobs.js';
import { sqlThrough, type QueueJobs, type QueueName } from './send-jobs.js';

/** A queue whose jobs are sent by the app (e.g. one per webhook delivery); the queue itself is created by a migration. */
export interface QueueWorker<Q extends QueueName = QueueName> {
  name: Q;
  /** How often this worker asks for work when it is more often than the queue's polling (a job someone watches). */
  pollingIntervalSeconds?: number;
  /** One attempt; throwing fails it, and pg-boss retries it with the queue's backoff. */
  work(db: Db, data: QueueJobs[Q], attempt: { number: number; last: boolean }): Promise<void>;
}

/** A worker of any one queue. */
export type AnyQueueWorker = { [Q in QueueName]: QueueWorker<Q> }[QueueName];

export interface QueueOptions {
  /** The app's database (pulse_app); pg-boss's schema was created by a migration. */
  db: Db;
  jobs: ScheduledJob[];
  workers?: AnyQueueWorker[];
  /** How often each worker asks for work (default 2 s; pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number;
  /** How often an instance checks the schedules (default 30 s). */
  cronMonitorIntervalSeconds?: number;
  /** Attempts after the first, with exponential backoff from retryDelaySeconds (default 3 and 60 s). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  onError?: (error: Error) => void;
}

export interface JobQueue {
  boss: PgBoss;
  /** Stops polling, waits for running jobs (at most timeoutMs), and leaves the database open. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Works one queue's jobs, one at a time, with their attempt number. */
async function workQueue<Q extends QueueName>(boss: PgBoss, db: Db, worker: QueueWorker<Q>, pollingIntervalSeconds: number): Promise<void> {
  const polling = Math.min(pollingIntervalSeconds, worker.pollingIntervalSeconds ?? pollingIntervalSeconds);
  await boss.work<QueueJobs[Q]>(worker.name, { pollingIntervalSeconds: polling, batchSize: 1, includeMetadata: true }, async ([item]) => {
    if (item) await worker.work(db, item.data, { number: item.retryCount + 1, last: item.retryCount >= item.retryLimit });
  });
}

/**
 * Starts pg-boss on the app's own connection (through Kysely, so on the embedded PGlite
 * database it shares the one connection, one statement at a time), creates a queue per
 * scheduled job, schedules it, and works it. pg-boss turns each cron occurrence into one
 * job (a singleton per minute) which exactly one instance fetches (SKIP LOCKED), so two
 * instances never run the same occurrence twice; a failed attempt is retried with
 * exponential backoff, and each queue has its own worker, so a failing job blocks no other.
 */
export async function startQueue(options: QueueOptions): Promise<JobQueue> {
  const { db, jobs, pollingIntervalSeconds = 2, retryLimit = 3, retryDelaySeconds = 60 } = options;
  const onError = options.onError ?? ((error: Error) => console.error(`Job queue: ${error.message}`));
  const boss = new PgBoss({
    db: sqlThrough(db),
    schema: 'pgboss',
    migrate: false,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    cronWorkerIntervalSeconds: options.cronMonitorIntervalSeconds ?? 5,
  });
  boss.on('error', onError);
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.name, { name: job.name, retryLimit, retryDelay: retryDelaySeconds, retryBackoff: true });
    await boss.updateQueue(job.name, { name: job.name, retryLimit, retryDelay: retryDelaySeconds, retryBackoff: true });
    await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
    await boss.work(job.name, { pollingIntervalSeconds, batchSize: 1, includeMetadata: true }, async ([item]) => {
      if (item) await runRecorded(db, job, { jobId: item.id, attempt: item.retryCount + 1 });
    });
  }
  for (const worker of options.workers ?? []) await workQueue(boss, db, worker, pollingIntervalSeconds);
  return {
    boss,
    stop: (timeoutMs = 10_000) => boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false }),
  };
}
