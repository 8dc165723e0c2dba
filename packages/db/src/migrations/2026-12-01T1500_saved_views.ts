import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// Saved views of the accounts list: a user's named filters, sort and visible columns
// (state, JSON), private to the user or shared with the organisation. Names are unique per
// user. Row-level security exactly as 2026-11-29T2000_row_level_security does.

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE saved_views (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      name_key text NOT NULL,
      shared boolean NOT NULL DEFAULT false,
      state jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, user_id, name_key),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX saved_views_list_idx ON saved_views (tenant_id, name_key, id);
    ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
    ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON saved_views TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY owner_maintenance ON saved_views TO CURRENT_USER USING (true) WITH CHECK (true)
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `DROP TABLE saved_views`);
}
