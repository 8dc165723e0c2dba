import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { badRequest } from '../errors.js';
import { pageInput, uploadedFile, uuid } from '../validation.js';
import { getUpload, importUpload, listUploads } from '../domain/uploads.js';
import { actorOf } from './actor.js';

const fields = z.strictObject({
  // Not checked here: a bad period is a structural problem, so the import rejects the
  // upload with a report that names it (spec 2.3) instead of failing the request.
  period: z.string().trim().max(100, 'Write the period as a month, YYYY-MM.').optional(),
  accountName: z.string().trim().min(1).max(200, 'An account name has at most 200 characters.').optional(),
  createAccounts: z.enum(['true', 'false'], { message: 'Say true or false for creating accounts.' }).optional(),
});

export const uploadsRouter = router({
  /** multipart/form-data: file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts. */
  create: protectedProcedure.input(z.instanceof(FormData)).mutation(async ({ ctx, input }) => {
    const file = uploadedFile(input);
    const rest: Record<string, string> = {};
    for (const [key, value] of input.entries()) {
      if (key !== 'file' && typeof value === 'string' && value !== '') rest[key] = value;
    }
    const parsed = fields.safeParse(rest);
    if (!parsed.success) {
      throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
    }
    return importUpload(ctx.db, actorOf(ctx), {
      filename: file.name || 'upload',
      contentType: file.type || 'application/octet-stream',
      bytes: Buffer.from(await file.arrayBuffer()),
      period: parsed.data.period ?? null,
      accountName: parsed.data.accountName ?? null,
      createAccounts: parsed.data.createAccounts !== 'false',
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
