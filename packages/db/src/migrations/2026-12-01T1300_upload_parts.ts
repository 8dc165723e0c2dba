import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// A CSV upload is received as a stream and can be far larger than one bytea value should be:
// its bytes are kept as numbered parts (kpi_uploads.content is then empty), written a part at a
// time so the server never holds the whole file. Row-level security as 2026-11-29T2000_row_level_security.

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    CREATE TABLE kpi_upload_parts (
      tenant_id uuid NOT NULL,
      upload_id uuid NOT NULL,
      position integer NOT NULL CHECK (position >= 0),
      content bytea NOT NULL,
      PRIMARY KEY (tenant_id, upload_id, position),
      FOREIGN KEY (tenant_id, upload_id) REFERENCES kpi_uploads (tenant_id, id) ON DELETE CASCADE
    );
    ALTER TABLE kpi_upload_parts ENABLE ROW LEVEL SECURITY;
    ALTER TABLE kpi_upload_parts FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON kpi_upload_parts TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY owner_maintenance ON kpi_upload_parts TO CURRENT_USER USING (true) WITH CHECK (true)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `DROP TABLE kpi_upload_parts`);
}
