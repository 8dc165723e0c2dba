import { z } from 'zod';
import { timelineKinds } from '@pulse/db';
import { protectedProcedure, router } from '../trpc.js';
import { pageInput, uuid } from '../validation.js';
import { listTimeline } from '../domain/timeline.js';

export const timelineRouter = router({
  /** One account's timeline, newest first, optionally only some kinds. */
  list: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid, kinds: z.array(z.enum(timelineKinds)).max(timelineKinds.length).nullish() }))
    .query(({ ctx, input }) => listTimeline(ctx.db, ctx.tenant.id, input.accountId, input.kinds, { limit: input.limit, cursor: input.cursor })),
});
