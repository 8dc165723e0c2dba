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
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`.execute(tx);
    return fn(tx);
  });
}
