import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// A recompute job works in two phases (packages/api/src/domain/recompute-jobs.ts): first
// every account's current health (its newest two periods: the scores, tiers and drops the
// screens show), then its whole history. `phase` says which one runs, `current_done_at` when
// the first ended; accounts_done and last_account_id count the batches of the phase running.

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    ALTER TABLE recompute_runs
      ADD COLUMN phase text NOT NULL DEFAULT 'current' CHECK (phase IN ('current', 'history')),
      ADD COLUMN current_done_at timestamptz
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `ALTER TABLE recompute_runs DROP COLUMN phase, DROP COLUMN current_done_at`);
}
