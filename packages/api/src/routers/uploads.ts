import { z } from 'zod';
import { Readable } from 'node:stream';
import { authedProcedure, protectedProcedure, router, signedIn } from '../trpc.js';
import type { Context } from '../context.js';
import { badRequest } from '../errors.js';
import { pageInput, uploadedFile, uuid } from '../validation.js';
import { getUpload, importUploadStream, listUploads, type UploadFields, type UploadProgress } from '../domain/uploads.js';
import { actorOf } from './actor.js';
import { withImportSlot } from './import-slot.js';

const fields = z.strictObject({
  // Not checked here: a bad period is a structural problem, so the import rejects the
  // upload with a report that names it (spec 2.3) instead of failing the request.
  period: z.string().trim().max(100, 'Write the period as a month, YYYY-MM.').optional(),
  accountName: z.string().trim().min(1).max(200, 'An account name has at most 200 characters.').optional(),
  createAccounts: z.enum(['true', 'false'], { message: 'Say true or false for creating accounts.' }).optional(),
});

/** The upload fields other than the file, checked; a sentence per field otherwise. */
function uploadFields(filename: string, contentType: string, given: Record<string, string>): UploadFields {
  const parsed = fields.safeParse(given);
  if (!parsed.success) {
    throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  }
  return {
    filename: filename || 'upload',
    contentType: contentType || 'application/octet-stream',
    period: parsed.data.period ?? null,
    accountName: parsed.data.accountName ?? null,
    createAccounts: parsed.data.createAccounts !== 'false',
  };
}

const streamQuery = z.strictObject({ filename: z.string().trim().min(1, 'Name the file: ?filename=readings.csv.').max(255) }).catchall(z.string());

/**
 * POST /api/uploads/stream (apps/server): the upload of uploads.create for files of any size
 * up to the CSV limit, with the same callers and fields (as query parameters, with the
 * filename), the file's bytes as the request body, read as they arrive; onProgress hears
 * after each batch of rows stored.
 */
export async function uploadFromStream(
  context: Context,
  query: Record<string, unknown>,
  contentType: string,
  body: AsyncIterable<Uint8Array>,
  onProgress: (progress: UploadProgress) => void,
) {
  const ctx = await signedIn(context, 'mutation');
  const parsed = streamQuery.safeParse(query);
  if (!parsed.success) throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const { filename, ...rest } = parsed.data;
  const upload = uploadFields(filename, contentType, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '')));
  return withImportSlot(ctx, () => importUploadStream(ctx.db, actorOf(ctx), upload, body, onProgress));
}

export const uploadsRouter = router({
  /**
   * multipart/form-data: file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts.
   * Holds an import slot; a CSV file is read and stored batch by batch in the tenant's
   * transaction, a workbook is read (in a worker thread) before it opens (importUploadStream).
   * Files larger than 16 MB go to POST /api/uploads/stream.
   */
  create: authedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    const file = uploadedFile(input);
    const rest: Record<string, string> = {};
    for (const [key, value] of input.entries()) {
      if (key !== 'file' && typeof value === 'string' && value !== '') rest[key] = value;
    }
    const upload = uploadFields(file.name, file.type, rest);
    const bytes = Readable.from([Buffer.from(await file.arrayBuffer())]);
    return withImportSlot(ctx, () => importUploadStream(ctx.db, actorOf(ctx), upload, bytes));
  }),

  list: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid.nullish(), status: z.enum(['accepted', 'rejected']).nullish() }))
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filters } = input;
      return listUploads(ctx.db, ctx.tenant.id, filters, { limit, cursor });
    }),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getUpload(ctx.db, ctx.tenant.id, input.id)),
});
