import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.js';
import { name, uuid } from '../validation.js';
import { textLimits } from '../limits.js';
import { createSegment, deleteSegment, listSegments, segmentFieldValues, updateSegment } from '../domain/segments.js';
import { actorOf } from './actor.js';

const values = (max: number) => z.array(z.string().trim().max(max)).max(100).optional();
const amount = z.number().finite().min(-1e15).max(1e15).nullish();

const rule = z.strictObject({
  tiers: values(textLimits.accountTier),
  industries: values(textLimits.text),
  regions: values(textLimits.text),
  lifecycleStages: values(textLimits.lifecycleStage),
  revenue: z.strictObject({ min: amount, max: amount }).optional(),
});

const categoryWeights = z.record(z.string().trim().min(1).max(textLimits.name), z.number().finite().min(0).max(1000)).nullish();
const tiers = z.strictObject({ healthy: z.number().finite().min(0).max(100), atRisk: z.number().finite().min(0).max(100) }).nullish();
const position = z.number().int().min(1).max(1000).optional();

export const segmentsRouter = router({
  /** The organisation's segments in matching order (at most MAX_SEGMENTS, so unpaginated). */
  list: protectedProcedure.query(({ ctx }) => listSegments(ctx.db, ctx.tenant.id)),

  /** Distinct tiers, industries, regions and lifecycle stages of the organisation's accounts, for the rule editor. */
  fieldValues: protectedProcedure.query(({ ctx }) => segmentFieldValues(ctx.db, ctx.tenant.id)),

  create: adminProcedure
    .input(z.strictObject({ name: name(100), rule, categoryWeights, tiers, position }))
    .mutation(({ ctx, input }) => createSegment(ctx.db, actorOf(ctx), input, ctx.recomputeJobThreshold)),

  update: adminProcedure
    .input(z.strictObject({ id: uuid, name: name(100).optional(), rule: rule.optional(), categoryWeights, tiers, position }))
    .mutation(({ ctx, input }) => updateSegment(ctx.db, actorOf(ctx), input, ctx.recomputeJobThreshold)),

  delete: adminProcedure
    .input(z.strictObject({ id: uuid }))
    .mutation(({ ctx, input }) => deleteSegment(ctx.db, actorOf(ctx), input.id, ctx.recomputeJobThreshold)),
});
