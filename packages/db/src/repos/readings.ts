import { sql } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import type { ReadingStatus } from '../schema.js';
import type { Db } from '../tenancy.js';

export interface ReadingFilters {
  accountId?: string | null | undefined;
  period?: string | null | undefined;
  category?: string | null | undefined;
  status?: ReadingStatus | null | undefined;
}

function readingsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('kpi_readings')
    .innerJoin('accounts', (j) => j.onRef('accounts.tenant_id', '=', 'kpi_readings.tenant_id').onRef('accounts.id', '=', 'kpi_readings.account_id'))
    .select([
      'kpi_readings.id',
      'kpi_readings.account_id',
      'accounts.name as account_name',
      'kpi_readings.product_id',
      'kpi_readings.period',
      'kpi_readings.category',
      'kpi_readings.kpi_name',
      'kpi_readings.raw',
      'kpi_readings.displayed',
      'kpi_readings.value',
      'kpi_readings.unit',
      'kpi_readings.status',
      'kpi_readings.score',
      'kpi_readings.impact',
      'kpi_readings.warning',
      'kpi_readings.upload_id',
    ])
    .where('kpi_readings.tenant_id', '=', tenantId);
}

/** A reading with the name of its account. */
export type ReadingRow = Awaited<ReturnType<ReturnType<typeof readingsQuery>['executeTakeFirstOrThrow']>>;

/** Readings newest period first (then by id), filterable by account, period, category and status. */
export async function listReadings(db: Db, tenantId: string, filters: ReadingFilters, page: PageRequest): Promise<Page<ReadingRow>> {
  let q = readingsQuery(db, tenantId);
  if (filters.accountId) q = q.where('kpi_readings.account_id', '=', filters.accountId);
  if (filters.period) q = q.where('kpi_readings.period', '=', filters.period);
  if (filters.category) q = q.where('kpi_readings.category', '=', filters.category);
  if (filters.status) q = q.where('kpi_readings.status', '=', filters.status);
  return paginate(
    q,
    [
      { column: sql.ref('kpi_readings.period'), value: (r) => r.period, direction: 'desc' },
      { column: sql.ref('kpi_readings.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
}

export interface KpiTrendRow {
  period: string;
  raw: string;
  value: number | null;
  unit: string | null;
  status: ReadingStatus;
  score: number | null;
}

/** The account-level readings of one KPI (by its key) in the last N periods that have it, oldest first. */
export async function listKpiTrend(db: Db, tenantId: string, accountId: string, kpiKey: string, periods: number): Promise<KpiTrendRow[]> {
  const rows = await db
    .selectFrom('kpi_readings')
    .select(['kpi_readings.period', 'kpi_readings.raw', 'kpi_readings.value', 'kpi_readings.unit', 'kpi_readings.status', 'kpi_readings.score'])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where('kpi_readings.account_id', '=', accountId)
    .where('kpi_readings.kpi_key', '=', kpiKey)
    .where('kpi_readings.product_id', 'is', null)
    .orderBy('kpi_readings.period', 'desc')
    .limit(periods)
    .execute();
  return rows.reverse();
}
