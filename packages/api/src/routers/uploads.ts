import { z } from 'zod';
import { authedProcedure, protectedProcedure, router } from '../trpc.js';
import { pageInput, uuid } from '../validation.js';
import { createUpload, getUpload, listUploads } from '../domain/uploads.js';
import { actorOf } from './actor.js';

export const uploadsRouter = router({
  /**
   * multipart/form-data: file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts.
   * Holds an import slot; the file is read (a workbook in a worker thread) before the
   * tenant's transaction opens, and saved inside it.
   */
  create: authedProcedure.input(z.instanceof(FormData)).mutation(({ ctx, input }) => createUpload(ctx.db, actorOf(ctx), input, ctx.setHeader)),

  list: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid.nullish(), status: z.enum(['accepted', 'rejected']).nullish() }))
    .query(({ ctx, input }) => {
      const { limit, cursor, ...filters } = input;
      return listUploads(ctx.db, ctx.tenant.id, filters, { limit, cursor });
    }),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getUpload(ctx.db, ctx.tenant.id, input.id)),
});
