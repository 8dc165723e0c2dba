import { sql, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import { runScript } from '../sql-script.js';

/**
 * The job queue (pg-boss, docs/SCALING.md) lives in its own schema, `pgboss`, created here
 * by the owner from pg-boss's own construction script, so the running app (pulse_app)
 * never needs to create tables: pg-boss starts with migrate: false. Its two functions that
 * create and drop a queue's partition run as the owner (SECURITY DEFINER).
 *
 * job_runs keeps every run of a scheduled job (status, duration, error) for jobs.list.
 * Scheduled jobs work across tenants, which pulse_app cannot see, through two narrow
 * SECURITY DEFINER functions: the list of tenant ids, and deleting expired sessions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of pgBossStatements()) await sql.raw(statement).execute(db);
  await runScript(db, `
    GRANT USAGE ON SCHEMA pgboss TO pulse_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO pulse_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pulse_app;
    ALTER FUNCTION pgboss.create_queue(text, json) SECURITY DEFINER SET search_path = pgboss, public;
    ALTER FUNCTION pgboss.delete_queue(text) SECURITY DEFINER SET search_path = pgboss, public;

    CREATE TABLE job_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      job text NOT NULL,
      job_id text NOT NULL,
      attempt integer NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      duration_ms integer,
      error text
    );
    CREATE INDEX job_runs_job_started_idx ON job_runs (job, started_at DESC)
  `);
  await sql`GRANT SELECT, INSERT, UPDATE ON TABLE job_runs TO pulse_app`.execute(db);
  await sql`
    CREATE FUNCTION pulse_tenant_ids()
    RETURNS TABLE (id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
      SELECT t.id FROM tenants t ORDER BY t.id
    $$
  `.execute(db);
  await sql`
    CREATE FUNCTION pulse_sessions_sweep(p_idle_before timestamptz, p_remember_idle_before timestamptz, p_now timestamptz)
    RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
      WITH gone AS (
        DELETE FROM sessions s
        WHERE s.expires_at <= p_now
           OR (NOT s.remember_me AND s.last_seen_at <= p_idle_before)
           OR (s.remember_me AND s.last_seen_at <= p_remember_idle_before)
        RETURNING 1
      )
      SELECT count(*)::integer FROM gone
    $$
  `.execute(db);
  for (const signature of ['pulse_tenant_ids()', 'pulse_sessions_sweep(timestamptz, timestamptz, timestamptz)']) {
    await sql.raw(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`).execute(db);
    await sql.raw(`GRANT EXECUTE ON FUNCTION ${signature} TO pulse_app`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION pulse_sessions_sweep(timestamptz, timestamptz, timestamptz)`.execute(db);
  await sql`DROP FUNCTION pulse_tenant_ids()`.execute(db);
  await sql`DROP TABLE job_runs`.execute(db);
  await sql`DROP SCHEMA pgboss CASCADE`.execute(db);
}

/**
 * pg-boss's construction script as single statements, without its own BEGIN and COMMIT
 * (the migration already runs in a transaction, and PGlite takes one statement at a time).
 * Statements end with a semicolon at the end of a line outside $$-quoted function bodies.
 */
function pgBossStatements(): string[] {
  const statements: string[] = [];
  let current = '';
  let quoted = false;
  for (const line of PgBoss.getConstructionPlans('pgboss').split('\n')) {
    quoted = (line.match(/\$\$/g)?.length ?? 0) % 2 === 1 ? !quoted : quoted;
    current += `${line}\n`;
    if (!quoted && /;\s*$/.test(line)) {
      const statement = current.trim().replace(/;$/, '').trim();
      if (statement && !/^(BEGIN|COMMIT)$/i.test(statement)) statements.push(statement);
      current = '';
    }
  }
  return statements;
}
