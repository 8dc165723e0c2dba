import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

/**
 * Alerts that reach the people who own the accounts.
 * - notification_events.account_id names the account an event is about (null for an
 *   upload), so a digest or a critical alert goes to that account's owner;
 *   dedupe_key makes a fact detected again (an overdue task, found every day) one event.
 * - email_messages is the outbox of emails: one row per (user, kind, dedupe key) written
 *   in the transaction of the change or by the digest job, and one email.send job per row.
 *   The worker sends a row only while it is pending and marks it sent, so a job retried or
 *   a digest job run again never sends the same email twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    ALTER TABLE notification_events ADD COLUMN account_id uuid;
    ALTER TABLE notification_events ADD COLUMN dedupe_key text;
    CREATE UNIQUE INDEX notification_events_dedupe_key ON notification_events (tenant_id, event, dedupe_key);
    CREATE INDEX notification_events_account_idx ON notification_events (tenant_id, account_id, created_at);

    CREATE TABLE email_messages (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('critical_alert', 'daily_digest')),
      dedupe_key text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, user_id, kind, dedupe_key),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    ALTER TABLE email_messages ENABLE ROW LEVEL SECURITY;
    ALTER TABLE email_messages FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON email_messages TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY owner_maintenance ON email_messages TO CURRENT_USER USING (true) WITH CHECK (true);
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE email_messages TO pulse_app
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    DROP TABLE email_messages;
    DROP INDEX notification_events_account_idx;
    DROP INDEX notification_events_dedupe_key;
    ALTER TABLE notification_events DROP COLUMN dedupe_key;
    ALTER TABLE notification_events DROP COLUMN account_id;
  `,
  );
}
