import { sql } from 'kysely';
import { kpiKey } from '@pulse/scoring';
import { paginate, type Db, type Page, type PageRequest, type ReadingStatus } from '@pulse/db';
import { getAccount } from './accounts.js';

export interface Reading {
  id: string;
  accountId: string;
  accountName: string;
  productId: string | null;
  period: string;
  category: string;
  kpi: string;
  raw: string;
  /** What the spreadsheet showed when that reads as another number than raw (3.85 shown as "3.9"); else null. */
  displayed: string | null;
  value: number | null;
  unit: string | null;
  status: ReadingStatus;
  score: number | null;
  impact: string;
  warning: string | null;
  /** The upload that brought it; null for a manager's sentiment reading. */
  uploadId: string | null;
}

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

type ReadingRow = Awaited<ReturnType<ReturnType<typeof readingsQuery>['executeTakeFirstOrThrow']>>;

function toReading(r: ReadingRow): Reading {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    productId: r.product_id,
    period: r.period,
    category: r.category,
    kpi: r.kpi_name,
    raw: r.raw,
    displayed: r.displayed,
    value: r.value,
    unit: r.unit,
    status: r.status,
    score: r.score,
    impact: r.impact,
    warning: r.warning,
    uploadId: r.upload_id,
  };
}

/** Readings newest period first (then by id), filterable by account, period, category and status. */
export async function listReadings(db: Db, tenantId: string, filters: ReadingFilters, page: PageRequest): Promise<Page<Reading>> {
  let q = readingsQuery(db, tenantId);
  if (filters.accountId) q = q.where('kpi_readings.account_id', '=', filters.accountId);
  if (filters.period) q = q.where('kpi_readings.period', '=', filters.period);
  if (filters.category) q = q.where('kpi_readings.category', '=', filters.category);
  if (filters.status) q = q.where('kpi_readings.status', '=', filters.status);
  const result = await paginate(
    q,
    [
      { column: sql.ref('kpi_readings.period'), value: (r) => r.period, direction: 'desc' },
      { column: sql.ref('kpi_readings.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
  return { items: result.items.map(toReading), nextCursor: result.nextCursor };
}

export interface KpiTrendPoint {
  period: string;
  raw: string;
  value: number | null;
  unit: string | null;
  status: ReadingStatus;
  score: number | null;
}

/** One KPI's account-level values over the last N periods that have it, oldest first. */
export async function kpiTrend(db: Db, tenantId: string, accountId: string, kpi: string, periods: number): Promise<KpiTrendPoint[]> {
  await getAccount(db, tenantId, accountId);
  const rows = await db
    .selectFrom('kpi_readings')
    .select(['kpi_readings.period', 'kpi_readings.raw', 'kpi_readings.value', 'kpi_readings.unit', 'kpi_readings.status', 'kpi_readings.score'])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where('kpi_readings.account_id', '=', accountId)
    .where('kpi_readings.kpi_key', '=', kpiKey(kpi))
    .where('kpi_readings.product_id', 'is', null)
    .orderBy('kpi_readings.period', 'desc')
    .limit(periods)
    .execute();
  return rows.reverse();
}
