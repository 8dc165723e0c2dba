import { sql, type Kysely } from 'kysely';

/**
 * The period index of account-level health also carries `overall`, so the dashboard's
 * average-health trend over the newest periods is an index-only scan. account_health rows
 * are wide (their category breakdown), and reading them from the table took five times as
 * long on the benchmark's largest tenant (10,000 accounts, 24 months).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX account_health_period_idx`.execute(db);
  await sql`
    CREATE INDEX account_health_period_idx ON account_health (tenant_id, period, account_id)
    INCLUDE (overall) WHERE product_id IS NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX account_health_period_idx`.execute(db);
  await sql`CREATE INDEX account_health_period_idx ON account_health (tenant_id, period, account_id) WHERE product_id IS NULL`.execute(db);
}
