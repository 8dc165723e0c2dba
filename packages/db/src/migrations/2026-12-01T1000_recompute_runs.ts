import { sql, type Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

/**
 * Recomputes that run as a job (a range or settings change on a large tenant,
 * packages/api/src/domain/recompute-jobs.ts). A run row says what to recompute (the KPIs
 * whose readings are re-scored, whether every health is recombined under new settings)
 * and how far it got; the tenant reads it (row-level security) for its progress and effect.
 * At most one run per tenant waits (`queued`): later changes merge into it. The queue
 * `recompute.tenant` is stately (pg-boss): per tenant (singleton key) at most one job
 * waits and one runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    CREATE TABLE recompute_runs (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      kpi_keys text[] NOT NULL DEFAULT '{}',
      recombine boolean NOT NULL DEFAULT false,
      previous_category_keys text[] NOT NULL DEFAULT '{}',
      accounts_total integer NOT NULL DEFAULT 0,
      accounts_done integer NOT NULL DEFAULT 0,
      last_account_id uuid,
      accounts_rescored integer NOT NULL DEFAULT 0,
      tier_changes integer NOT NULL DEFAULT 0,
      attempts integer NOT NULL DEFAULT 0,
      error text,
      requested_by uuid,
      requested_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX recompute_runs_one_queued ON recompute_runs (tenant_id) WHERE status = 'queued';
    CREATE INDEX recompute_runs_tenant_requested_idx ON recompute_runs (tenant_id, requested_at DESC, id DESC)
  `,
  );
  await sql`ALTER TABLE recompute_runs ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`ALTER TABLE recompute_runs FORCE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY tenant_isolation ON recompute_runs TO pulse_app
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  `.execute(db);
  await sql`CREATE POLICY owner_maintenance ON recompute_runs TO CURRENT_USER USING (true) WITH CHECK (true)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE recompute_runs TO pulse_app`.execute(db);
  await sql`
    SELECT pgboss.create_queue('recompute.tenant', '{"policy": "stately", "retryLimit": 3, "retryDelay": 10, "retryBackoff": true, "expireInSeconds": 7200}'::json)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`SELECT pgboss.delete_queue('recompute.tenant')`.execute(db);
  await sql`DROP TABLE recompute_runs`.execute(db);
}
