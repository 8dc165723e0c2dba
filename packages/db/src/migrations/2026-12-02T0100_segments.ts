import type { Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

// Segments (issue #18): an admin's rule on account fields (rule, JSON) with optional category
// weights and tier thresholds overriding the organisation's. Names are unique per tenant (any
// case); position orders them (the first match wins). accounts.segment_id is the segment the
// account uses now (null: the organisation's settings), kept when segments or profile fields
// change; account_health.segment_id is the segment whose settings produced that stored health.
// Row-level security exactly as 2026-11-29T2000_row_level_security does.

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE segments (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      name_key text NOT NULL,
      position integer NOT NULL,
      rule jsonb NOT NULL,
      category_weights jsonb,
      tier_healthy double precision,
      tier_at_risk double precision,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, name_key),
      CHECK ((tier_healthy IS NULL) = (tier_at_risk IS NULL))
    );
    CREATE INDEX segments_position_idx ON segments (tenant_id, position, id);
    ALTER TABLE segments ENABLE ROW LEVEL SECURITY;
    ALTER TABLE segments FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON segments TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
    CREATE POLICY owner_maintenance ON segments TO CURRENT_USER USING (true) WITH CHECK (true);

    ALTER TABLE accounts ADD COLUMN segment_id uuid;
    ALTER TABLE accounts ADD FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, id) ON DELETE SET NULL (segment_id);
    CREATE INDEX accounts_segment_idx ON accounts (tenant_id, segment_id, id);
    ALTER TABLE account_health ADD COLUMN segment_id uuid;
    ALTER TABLE account_health ADD FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, id) ON DELETE SET NULL (segment_id);
    CREATE INDEX account_health_segment_idx ON account_health (tenant_id, segment_id) WHERE segment_id IS NOT NULL
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    ALTER TABLE account_health DROP COLUMN segment_id;
    ALTER TABLE accounts DROP COLUMN segment_id;
    DROP TABLE segments
  `);
}
