import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { pageInput, period, uuid } from '../validation.js';
import { kpiTrend, listReadings } from '../domain/readings.js';

export const kpisRouter = router({
  list: protectedProcedure
    .input(
      z.strictObject({
        ...pageInput,
        accountId: uuid.nullish(),
        period: period.nullish(),
        category: z.string().trim().max(200).nullish(),
        status: z.enum(['healthy', 'risk', 'critical', 'unknown']).nullish(),
      }),
    )
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listReadings(ctx.db, ctx.tenant.id, filters, { limit, cursor })),

  trend: protectedProcedure
    .input(z.strictObject({ accountId: uuid, kpi: z.string().trim().min(1).max(200), periods: z.number().int().min(1).max(120).default(12) }))
    .query(({ ctx, input }) => kpiTrend(ctx.db, ctx.tenant.id, input.accountId, input.kpi, input.periods)),
});
