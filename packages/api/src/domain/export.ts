import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { tenantExport, withTenant, type Db } from '@pulse/db';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { csvLine } from './csv.js';
import { slugify } from './filenames.js';

/**
 * Export of everything a tenant owns, as a zip of CSV files (one per table, columns as
 * stored; ids link the files). Secrets (password hashes, session data) and uploaded file
 * contents stay out. Rows are read in keyset batches, each batch in its own short tenant
 * transaction, and written as the client reads, so no table is ever held in memory.
 */

const BATCH = 1000;

type Sheet = tenantExport.ExportSheet;

export const exportSheets: readonly Sheet[] = [
  { table: 'tenants', columns: ['id', 'name', 'created_at'], tenantColumn: 'id' },
  { table: 'tenant_settings', columns: ['tenant_id', 'category_weights', 'tier_healthy', 'tier_at_risk', 'updated_at'], key: 'tenant_id' },
  { table: 'users', columns: ['id', 'email', 'name', 'role', 'active', 'last_login_at', 'created_at', 'updated_at'] },
  {
    table: 'accounts',
    columns: [
      'id',
      'name',
      'external_id',
      'industry',
      'region',
      'status',
      'tier',
      'revenue',
      'csm_owner',
      'renewal_date',
      'lifecycle_stage',
      'champions',
      'archived_at',
      'health_overall',
      'health_tier',
      'health_period',
      'created_at',
      'updated_at',
      'owner_user_id',
    ],
  },
  { table: 'products', columns: ['id', 'account_id', 'name', 'created_at'] },
  {
    table: 'kpi_uploads',
    columns: ['id', 'uploaded_by', 'filename', 'format', 'content_type', 'size_bytes', 'sha256', 'period', 'account_name', 'status', 'created_at'],
  },
  { table: 'kpi_upload_versions', columns: ['id', 'upload_id', 'account_id', 'period', 'version', 'reading_count', 'created_at'] },
  {
    table: 'kpi_readings',
    columns: [
      'id',
      'account_id',
      'product_id',
      'upload_id',
      'sentiment_id',
      'period',
      'category',
      'kpi_name',
      'raw',
      'displayed',
      'value',
      'unit',
      'status',
      'score',
      'impact',
      'weight',
      'source',
      'frequency',
      'warning',
    ],
  },
  {
    table: 'account_health',
    columns: ['id', 'account_id', 'product_id', 'period', 'overall', 'tier', 'coverage', 'scored_count', 'reading_count', 'categories', 'computed_at'],
  },
  {
    table: 'reference_ranges',
    columns: [
      'id',
      'kpi_name',
      'category',
      'unit',
      'higher_is_better',
      'scale_min',
      'risk_threshold',
      'healthy_threshold',
      'scale_max',
      'updated_by',
      'updated_at',
    ],
  },
  { table: 'playbook_triggers', columns: ['id', 'playbook_key', 'kind', 'params', 'enabled', 'create_task', 'last_fired_at', 'updated_at'] },
  {
    table: 'playbook_recommendations',
    columns: ['id', 'trigger_id', 'playbook_key', 'account_id', 'urgency', 'reasons', 'fired_at', 'superseded_at'],
  },
  {
    table: 'playbook_executions',
    columns: ['id', 'account_id', 'playbook_key', 'status', 'recommendation_id', 'started_by', 'started_at', 'ended_at', 'health_at_start', 'closing_note'],
  },
  {
    table: 'playbook_execution_steps',
    columns: ['id', 'execution_id', 'position', 'title', 'status', 'note', 'outcome', 'completed_by', 'completed_at'],
  },
  {
    table: 'tasks',
    columns: [
      'id',
      'account_id',
      'title',
      'assignee_id',
      'due_date',
      'priority',
      'status',
      'source',
      'execution_step_id',
      'trigger_id',
      'completion_note',
      'completed_by',
      'completed_at',
      'created_by',
      'created_at',
      'updated_at',
    ],
  },
  {
    table: 'renewal_outcomes',
    columns: ['id', 'account_id', 'outcome', 'renewal_date', 'amount', 'previous_revenue', 'reason', 'next_renewal_date', 'recorded_by', 'recorded_at'],
  },
  { table: 'notes', columns: ['id', 'account_id', 'author_id', 'kind', 'occurred_at', 'participants', 'body', 'created_at'] },
  { table: 'sentiment_entries', columns: ['id', 'account_id', 'period', 'value', 'previous_value', 'comment', 'set_by', 'set_at'] },
  { table: 'activity_log', columns: ['id', 'created_at', 'user_id', 'action', 'resource_type', 'resource_id', 'before', 'after', 'ip'] },
];

async function* sheetCsv(db: Db, tenantId: string, sheet: Sheet): AsyncGenerator<string> {
  yield csvLine(sheet.columns);
  let cursor: string | null = null;
  do {
    const page = await withTenant(db, tenantId, (tx) => tenantExport.sheetPage(tx, tenantId, sheet, cursor, BATCH));
    yield page.items.map((row) => csvLine(sheet.columns.map((c) => row[c]))).join('');
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Streams the tenant's data as a zip to `out` and resolves when it is written. `db` is the
 * root database (each batch opens its own tenant transaction). On a database error the
 * output is destroyed with it and the promise rejects.
 */
export async function exportTenant(db: Db, tenantId: string, out: NodeJS.WritableStream): Promise<void> {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  for (const sheet of exportSheets) {
    zip.addReadStreamLazy(`${sheet.table}.csv`, (open) => {
      const source = Readable.from(sheetCsv(db, tenantId, sheet));
      source.once('error', (error) => output.destroy(error));
      open(null, source);
    });
  }
  zip.end();
  await pipeline(output, out);
}

export function exportFilename(tenantName: string, now = new Date()): string {
  return `pulse-export-${slugify(tenantName, 'tenant')}-${now.toISOString().slice(0, 10)}.zip`;
}

/** Writes the export to the activity log before the download starts. */
export async function recordExport(db: Db, actor: Actor): Promise<void> {
  await withTenant(db, actor.tenantId, (tx) =>
    recordActivity(tx, {
      ...actor,
      action: 'tenant.export',
      resourceType: 'tenant',
      resourceId: actor.tenantId,
      after: { files: exportSheets.map((s) => `${s.table}.csv`) },
    }),
  );
}
