import { adminProcedure, router } from '../trpc.js';
import { listJobs, scheduledJobs } from '../domain/jobs.js';

export const jobsRouter = router({
  /** The jobs Pulse runs on a schedule, each with its latest runs (status, duration, error). */
  list: adminProcedure.query(({ ctx }) => listJobs(ctx.db, scheduledJobs(ctx.auth.sessionPolicy))),
});
