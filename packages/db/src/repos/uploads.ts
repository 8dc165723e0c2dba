import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

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
