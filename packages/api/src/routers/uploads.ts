import { z } from 'zod';
import { withTenant } from '@pulse/db';
import { authedProcedure, protectedProcedure, router } from '../trpc.js';
import { badRequest } from '../errors.js';
import { pageInput, uploadedFile, uuid } from '../validation.js';
import { getUpload, listUploads, readUpload, saveUpload, type UploadInput } from '../domain/uploads.js';
import { actorOf } from './actor.js';
import { withImportSlot } from './import-slot.js';

const fields = z.strictObject({
  // Not checked here: a bad period is a structural problem, so the import rejects the
  // upload with a report that names it (spec 2.3) instead of failing the request.
  period: z.string().trim().max(100, 'Write the period as a month, YYYY-MM.').optional(),
  accountName: z.string().trim().min(1).max(200, 'An account name has at most 200 characters.').optional(),
  createAccounts: z.enum(['true', 'false'], { message: 'Say true or false for creating accounts.' }).optional(),
});

export const uploadsRouter = router({
  /**
   * multipart/form-data: file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts.
   * Holds an import slot; the file is read (a workbook in a worker thread) before the
   * tenant's transaction opens, and saved inside it.
   */
  create: authedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    const file = uploadedFile(input);
    const rest: Record<string, string> = {};
    for (const [key, value] of input.entries()) {
      if (key !== 'file' && typeof value === 'string' && value !== '') rest[key] = value;
    }
    const parsed = fields.safeParse(rest);
    if (!parsed.success) {
      throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors);
    }
    const upload: UploadInput = {
      filename: file.name || 'upload',
      contentType: file.type || 'application/octet-stream',
      bytes: Buffer.from(await file.arrayBuffer()),
      period: parsed.data.period ?? null,
      accountName: parsed.data.accountName ?? null,
      createAccounts: parsed.data.createAccounts !== 'false',
    };
    return withImportSlot(ctx, async () => {
      const read = await readUpload(upload);
      return withTenant(ctx.db, ctx.tenant.id, (tx) => saveUpload(tx, actorOf(ctx), upload, read));
    });
  }),

  list: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid.nullish(), status: z.enum(['accepted', 'rejected']).nullish() }))
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filters } = input;
      return listUploads(ctx.db, ctx.tenant.id, filters, { limit, cursor });
    }),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getUpload(ctx.db, ctx.tenant.id, input.id)),
});
