import { z } from 'zod';
import { authedProcedure, protectedProcedure, router, signedIn } from '../trpc.js';
import type { Context } from '../context.js';
import { pageInput, streamUploadFields, uuid } from '../validation.js';
import { createStreamedUpload, createUpload, getUpload, listUploads, type UploadProgress } from '../domain/uploads.js';
import { actorOf } from './actor.js';

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
  return createStreamedUpload(ctx.db, actorOf(ctx), streamUploadFields(query), contentType, body, onProgress, ctx.setHeader);
}

export const uploadsRouter = router({
  /**
   * multipart/form-data: file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts.
   * Holds an import slot; a CSV file is read and stored batch by batch in the tenant's
   * transaction, a workbook is read (in a worker thread) before it opens (importUploadStream).
   * Files larger than 16 MB go to POST /api/uploads/stream.
   */
  create: authedProcedure.input(z.instanceof(FormData)).mutation(({ ctx, input }) => createUpload(ctx.db, actorOf(ctx), input, ctx.setHeader)),

  list: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid.nullish(), status: z.enum(['accepted', 'rejected']).nullish() }))
    .query(({ ctx, input }) => listUploads(ctx.db, ctx.tenant.id, input)),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getUpload(ctx.db, ctx.tenant.id, input.id)),
});
