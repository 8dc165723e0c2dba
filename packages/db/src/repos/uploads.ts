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
