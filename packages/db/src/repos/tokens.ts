import { sql, type Kysely } from 'kysely';
import type { Database, TokenScope, UserRole } from '../schema.js';
import { toPublic, type PublicUser } from './users.js';

/** A bearer token's principal: the token, the user who created it, and their tenant. */
export interface TokenContext {
  token: { id: string; scope: TokenScope; windowCount: number; windowStartedAt: Date };
  user: PublicUser;
  tenant: { id: string; name: string };
}

/**
 * Resolves a live (not revoked, not expired) token by its keyed hash before any tenant is
 * known (pulse_token_use, SECURITY DEFINER), and in the same statement records its use and
 * counts the request in the token's fixed window of windowMs. Null when no live token has
 * that hash.
 */
export async function useToken(db: Kysely<Database>, hash: string, now: Date, windowMs: number): Promise<TokenContext | null> {
  const { rows } = await sql<{
    token_id: string;
    scope: TokenScope;
    window_count: number;
    window_started_at: Date;
    tenant_id: string;
    tenant_name: string;
    user_id: string;
    email: string;
    name: string;
    role: UserRole;
    active: boolean;
    last_login_at: Date | null;
    user_created_at: Date;
  }>`
    SELECT token_id, scope, window_count, window_started_at, tenant_id, tenant_name,
           user_id, email, name, role, active, last_login_at, user_created_at
    FROM pulse_token_use(${hash}, ${now}, ${windowMs})
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    token: { id: row.token_id, scope: row.scope, windowCount: row.window_count, windowStartedAt: row.window_started_at },
    user: toPublic({
      id: row.user_id,
      tenant_id: row.tenant_id,
      email: row.email,
      name: row.name,
      role: row.role,
      active: row.active,
      last_login_at: row.last_login_at,
      created_at: row.user_created_at,
    }),
    tenant: { id: row.tenant_id, name: row.tenant_name },
  };
}
