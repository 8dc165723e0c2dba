import { sql, type Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

/**
 * Outgoing webhooks. An event writes one delivery row per subscribed webhook and one
 * pg-boss job per delivery in the same transaction as the change it reports (an outbox),
 * so nothing is lost when a receiver is down or an instance stops; the job retries with
 * exponential backoff (queue webhooks.deliver, created here with its retry policy).
 * dedupe_key keeps an event that is detected repeatedly (an overdue step) to one delivery.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE webhooks (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
      events text[] NOT NULL,
      format text NOT NULL CHECK (format IN ('json', 'slack')),
      secret text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX webhooks_tenant_created_idx ON webhooks (tenant_id, created_at, id);

    CREATE TABLE webhook_deliveries (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL,
      event text NOT NULL,
      dedupe_key text,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      response_code integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz,
      delivered_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, webhook_id) REFERENCES webhooks (tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX webhook_deliveries_dedupe_key ON webhook_deliveries (tenant_id, webhook_id, event, dedupe_key);
    CREATE INDEX webhook_deliveries_webhook_created_idx ON webhook_deliveries (tenant_id, webhook_id, created_at, id)
  `);
  for (const table of ['webhooks', 'webhook_deliveries']) {
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
    SELECT pgboss.create_queue('webhooks.deliver', '{"policy": "standard", "retryLimit": 15, "retryDelay": 30, "retryBackoff": true}'::json)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`SELECT pgboss.delete_queue('webhooks.deliver')`.execute(db);
  await sql`DROP TABLE webhook_deliveries, webhooks`.execute(db);
}
