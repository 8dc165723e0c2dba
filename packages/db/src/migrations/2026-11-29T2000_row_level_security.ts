import { sql, type Kysely } from 'kysely';

/**
 * Row-level security as the second wall behind the explicit tenant filters.
 * - pulse_app: no login, no BYPASSRLS, owns nothing. withTenant() switches to it for each
 *   tenant transaction (set_config('role', 'pulse_app', true)) next to app.tenant_id.
 * - Every table with a tenant_id (and tenants itself) has RLS enabled and forced, with a
 *   policy for pulse_app on app.tenant_id; with no tenant set, pulse_app sees no rows.
 * - The migrating role (the table owner) keeps an explicit policy: it runs migrations and
 *   the cross-tenant authentication lookups (session by id, user by email).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pulse_app') THEN
        CREATE ROLE pulse_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
      END IF;
    END $$
  `.execute(db);
  await sql`GRANT pulse_app TO CURRENT_USER`.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO pulse_app`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pulse_app`.execute(db);
  await sql`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pulse_app`.execute(db);
  await sql`REVOKE ALL ON TABLE kysely_migration, kysely_migration_lock FROM pulse_app`.execute(db);

  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'tenant_id'
    ORDER BY table_name
  `.execute(db);
  const scoped = [...rows.map((r) => ({ table: r.table_name, column: 'tenant_id' })), { table: 'tenants', column: 'id' }];
  for (const { table, column } of scoped) {
    const t = sql.table(table);
    const c = sql.ref(column);
    await sql`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`
      CREATE POLICY tenant_isolation ON ${t} TO pulse_app
      USING (${c} = nullif(current_setting('app.tenant_id', true), '')::uuid)
      WITH CHECK (${c} = nullif(current_setting('app.tenant_id', true), '')::uuid)
    `.execute(db);
    await sql`CREATE POLICY owner_maintenance ON ${t} TO CURRENT_USER USING (true) WITH CHECK (true)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT DISTINCT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'tenant_isolation'
  `.execute(db);
  for (const { tablename } of rows) {
    const t = sql.table(tablename);
    await sql`DROP POLICY tenant_isolation ON ${t}`.execute(db);
    await sql`DROP POLICY owner_maintenance ON ${t}`.execute(db);
    await sql`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`.execute(db);
  }
}
