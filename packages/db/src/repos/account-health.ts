import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccountHealthTable, Database, ImpactLevel } from '../schema.js';

/** Stored health per account (or product) and period (account_health), and the readings it is rolled up from. */

type Q = Kysely<Database>;

export interface AccountPeriod {
  accountId: string;
  period: string;
}

export type HealthRow = Pick<
  Selectable<AccountHealthTable>,
  'account_id' | 'period' | 'overall' | 'tier' | 'coverage' | 'scored_count' | 'reading_count' | 'categories' | 'computed_at' | 'segment_id'
>;

const healthColumns = [
  'account_health.account_id',
  'account_health.period',
  'account_health.overall',
  'account_health.tier',
  'account_health.coverage',
  'account_health.scored_count',
  'account_health.reading_count',
  'account_health.categories',
  'account_health.computed_at',
  'account_health.segment_id',
] as const;

/** These account periods as a table of (account_id, period) rows, for `(…) IN pairTable(…)`. */
export const pairTable = (targets: readonly AccountPeriod[]) =>
  sql`(SELECT * FROM unnest(${targets.map((t) => t.accountId)}::uuid[], ${targets.map((t) => t.period)}::text[]))`;

export interface RollupReading {
  account_id: string;
  product_id: string | null;
  period: string;
  category: string;
  impact: ImpactLevel;
  score: number | null;
}

/** Every reading (account and product level) of the given account periods, in id order: the order the roll-up sums them in. */
export async function listReadingsForRollup(db: Q, tenantId: string, targets: readonly AccountPeriod[]): Promise<RollupReading[]> {
  return db
    .selectFrom('kpi_readings')
    .select(['kpi_readings.account_id', 'kpi_readings.product_id', 'kpi_readings.period', 'kpi_readings.category', 'kpi_readings.impact', 'kpi_readings.score'])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where(sql<boolean>`(kpi_readings.account_id, kpi_readings.period) IN ${pairTable(targets)}`)
    .orderBy('kpi_readings.id')
    .execute();
}

export interface NewHealth {
  account_id: string;
  product_id: string | null;
  period: string;
  overall: number | null;
  tier: HealthRow['tier'];
  coverage: number | null;
  scored_count: number;
  reading_count: number;
  /** JSON text of the categories. */
  categories: string;
  segment_id: string | null;
}

/** Replaces the stored healths (account and product level) of the given account periods with these rows. */
export async function replaceHealths(db: Q, tenantId: string, targets: readonly AccountPeriod[], rows: readonly NewHealth[]): Promise<void> {
  await db
    .deleteFrom('account_health')
    .where('account_health.tenant_id', '=', tenantId)
    .where(sql<boolean>`(account_health.account_id, account_health.period) IN ${pairTable(targets)}`)
    .execute();
  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000).map((r) => ({ ...r, tenant_id: tenantId }));
    if (part.length) await db.insertInto('account_health').values(part).execute();
  }
}

function accountLevel(db: Q, tenantId: string, accountId: string) {
  return db
    .selectFrom('account_health')
    .select(healthColumns)
    .where('account_health.tenant_id', '=', tenantId)
    .where('account_health.account_id', '=', accountId)
    .where('account_health.product_id', 'is', null);
}

/** An account's stored account-level health for a period (default: its latest); undefined when none. */
export async function findAccountHealth(db: Q, tenantId: string, accountId: string, period?: string | null): Promise<HealthRow | undefined> {
  let q = accountLevel(db, tenantId, accountId);
  if (period) q = q.where('account_health.period', '=', period);
  return q.orderBy('account_health.period', 'desc').limit(1).executeTakeFirst();
}

/** An account's newest `periods` stored account-level healths, newest first. */
export async function listNewestHealths(db: Q, tenantId: string, accountId: string, periods: number): Promise<HealthRow[]> {
  return accountLevel(db, tenantId, accountId).orderBy('account_health.period', 'desc').limit(periods).execute();
}

function productRows(db: Q, tenantId: string, accountId: string) {
  return db
    .selectFrom('account_health')
    .innerJoin('products', (j) => j.onRef('products.tenant_id', '=', 'account_health.tenant_id').onRef('products.id', '=', 'account_health.product_id'))
    .where('account_health.tenant_id', '=', tenantId)
    .where('account_health.account_id', '=', accountId);
}

/** The account's newest period with product-level health; null when none. */
export async function latestProductPeriod(db: Q, tenantId: string, accountId: string): Promise<string | null> {
  const row = await productRows(db, tenantId, accountId).select('account_health.period').orderBy('account_health.period', 'desc').limit(1).executeTakeFirst();
  return row?.period ?? null;
}

/** Each product's stored health of the account for a period, by product name. */
export async function listProductHealths(
  db: Q,
  tenantId: string,
  accountId: string,
  period: string,
): Promise<(HealthRow & { product_id: string; product_name: string })[]> {
  return productRows(db, tenantId, accountId)
    .select([...healthColumns, 'products.id as product_id', 'products.name as product_name'])
    .where('account_health.period', '=', period)
    .orderBy('products.name_key')
    .execute();
}

/**
 * The newest `periods` account-level healths of each given account, in one statement: one row
 * per health, oldest first per account, and one row with null health columns for an account
 * without any; ids that are not the tenant's accounts give no row.
 */
export async function listHealthTrends(
  db: Q,
  tenantId: string,
  accountIds: readonly string[],
  periods: number,
): Promise<({ id: string } & { [K in keyof HealthRow]: HealthRow[K] | null })[]> {
  return db
    .selectFrom('accounts')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('account_health')
          .select(healthColumns)
          .whereRef('account_health.tenant_id', '=', 'accounts.tenant_id')
          .whereRef('account_health.account_id', '=', 'accounts.id')
          .where('account_health.product_id', 'is', null)
          .orderBy('account_health.period', 'desc')
          .limit(periods)
          .as('h'),
      (join) => join.onTrue(),
    )
    .select([
      'accounts.id as id',
      'h.account_id',
      'h.period',
      'h.overall',
      'h.tier',
      'h.coverage',
      'h.scored_count',
      'h.reading_count',
      'h.categories',
      'h.computed_at',
      'h.segment_id',
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', [...accountIds])
    .orderBy('accounts.id')
    .orderBy('h.period')
    .execute();
}

/** Every reading of an account's period (account and product level) with its product's name, by category then KPI. */
export async function listExplainedReadings(db: Q, tenantId: string, accountId: string, period: string) {
  return db
    .selectFrom('kpi_readings')
    .leftJoin('products', (j) => j.onRef('products.tenant_id', '=', 'kpi_readings.tenant_id').onRef('products.id', '=', 'kpi_readings.product_id'))
    .select([
      'kpi_readings.id',
      'kpi_readings.kpi_name',
      'kpi_readings.kpi_key',
      'kpi_readings.category',
      'kpi_readings.raw',
      'kpi_readings.displayed',
      'kpi_readings.value',
      'kpi_readings.unit',
      'kpi_readings.status',
      'kpi_readings.score',
      'kpi_readings.impact',
      'kpi_readings.warning',
      'products.name as product_name',
    ])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where('kpi_readings.account_id', '=', accountId)
    .where('kpi_readings.period', '=', period)
    .orderBy('kpi_readings.category')
    .orderBy('kpi_readings.kpi_key')
    .execute();
}
