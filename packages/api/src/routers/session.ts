import { publicProcedure, router, sessionAuthedProcedure } from '../trpc.js';
import { refreshSession, sessionStatus } from '../domain/sign-in.js';

export const sessionRouter = router({
  /** Public and read-only: polling it never counts as activity. */
  status: publicProcedure.query(({ ctx }) => sessionStatus(ctx.session.current, ctx)),

  /** Counts as activity now; never extends past the absolute limit. */
  refresh: sessionAuthedProcedure.mutation(({ ctx }) => refreshSession(ctx, ctx.session.current)),
});
