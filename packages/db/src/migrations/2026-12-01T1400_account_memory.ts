import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// Account memory: notes written by people, and the manager's sentiment as a KPI reading.
// - notes are searched with PostgreSQL full-text search over the body and the participants,
//   in the 'simple' configuration: notes are written in any language and name people and
//   companies, which English stemming and stop words would mangle; 'simple' lower-cases
//   words and keeps them as written. notes_document is immutable (array_to_string is only
//   stable because of other element types; for text[] it is immutable), so it can feed a
//   generated column and a GIN index.
// - sentiment_entries is the history of sentiment per account and period (who, when, the
//   previous value). The current entry of a period is also a kpi_readings row (sentiment_id
//   set, upload_id null), so the one scoring algorithm, the SQL recompute and the
//   explanation treat it like any uploaded reading; an upload replaces only its own readings.
// - an account index on playbook_executions for the per-account timeline (uploads, tasks,
//   renewals and health already have one), and one for the activity log's action prefix.
// New tables get row-level security exactly as 2026-11-29T2000_row_level_security does.

const scoped = ['notes', 'sentiment_entries'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    CREATE FUNCTION notes_document(body text, participants text[]) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN to_tsvector('simple'::regconfig, body || ' ' || coalesce(array_to_string(participants, ' '), ''));

    CREATE TABLE notes (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      author_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'note')),
      occurred_at timestamptz(3) NOT NULL,
      participants text[] NOT NULL DEFAULT '{}',
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
      search tsvector NOT NULL GENERATED ALWAYS AS (notes_document(body, participants)) STORED,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
    );
    CREATE INDEX notes_account_timeline_idx ON notes (tenant_id, account_id, occurred_at, id);
    CREATE INDEX notes_occurred_idx ON notes (tenant_id, occurred_at, id);
    CREATE INDEX notes_search_idx ON notes USING gin (search);

    CREATE TABLE sentiment_entries (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      period text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      value smallint NOT NULL CHECK (value BETWEEN 1 AND 5),
      previous_value smallint CHECK (previous_value BETWEEN 1 AND 5),
      comment text NOT NULL CHECK (length(comment) BETWEEN 1 AND 2000),
      set_by uuid NOT NULL,
      set_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, set_by) REFERENCES users (tenant_id, id)
    );
    CREATE INDEX sentiment_entries_account_idx ON sentiment_entries (tenant_id, account_id, set_at, id);

    ALTER TABLE kpi_readings ALTER COLUMN upload_id DROP NOT NULL;
    ALTER TABLE kpi_readings ADD COLUMN sentiment_id uuid;
    ALTER TABLE kpi_readings ADD CONSTRAINT kpi_readings_sentiment_fkey
      FOREIGN KEY (tenant_id, sentiment_id) REFERENCES sentiment_entries (tenant_id, id) ON DELETE CASCADE;
    ALTER TABLE kpi_readings ADD CONSTRAINT kpi_readings_one_source CHECK ((upload_id IS NULL) <> (sentiment_id IS NULL));

    CREATE INDEX playbook_executions_account_idx ON playbook_executions (tenant_id, account_id, started_at);
    CREATE INDEX activity_log_action_idx ON activity_log (tenant_id, action text_pattern_ops);
  `,
  );
  for (const table of scoped) {
    await runScript(
      db,
      `
      ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON ${table} TO pulse_app
        USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
      CREATE POLICY owner_maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)
    `,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    DROP INDEX activity_log_action_idx;
    DROP INDEX playbook_executions_account_idx;
    DELETE FROM kpi_readings WHERE sentiment_id IS NOT NULL;
    ALTER TABLE kpi_readings DROP CONSTRAINT kpi_readings_one_source;
    ALTER TABLE kpi_readings DROP COLUMN sentiment_id;
    ALTER TABLE kpi_readings ALTER COLUMN upload_id SET NOT NULL;
    DROP TABLE sentiment_entries;
    DROP TABLE notes;
    DROP FUNCTION notes_document(text, text[]);
  `,
  );
}
