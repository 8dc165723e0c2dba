import { sql } from 'kysely';
import { APP_ROLE, type Db } from './tenancy.js';

export interface LoginRole {
  name: string;
  /** What lets this login get round row-level security; empty when it can only become pulse_app. */
  problems: string[];
}

/**
 * Inspects the role a connection logged in as (session_user, whatever role it then works as).
 * The running app's login must not be able to leave pulse_app: no superuser, no BYPASSRLS, no
 * table of its own (the owner's maintenance policy sees every tenant), and membership in no
 * role but pulse_app.
 */
export async function inspectLoginRole(db: Db): Promise<LoginRole> {
  const { rows } = await sql<{ name: string; superuser: boolean; bypassrls: boolean; owns_tables: boolean; other_roles: string[] }>`
    SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
      EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace) AS owns_tables,
      CASE WHEN r.rolsuper THEN ARRAY[]::text[] ELSE ARRAY(
        SELECT m.rolname::text FROM pg_roles m
        WHERE m.oid <> r.oid AND m.rolname <> ${APP_ROLE} AND pg_has_role(r.oid, m.oid, 'MEMBER')
        ORDER BY m.rolname
      ) END AS other_roles
    FROM pg_roles r WHERE r.rolname = session_user
  `.execute(db);
  const role = rows[0];
  if (!role) throw new Error('The login role of this connection was not found in pg_roles.');
  const problems = [
    ...(role.superuser ? ['is a superuser'] : []),
    ...(role.bypassrls ? ['has BYPASSRLS'] : []),
    ...(role.owns_tables ? ['owns the tables (it is the migrating owner)'] : []),
    ...(role.other_roles.length ? [`can become ${role.other_roles.map((r) => `"${r}"`).join(', ')}`] : []),
  ];
  return { name: role.name, problems };
}
