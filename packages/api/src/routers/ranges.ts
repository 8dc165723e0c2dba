import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.js';
import { getSettings, listRanges, resetRanges, updateRange, updateSettings } from '../domain/ranges.js';
import { actorOf } from './actor.js';

const threshold = z.number().finite().min(-1e12).max(1e12);

export const rangesRouter = router({
  list: protectedProcedure.query(({ ctx }) => listRanges(ctx.db, ctx.tenant.id)),

  update: adminProcedure
    .input(
      z.strictObject({
        kpi: z.string().trim().min(1).max(200),
        higherIsBetter: z.boolean(),
        scaleMin: threshold,
        riskThreshold: threshold,
        healthyThreshold: threshold,
        scaleMax: threshold,
      }),
    )
    .mutation(({ ctx, input: { kpi, ...thresholds } }) => updateRange(ctx.db, actorOf(ctx), kpi, thresholds, ctx.recomputeJobThreshold)),

  /** Resets one KPI (kpi given) or every override (all: true) to the catalogue default. */
  reset: adminProcedure
    .input(z.union([z.strictObject({ kpi: z.string().trim().min(1).max(200) }), z.strictObject({ all: z.literal(true) })]))
    .mutation(({ ctx, input }) => resetRanges(ctx.db, actorOf(ctx), 'kpi' in input ? input.kpi : null, ctx.recomputeJobThreshold)),

  settings: protectedProcedure.query(({ ctx }) => getSettings(ctx.db, ctx.tenant.id)),

  updateSettings: adminProcedure
    .input(
      z.strictObject({
        categoryWeights: z.record(z.string().trim().min(1).max(200), z.number().finite().min(0).max(1000)),
        tiers: z.strictObject({ healthy: z.number().min(0).max(100), atRisk: z.number().min(0).max(100) }),
      }),
    )
    .mutation(({ ctx, input }) => updateSettings(ctx.db, actorOf(ctx), input, ctx.recomputeJobThreshold)),
});
