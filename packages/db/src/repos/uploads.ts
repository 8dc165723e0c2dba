import { sql, type Kysely } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import type { Database } from '../schema.js';

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
