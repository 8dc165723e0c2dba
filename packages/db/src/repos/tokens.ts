import { sql, type Kysely } from 'kysely';
import type { Database, TokenScope } from '../schema.js';
import { principalOf, type PrincipalRow, type PublicUser } from './users.js';

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
  const { rows } = await sql<PrincipalRow & { token_id: string; scope: TokenScope; window_count: number; window_started_at: Date }>`
    SELECT token_id, scope, window_count, window_started_at, tenant_id, tenant_name,
           user_id, email, name, role, active, last_login_at, user_created_at
    FROM pulse_token_use(${hash}, ${now}, ${windowMs})
  `.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    token: { id: row.token_id, scope: row.scope, windowCount: row.window_count, windowStartedAt: row.window_started_at },
    ...principalOf(row),
  };
}
