import { sql, type Kysely } from 'kysely';

/**
 * The running app works as pulse_app, which sees only the rows of the tenant set for the
 * current transaction. The few lookups that must happen before a tenant is known — a
 * session by its id, a user by email at login, the signed-in user with their tenant — go
 * through these SECURITY DEFINER functions, owned by the migrating role. Each answers one
 * narrow question; none takes a tenant-wide filter.
 */
const functions = [
  `CREATE FUNCTION pulse_session_find(p_sid text)
   RETURNS TABLE (sid text, tenant_id uuid, user_id uuid, data jsonb, remember_me boolean,
                  created_at timestamptz, last_seen_at timestamptz, expires_at timestamptz)
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
     SELECT s.sid, s.tenant_id, s.user_id, s.data, s.remember_me, s.created_at, s.last_seen_at, s.expires_at
     FROM sessions s WHERE s.sid = p_sid
   $$`,
  `CREATE FUNCTION pulse_session_insert(p_sid text, p_tenant_id uuid, p_user_id uuid, p_data jsonb, p_remember_me boolean,
                                        p_created_at timestamptz, p_last_seen_at timestamptz, p_expires_at timestamptz)
   RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
     INSERT INTO sessions (sid, tenant_id, user_id, data, remember_me, created_at, last_seen_at, expires_at)
     VALUES (p_sid, p_tenant_id, p_user_id, p_data, p_remember_me, p_created_at, p_last_seen_at, p_expires_at)
     ON CONFLICT (sid) DO NOTHING
   $$`,
  `CREATE FUNCTION pulse_session_touch(p_sid text, p_at timestamptz)
   RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
     UPDATE sessions SET last_seen_at = p_at WHERE sid = p_sid
   $$`,
  `CREATE FUNCTION pulse_session_delete(p_sid text)
   RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
     DELETE FROM sessions WHERE sid = p_sid
   $$`,
  `CREATE FUNCTION pulse_login_lookup(p_email text)
   RETURNS TABLE (id uuid, tenant_id uuid, email text, name text, role text, active boolean,
                  last_login_at timestamptz, created_at timestamptz, password_hash text)
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
     SELECT u.id, u.tenant_id, u.email, u.name, u.role, u.active, u.last_login_at, u.created_at, u.password_hash
     FROM users u WHERE u.email = p_email
   $$`,
  `CREATE FUNCTION pulse_user_context(p_tenant_id uuid, p_user_id uuid)
   RETURNS TABLE (id uuid, tenant_id uuid, email text, name text, role text, active boolean,
                  last_login_at timestamptz, created_at timestamptz, tenant_name text)
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
     SELECT u.id, u.tenant_id, u.email, u.name, u.role, u.active, u.last_login_at, u.created_at, t.name
     FROM users u JOIN tenants t ON t.id = u.tenant_id
     WHERE u.tenant_id = p_tenant_id AND u.id = p_user_id
   $$`,
];

const signatures = [
  'pulse_session_find(text)',
  'pulse_session_insert(text, uuid, uuid, jsonb, boolean, timestamptz, timestamptz, timestamptz)',
  'pulse_session_touch(text, timestamptz)',
  'pulse_session_delete(text)',
  'pulse_login_lookup(text)',
  'pulse_user_context(uuid, uuid)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const definition of functions) await sql.raw(definition).execute(db);
  for (const signature of signatures) {
    await sql.raw(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`).execute(db);
    await sql.raw(`GRANT EXECUTE ON FUNCTION ${signature} TO pulse_app`).execute(db);
  }
  await sql`GRANT SELECT ON TABLE kysely_migration TO pulse_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`REVOKE SELECT ON TABLE kysely_migration FROM pulse_app`.execute(db);
  for (const signature of signatures) await sql.raw(`DROP FUNCTION ${signature}`).execute(db);
}
