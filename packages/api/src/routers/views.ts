import { z } from 'zod';
import { accountColumns } from '@pulse/db';
import { protectedProcedure, router } from '../trpc.js';
import { name, pageInput, uuid } from '../validation.js';
import { deleteView, exportViewCsv, listViews, saveView } from '../domain/views.js';
import { listFilters } from './accounts.js';
import { callerOf } from './actor.js';

const state = z.strictObject({
  ...listFilters,
  columns: z
    .array(z.enum(accountColumns))
    .max(accountColumns.length)
    .refine((columns) => new Set(columns).size === columns.length, { message: 'List each column once.' }),
});

export const viewsRouter = router({
  /** The caller's saved views of the accounts list and those shared in the organisation, by name. */
  list: protectedProcedure
    .input(z.strictObject({ ...pageInput }))
    .query(({ ctx, input }) => listViews(ctx.db, callerOf(ctx), { limit: input.limit, cursor: input.cursor })),

  /** Creates a view (no id) or replaces one of the caller's own. */
  save: protectedProcedure
    .input(z.strictObject({ id: uuid.nullish(), name: name(100), shared: z.boolean().default(false), state }))
    .mutation(({ ctx, input }) => saveView(ctx.db, callerOf(ctx), input)),

  delete: protectedProcedure.input(z.strictObject({ id: uuid })).mutation(({ ctx, input }) => deleteView(ctx.db, callerOf(ctx), input.id)),

  /** The current view (saved or not) as CSV: its accounts in its order, with its columns. */
  exportCsv: protectedProcedure.input(z.strictObject({ state })).query(({ ctx, input }) => exportViewCsv(ctx.db, callerOf(ctx), input.state)),
});
