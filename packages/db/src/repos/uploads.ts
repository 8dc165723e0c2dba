import { sql, type Kysely } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import { bulkInsert } from '../bulk.js';
import { pairTable, type AccountPeriod } from './account-health.js';
import type { Database, KpiReadingsTable } from '../schema.js';

/** The fields of a new upload row; the tenant is the caller's. */
export interface NewUpload {
  uploadedBy: string;
  filename: string;
  format: 'csv' | 'xlsx';
  contentType: string;
  sizeBytes: number;
  sha256: string;
  content: Uint8Array;
  period: string | null;
  accountName: string | null;
  status: 'accepted' | 'rejected';
  report: string;
}

/** Stores an upload row; returns its id. */
export async function insertUpload(db: Kysely<Database>, tenantId: string, upload: NewUpload): Promise<string> {
  const row = await db
    .insertInto('kpi_uploads')
    .values({
      tenant_id: tenantId,
      uploaded_by: upload.uploadedBy,
      filename: upload.filename,
      format: upload.format,
      content_type: upload.contentType,
      size_bytes: upload.sizeBytes,
      sha256: upload.sha256,
      content: upload.content,
      period: upload.period,
      account_name: upload.accountName,
      status: upload.status,
      report: upload.report,
    })
    .returning('kpi_uploads.id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks where an upload's writes begin, so that rollbackUploadWrites can undo them and the transaction goes on. */
export async function markUploadWrites(db: Kysely<Database>): Promise<void> {
  await sql`SAVEPOINT upload_readings`.execute(db);
}

/** Undoes everything written since markUploadWrites; the transaction goes on. */
export async function rollbackUploadWrites(db: Kysely<Database>): Promise<void> {
  await sql`ROLLBACK TO SAVEPOINT upload_readings`.execute(db);
}

function uploadsQuery(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('kpi_uploads')
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'kpi_uploads.tenant_id').onRef('users.id', '=', 'kpi_uploads.uploaded_by'))
    .select([
      'kpi_uploads.id',
      'kpi_uploads.filename',
      'kpi_uploads.format',
      'kpi_uploads.size_bytes',
      'kpi_uploads.period',
      'kpi_uploads.account_name',
      'kpi_uploads.status',
      'kpi_uploads.created_at',
      'users.id as user_id',
      'users.name as user_name',
    ])
    .where('kpi_uploads.tenant_id', '=', tenantId);
}

/** An upload as lists show it, with its uploader. */
export type UploadRow = Awaited<ReturnType<ReturnType<typeof uploadsQuery>['executeTakeFirstOrThrow']>>;

/** A tenant's uploads, newest first; accountId keeps those with a version of that account. */
export async function listUploads(
  db: Kysely<Database>,
  tenantId: string,
  filters: { accountId?: string | null | undefined; status?: 'accepted' | 'rejected' | null | undefined },
  page: PageRequest,
): Promise<Page<UploadRow>> {
  let q = uploadsQuery(db, tenantId);
  if (filters.status) q = q.where('kpi_uploads.status', '=', filters.status);
  if (filters.accountId) {
    const accountId = filters.accountId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('kpi_upload_versions')
          .select('kpi_upload_versions.id')
          .whereRef('kpi_upload_versions.tenant_id', '=', 'kpi_uploads.tenant_id')
          .whereRef('kpi_upload_versions.upload_id', '=', 'kpi_uploads.id')
          .where('kpi_upload_versions.account_id', '=', accountId),
      ),
    );
  }
  return paginate(
    q,
    [
      { column: sql.ref('kpi_uploads.created_at'), value: (r) => r.created_at.toISOString(), direction: 'desc' },
      { column: sql.ref('kpi_uploads.id'), value: (r) => r.id, direction: 'desc' },
    ],
    page,
  );
}

/** One of a tenant's uploads with its report and hash, or undefined. */
export async function findUpload(db: Kysely<Database>, tenantId: string, id: string) {
  return uploadsQuery(db, tenantId).select(['kpi_uploads.report', 'kpi_uploads.sha256']).where('kpi_uploads.id', '=', id).executeTakeFirst();
}

/** Appends one part of an upload's bytes, at position (0, 1, 2, ...). */
export async function addUploadPart(db: Kysely<Database>, tenantId: string, uploadId: string, position: number, content: Uint8Array): Promise<void> {
  await db.insertInto('kpi_upload_parts').values({ tenant_id: tenantId, upload_id: uploadId, position, content }).execute();
}

/**
 * The stored file of an upload: its content, or, for a streamed upload, its parts joined in
 * order. Null when the tenant has no such upload.
 */
export async function uploadFile(db: Kysely<Database>, tenantId: string, uploadId: string): Promise<{ filename: string; content: Uint8Array } | null> {
  const row = await db
    .selectFrom('kpi_uploads')
    .select([
      'kpi_uploads.filename',
      sql<Uint8Array>`kpi_uploads.content || coalesce((
        SELECT string_agg(p.content, ''::bytea ORDER BY p.position) FROM kpi_upload_parts p
        WHERE p.tenant_id = kpi_uploads.tenant_id AND p.upload_id = kpi_uploads.id
      ), ''::bytea)`.as('content'),
    ])
    .where('kpi_uploads.tenant_id', '=', tenantId)
    .where('kpi_uploads.id', '=', uploadId)
    .executeTakeFirst();
  return row ?? null;
}

/** Fills in an upload inserted before its readings, once they are all stored. */
export async function completeUpload(
  db: Kysely<Database>,
  tenantId: string,
  uploadId: string,
  fields: { sizeBytes: number; sha256: string; content: Uint8Array; accountName: string | null; report: string },
): Promise<void> {
  await db
    .updateTable('kpi_uploads')
    .set({ size_bytes: fields.sizeBytes, sha256: fields.sha256, content: fields.content, account_name: fields.accountName, report: fields.report })
    .where('kpi_uploads.tenant_id', '=', tenantId)
    .where('kpi_uploads.id', '=', uploadId)
    .execute();
}

/**
 * The reading keys of the CSV file being read, kept in the database so that memory does not
 * grow with the file: a temporary table, private to this connection and dropped at the end of
 * the transaction (or by dropReadingKeys), so it holds no tenant's data beyond it.
 */
export async function createReadingKeys(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TEMPORARY TABLE upload_reading_keys (key text PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP`.execute(db);
}

/**
 * Records one batch of reading keys (each once, with the line that gives it first in the
 * batch) and answers, for the keys already recorded by an earlier batch, the line recorded then.
 */
export async function recordReadingKeys(db: Kysely<Database>, keys: string[], lines: number[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ key: string; line: number }>`
    WITH batch AS (SELECT * FROM unnest(${keys}::text[], ${lines}::int4[]) AS b(key, line)),
    recorded AS (INSERT INTO upload_reading_keys (key, line) SELECT batch.key, batch.line FROM batch ON CONFLICT (key) DO NOTHING)
    SELECT k.key, k.line FROM upload_reading_keys k JOIN batch ON batch.key = k.key`.execute(db);
  return new Map(rows.map((r) => [r.key, r.line]));
}

export async function dropReadingKeys(db: Kysely<Database>): Promise<void> {
  await sql`DROP TABLE upload_reading_keys`.execute(db);
}

/** The latest upload version of each of these account periods that has one. */
export async function latestVersions(
  db: Kysely<Database>,
  tenantId: string,
  pairs: AccountPeriod[],
): Promise<{ account_id: string; period: string; version: number }[]> {
  const rows = await db
    .selectFrom('kpi_upload_versions')
    .select(['kpi_upload_versions.account_id', 'kpi_upload_versions.period', sql<number>`max(kpi_upload_versions.version)`.as('version')])
    .where('kpi_upload_versions.tenant_id', '=', tenantId)
    .where(sql<boolean>`(kpi_upload_versions.account_id, kpi_upload_versions.period) IN ${pairTable(pairs)}`)
    .groupBy(['kpi_upload_versions.account_id', 'kpi_upload_versions.period'])
    .execute();
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}

/** Deletes the uploaded readings of these account periods; a manager's sentiment (no upload) stays. */
export async function deleteUploadedReadings(db: Kysely<Database>, tenantId: string, pairs: AccountPeriod[]): Promise<void> {
  await db
    .deleteFrom('kpi_readings')
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where(sql<boolean>`(kpi_readings.account_id, kpi_readings.period) IN ${pairTable(pairs)}`)
    .where('kpi_readings.upload_id', 'is not', null)
    .execute();
}

/** A reading an upload stores; the tenant and the upload are the caller's. */
export type NewReading = Omit<KpiReadingsTable, 'tenant_id' | 'id' | 'upload_id' | 'sentiment_id'>;

/** Stores a batch of an upload's readings in one statement. */
export async function insertUploadReadings(db: Kysely<Database>, tenantId: string, uploadId: string, readings: NewReading[]): Promise<void> {
  await bulkInsert(db, 'kpi_readings', [
    { name: 'tenant_id', type: 'uuid', values: readings.map(() => tenantId) },
    { name: 'account_id', type: 'uuid', values: readings.map((r) => r.account_id) },
    { name: 'product_id', type: 'uuid', values: readings.map((r) => r.product_id) },
    { name: 'upload_id', type: 'uuid', values: readings.map(() => uploadId) },
    { name: 'period', type: 'text', values: readings.map((r) => r.period) },
    { name: 'category', type: 'text', values: readings.map((r) => r.category) },
    { name: 'kpi_name', type: 'text', values: readings.map((r) => r.kpi_name) },
    { name: 'kpi_key', type: 'text', values: readings.map((r) => r.kpi_key) },
    { name: 'raw', type: 'text', values: readings.map((r) => r.raw) },
    { name: 'displayed', type: 'text', values: readings.map((r) => r.displayed) },
    { name: 'value', type: 'float8', values: readings.map((r) => r.value) },
    { name: 'unit', type: 'text', values: readings.map((r) => r.unit) },
    { name: 'status', type: 'text', values: readings.map((r) => r.status) },
    { name: 'score', type: 'float8', values: readings.map((r) => r.score) },
    { name: 'impact', type: 'text', values: readings.map((r) => r.impact) },
    { name: 'weight', type: 'float8', values: readings.map((r) => r.weight) },
    { name: 'source', type: 'text', values: readings.map((r) => r.source) },
    { name: 'frequency', type: 'text', values: readings.map((r) => r.frequency) },
    { name: 'warning', type: 'text', values: readings.map((r) => r.warning) },
  ]);
}

/** Records the version an upload made of each account period, with how many readings it holds. */
export async function insertUploadVersions(
  db: Kysely<Database>,
  tenantId: string,
  uploadId: string,
  versions: { accountId: string; period: string; version: number; readings: number }[],
): Promise<void> {
  await bulkInsert(db, 'kpi_upload_versions', [
    { name: 'tenant_id', type: 'uuid', values: versions.map(() => tenantId) },
    { name: 'upload_id', type: 'uuid', values: versions.map(() => uploadId) },
    { name: 'account_id', type: 'uuid', values: versions.map((v) => v.accountId) },
    { name: 'period', type: 'text', values: versions.map((v) => v.period) },
    { name: 'version', type: 'int4', values: versions.map((v) => v.version) },
    { name: 'reading_count', type: 'int4', values: versions.map((v) => v.readings) },
  ]);
}
