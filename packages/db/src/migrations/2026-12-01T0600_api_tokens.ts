import { sql, type Kysely } from 'kysely';
import { runScript } from '../sql-script.js';

/**
 * API tokens: an organisation's admins create them for data feeds (`Authorization: Bearer`).
 * Only a keyed hash of the secret is stored. A bearer request resolves its token, user and
 * tenant, counts itself against the token's per-minute limit and records last use in one
 * call of pulse_token_use (SECURITY DEFINER: no tenant is known yet), so a revoked or expired
 * token fails on the next request on every instance: nothing is cached.
 * Activity rows written by a bearer request name the token that acted (api_token_id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `
    CREATE TABLE api_tokens (
      tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      scope text NOT NULL CHECK (scope IN ('read', 'read-write')),
      token_hash text NOT NULL,
      hint text NOT NULL,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      window_started_at timestamptz,
      window_count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
    CREATE INDEX api_tokens_tenant_created_idx ON api_tokens (tenant_id, created_at, id);

    ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
    ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON api_tokens TO pulse_app
      USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

    ALTER TABLE activity_log ADD COLUMN api_token_id uuid;
    ALTER TABLE activity_log ADD FOREIGN KEY (tenant_id, api_token_id) REFERENCES api_tokens (tenant_id, id)
  `);
  await sql`CREATE POLICY owner_maintenance ON api_tokens TO CURRENT_USER USING (true) WITH CHECK (true)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE api_tokens TO pulse_app`.execute(db);
  await sql`
    CREATE FUNCTION pulse_token_use(p_hash text, p_now timestamptz, p_window_ms integer)
    RETURNS TABLE (token_id uuid, scope text, window_count integer, window_started_at timestamptz,
                   tenant_id uuid, tenant_name text, user_id uuid, email text, name text, role text,
                   active boolean, last_login_at timestamptz, user_created_at timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
      RETURN QUERY
        WITH used AS (
          UPDATE api_tokens t SET
            last_used_at = p_now,
            window_count = CASE WHEN t.window_started_at IS NULL OR t.window_started_at <= p_now - make_interval(secs => p_window_ms / 1000.0)
                                THEN 1 ELSE t.window_count + 1 END,
            window_started_at = CASE WHEN t.window_started_at IS NULL OR t.window_started_at <= p_now - make_interval(secs => p_window_ms / 1000.0)
                                     THEN p_now ELSE t.window_started_at END
          WHERE t.token_hash = p_hash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > p_now)
          RETURNING t.id, t.scope, t.window_count, t.window_started_at, t.tenant_id, t.created_by
        )
        SELECT used.id, used.scope, used.window_count, used.window_started_at, used.tenant_id, tn.name,
               u.id, u.email, u.name, u.role, u.active, u.last_login_at, u.created_at
        FROM used
        JOIN users u ON u.tenant_id = used.tenant_id AND u.id = used.created_by
        JOIN tenants tn ON tn.id = used.tenant_id;
    END
    $$
  `.execute(db);
  await sql`REVOKE ALL ON FUNCTION pulse_token_use(text, timestamptz, integer) FROM PUBLIC`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION pulse_token_use(text, timestamptz, integer) TO pulse_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION pulse_token_use(text, timestamptz, integer)`.execute(db);
  await sql`ALTER TABLE activity_log DROP COLUMN api_token_id`.execute(db);
  await sql`DROP TABLE api_tokens`.execute(db);
}
