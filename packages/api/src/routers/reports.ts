import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { churnHorizons, churnSignal, churnSignalCsv } from '../domain/churn-signal.js';

const input = z.strictObject({
  monthsBefore: z.union(churnHorizons.map((m) => z.literal(m)) as [z.ZodLiteral<1>, z.ZodLiteral<3>, z.ZodLiteral<6>], {
    message: 'Choose 1, 3 or 6 months.',
  }),
});

export const reportsRouter = router({
  /** Whether health predicted the recorded renewal outcomes, monthsBefore months ahead. */
  churnSignal: protectedProcedure.input(input).query(({ ctx, input }) => churnSignal(ctx.db, ctx.tenant.id, input.monthsBefore)),

  /** The same report as CSV: { filename, csv }. */
  churnSignalCsv: protectedProcedure.input(input).query(({ ctx, input }) => churnSignalCsv(ctx.db, ctx.tenant.id, input.monthsBefore)),
});
