import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export const APP_ROLE = 'pulse_app';

/**
 * The one tenant-scoping rule: tenant data is only touched inside withTenant, which opens
 * a transaction, sets app.tenant_id and switches to the pulse_app role for that transaction
 * alone (set_config(..., true), never a session-level SET). Queries inside still filter on
 * tenant_id explicitly; row-level security on app.tenant_id is the second wall.
 */
export async function withTenant<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return inCallersTransaction(db as Tx, tenantId, fn);
  return db.transaction().execute(async (tx) => {
    await tenantSettings(tenantId).execute(tx);
    return fn(tx);
  });
}

/**
 * Given a transaction (the demo seed loads each tenant in one), withTenant scopes the caller's
 * transaction to the tenant for the rest of it. One transaction never serves two tenants.
 */
async function inCallersTransaction<T>(tx: Tx, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { rows } = await sql<{ tenant: string | null }>`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`.execute(tx);
  const current = rows[0]?.tenant ?? null;
  if (current !== null && current !== tenantId.toLowerCase()) throw new Error('withTenant: this transaction already belongs to another tenant.');
  await tenantSettings(tenantId).execute(tx);
  return fn(tx);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (every id in Pulse is one). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The transaction's first statement. It carries no parameters (the tenant id is checked to
 * be a UUID and inlined), so on a PostgreSQL server it travels with the BEGIN in one round
 * trip (see DeferredBeginPostgresDialect in postgres-driver.ts).
 */
function tenantSettings(tenantId: string) {
  if (!isUuid(tenantId)) throw new Error('withTenant needs a tenant id that is a UUID.');
  return sql`SELECT set_config('app.tenant_id', ${sql.lit(tenantId.toLowerCase())}, true), set_config('role', ${sql.lit(APP_ROLE)}, true)`;
}
