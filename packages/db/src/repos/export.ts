import { sql } from 'kysely';
import { paginate, type Page } from '../pagination.js';
import type { TableName } from '../schema.js';
import type { Db } from '../tenancy.js';

/** A table as the tenant export writes it. */
export interface ExportSheet {
  table: TableName;
  columns: readonly string[];
  /** Column holding the tenant id (the tenant's own row is keyed by id). */
  tenantColumn?: string;
  /** Unique column, among the exported ones, that batches are keyed on (default id). */
  key?: string;
}

export type ExportRow = Record<string, unknown>;

/** One keyset batch of the tenant's rows of a sheet's table, its columns as stored. */
export async function sheetPage(db: Db, tenantId: string, sheet: ExportSheet, cursor: string | null, limit: number): Promise<Page<ExportRow>> {
  const tenantColumn = sheet.tenantColumn ?? 'tenant_id';
  const key = sheet.key ?? 'id';
  const query = db
    .selectFrom(sql<ExportRow>`${sql.table(sheet.table)}`.as('t'))
    .select(sheet.columns.map((c) => sql.ref(`t.${c}`).as(c)))
    .where(sql.ref(`t.${tenantColumn}`), '=', tenantId);
  return paginate(query, [{ column: sql.ref(`t.${key}`), value: (r) => r[key] as string }], { limit, cursor });
}
