import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// Playbooks, triggers and the activity log as the product uses them:
// - an evaluation marks an account's earlier recommendations superseded when an
//   execution was started from them (and deletes the others), so the execution keeps its
//   link; only current ones are ranked;
// - a cancelled or completed execution keeps the reason or summary it was closed with;
// - an execution's audit trail is read from the activity log by resource, and entries
//   written in one transaction keep the order they were written in (clock_timestamp()
//   rather than the transaction's start time, and a sequence number for entries written
//   within the same millisecond).

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE playbook_recommendations ADD COLUMN superseded_at timestamptz(3);
    DROP INDEX playbook_recommendations_rank_idx;
    CREATE INDEX playbook_recommendations_rank_idx ON playbook_recommendations (tenant_id, playbook_key, urgency DESC, id)
      WHERE superseded_at IS NULL;
    CREATE INDEX playbook_recommendations_urgency_idx ON playbook_recommendations (tenant_id, urgency DESC, id)
      WHERE superseded_at IS NULL;
    CREATE INDEX playbook_recommendations_account_idx ON playbook_recommendations (tenant_id, account_id)
      WHERE superseded_at IS NULL;

    ALTER TABLE playbook_executions ADD COLUMN closing_note text;

    CREATE INDEX activity_log_resource_idx ON activity_log (tenant_id, resource_type, resource_id, created_at, id);
    ALTER TABLE activity_log ALTER COLUMN created_at SET DEFAULT clock_timestamp();
    ALTER TABLE activity_log ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE activity_log DROP COLUMN seq;
    ALTER TABLE activity_log ALTER COLUMN created_at SET DEFAULT now();
    DROP INDEX activity_log_resource_idx;
    ALTER TABLE playbook_executions DROP COLUMN closing_note;
    DROP INDEX playbook_recommendations_account_idx;
    DROP INDEX playbook_recommendations_urgency_idx;
    DROP INDEX playbook_recommendations_rank_idx;
    ALTER TABLE playbook_recommendations DROP COLUMN superseded_at;
    CREATE INDEX playbook_recommendations_rank_idx ON playbook_recommendations (tenant_id, playbook_key, urgency DESC, id);
  `);
}
