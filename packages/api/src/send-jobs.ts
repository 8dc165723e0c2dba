import PgBoss from 'pg-boss';
import { CompiledQuery } from 'kysely';
import type { Db } from '@pulse/db';

/** The data of each queue's jobs: what sendJobs queues and the queue's worker reads. */
export interface QueueJobs {
  'webhooks.deliver': { tenantId: string; deliveryId: string };
  'recompute.tenant': { tenantId: string };
  'email.send': { tenantId: string; emailId: string };
}
export type QueueName = keyof QueueJobs;

/** pg-boss's SQL, run through the app's Kysely connection (or transaction). */
export function sqlThrough(db: Db): PgBoss.Db {
  return { executeSql: (text: string, values: unknown[] = []) => db.executeQuery(CompiledQuery.raw(text, values)) };
}

/** Builds pg-boss's SQL for jobs sent inside an app transaction; it never opens a connection of its own. */
const sender = new PgBoss({ db: { executeSql: () => Promise.reject(new Error('Send jobs with sendJobs(db, …).')) }, schema: 'pgboss', migrate: false });

/**
 * Queues jobs through db, typically the transaction of the change they follow: they exist
 * exactly when that change commits (nothing is lost, nothing is sent for a rolled-back change).
 */
export async function sendJobs<Q extends QueueName>(db: Db, name: Q, data: QueueJobs[Q][], options: { singletonKey?: string } = {}): Promise<void> {
  if (data.length === 0) return;
  await sender.insert(
    data.map((d) => ({ name, data: d, ...options })),
    { db: sqlThrough(db) },
  );
}
