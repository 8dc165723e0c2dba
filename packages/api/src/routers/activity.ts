import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';
import { isoTimestamp, pageInput, uuid } from '../validation.js';
import { exportActivityCsv, listActivity } from '../domain/activity.js';

const filters = {
  userId: uuid.nullish(),
  action: z.string().trim().min(1).max(100).nullish(),
  resourceType: z.string().trim().min(1).max(100).nullish(),
  /** Inclusive. */
  from: isoTimestamp.nullish(),
  /** Exclusive. */
  to: isoTimestamp.nullish(),
};

const ordered = (v: { from?: string | null | undefined; to?: string | null | undefined }) => !v.from || !v.to || Date.parse(v.from) < Date.parse(v.to);
const orderMessage = { message: 'The end must be after the start.', path: ['to'] };

export const activityRouter = router({
  /** The organisation's activity log, newest first. */
  list: adminProcedure
    .input(z.strictObject({ ...pageInput, ...filters }).refine(ordered, orderMessage))
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listActivity(ctx.db, ctx.tenant.id, filters, { limit, cursor })),

  /** The filtered log as CSV: { filename, csv }. */
  exportCsv: adminProcedure
    .input(z.strictObject(filters).refine(ordered, orderMessage))
    .query(({ ctx, input }) => exportActivityCsv(ctx.db, ctx.tenant.id, input)),
});
