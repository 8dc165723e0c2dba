import { sql, type Kysely } from 'kysely';

/**
 * Each account row also keeps the account-level health of the period before its latest
 * (written with health_* by the health recompute), so the dashboard's "biggest drops" read
 * the tenant's account rows instead of probing account_health twice per account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE accounts
      ADD COLUMN health_previous_overall double precision,
      ADD COLUMN health_previous_period text
  `.execute(db);
  await sql`
    UPDATE accounts a
    SET (health_previous_overall, health_previous_period) = (
      SELECT h.overall, h.period FROM account_health h
      WHERE h.tenant_id = a.tenant_id AND h.account_id = a.id AND h.product_id IS NULL AND h.period < a.health_period
      ORDER BY h.period DESC LIMIT 1
    )
    WHERE a.health_period IS NOT NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE accounts DROP COLUMN health_previous_overall, DROP COLUMN health_previous_period`.execute(db);
}
