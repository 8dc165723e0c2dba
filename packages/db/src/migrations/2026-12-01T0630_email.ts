import { sql, type Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

/**
 * Email alerts. notification_events keeps every event (whether or not a webhook wants it)
 * for the daily digest; email_preferences holds each user's choices (no row: both on).
 * Emails are jobs of the pg-boss queue email.send, queued in the transaction of the change
 * (critical accounts) or by the daily digest job, and retried with backoff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE notification_events (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      event text NOT NULL,
      summary text NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX notification_events_created_idx ON notification_events (tenant_id, created_at, id);

    CREATE TABLE email_preferences (
      tenant_id uuid NOT NULL,
      user_id uuid NOT NULL,
      daily_digest boolean NOT NULL DEFAULT true,
      critical_alerts boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    )
  `);
  for (const table of ['notification_events', 'email_preferences']) {
    const t = sql.table(table);
    await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${t} TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    `.execute(db);
    await sql`CREATE POLICY owner_maintenance ON ${t} TO CURRENT_USER USING (true) WITH CHECK (true)`.execute(db);
    await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${t} TO pulse_app`.execute(db);
  }
  await sql`
    SELECT pgboss.create_queue('email.send', '{"policy": "standard", "retryLimit": 10, "retryDelay": 60, "retryBackoff": true}'::json)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`SELECT pgboss.delete_queue('email.send')`.execute(db);
  await sql`DROP TABLE email_preferences, notification_events`.execute(db);
}
