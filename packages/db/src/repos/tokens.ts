import { sql, type Kysely } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
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

/** Stores a new token (only its keyed hash and a hint of it); returns its id. */
export async function insertToken(
  db: Kysely<Database>,
  tenantId: string,
  token: { name: string; scope: TokenScope; tokenHash: string; hint: string; createdBy: string; expiresAt: Date | null },
): Promise<string> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      tenant_id: tenantId,
      name: token.name,
      scope: token.scope,
      token_hash: token.tokenHash,
      hint: token.hint,
      created_by: token.createdBy,
      expires_at: token.expiresAt,
    })
    .returning(['api_tokens.id'])
    .executeTakeFirstOrThrow();
  return row.id;
}

function tokenQuery(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('users', (j) => j.onRef('users.tenant_id', '=', 'api_tokens.tenant_id').onRef('users.id', '=', 'api_tokens.created_by'))
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.scope',
      'api_tokens.hint',
      'api_tokens.created_by',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
      'api_tokens.revoked_at',
      'users.name as creator_name',
    ])
    .where('api_tokens.tenant_id', '=', tenantId);
}

/** A token as listed (never its hash), with its creator's name. */
export type TokenRow = Awaited<ReturnType<ReturnType<typeof tokenQuery>['executeTakeFirstOrThrow']>>;

const newestFirst: KeyPart<TokenRow>[] = [
  { column: sql.ref('api_tokens.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
  { column: sql.ref('api_tokens.id'), value: (r) => r.id, direction: 'desc' },
];

/** The tenant's tokens, newest first, revoked ones included. */
export async function listTokenRows(db: Kysely<Database>, tenantId: string, page: PageRequest): Promise<Page<TokenRow>> {
  return paginate(tokenQuery(db, tenantId), newestFirst, page);
}

export async function findToken(db: Kysely<Database>, tenantId: string, id: string): Promise<TokenRow | undefined> {
  return tokenQuery(db, tenantId).where('api_tokens.id', '=', id).executeTakeFirst();
}

/** Revokes the token unless it already is; true when this call revoked it. */
export async function revokeTokenRow(db: Kysely<Database>, tenantId: string, id: string, now: Date): Promise<boolean> {
  const revoked = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('api_tokens.tenant_id', '=', tenantId)
    .where('api_tokens.id', '=', id)
    .where('api_tokens.revoked_at', 'is', null)
    .returning(['api_tokens.id'])
    .executeTakeFirst();
  return revoked !== undefined;
}
