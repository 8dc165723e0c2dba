import { protectedProcedure, router } from '../trpc.js';
import { recomputeStatus } from '../domain/recompute-jobs.js';

export const recomputeRouter = router({
  /** The tenant's recompute job in progress (accounts done of total) and its last finished one (effect or error). */
  status: protectedProcedure.query(({ ctx }) => recomputeStatus(ctx.db, ctx.tenant.id)),
});
