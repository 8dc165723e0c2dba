import { kpiKey } from '@pulse/scoring';
import { readings, type Db, type Page, type PageRequest, type ReadingStatus } from '@pulse/db';
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

export type ReadingFilters = readings.ReadingFilters;

function toReading(r: readings.ReadingRow): Reading {
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
  const result = await readings.listReadings(db, tenantId, filters, page);
  return { items: result.items.map(toReading), nextCursor: result.nextCursor };
}

export type KpiTrendPoint = readings.KpiTrendRow;

/** One KPI's account-level values over the last N periods that have it, oldest first. */
export async function kpiTrend(db: Db, tenantId: string, accountId: string, kpi: string, periods: number): Promise<KpiTrendPoint[]> {
  await getAccount(db, tenantId, accountId);
  return readings.listKpiTrend(db, tenantId, accountId, kpiKey(kpi), periods);
}
