import { z } from 'zod';
import { adminProcedure, protectedProcedure, router } from '../trpc.js';
import { name as requiredText, pageInput, uuid } from '../validation.js';
import { listPlaybooks, playbookKeys } from '../domain/playbooks.js';
import { listTriggers, triggerParamSchemas, updateTrigger } from '../domain/triggers.js';
import { evaluatePlaybooks, listRecommendations, previewTrigger } from '../domain/recommendations.js';
import { completeStep, getExecution, listExecutions, skipStep, startExecution, transitionExecution } from '../domain/executions.js';
import { executionReport } from '../domain/playbook-report.js';
import { actorOf, callerOf } from './actor.js';
import { textLimits } from '../limits.js';

const playbookKey = z.enum(playbookKeys);
const triggerParams = z.union([
  triggerParamSchemas.health_tier,
  triggerParamSchemas.health_score,
  triggerParamSchemas.health_drop,
  triggerParamSchemas.kpi_threshold,
  triggerParamSchemas.renewal_within,
]);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);

export const playbooksRouter = router({
  /** The five playbooks with purpose, duration, prerequisites, success criteria and steps. */
  catalogue: protectedProcedure.query(() => listPlaybooks()),

  /** Current recommendations, most urgent first, with the thresholds crossed. */
  recommendations: protectedProcedure
    .input(z.strictObject({ ...pageInput, playbookKey: playbookKey.nullish(), accountId: uuid.nullish(), owner: z.union([z.literal('me'), uuid]).nullish() }))
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listRecommendations(ctx.db, callerOf(ctx), filters, { limit, cursor })),

  /** Evaluates every trigger for every account now (uploads evaluate their own accounts). */
  evaluate: protectedProcedure.mutation(({ ctx }) => evaluatePlaybooks(ctx.db, actorOf(ctx), 'all')),

  start: protectedProcedure
    .input(z.strictObject({ accountId: uuid, playbookKey, recommendationId: uuid.nullish() }))
    .mutation(({ ctx, input }) => startExecution(ctx.db, actorOf(ctx), input)),

  byId: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => getExecution(ctx.db, ctx.tenant.id, input.id)),

  list: protectedProcedure
    .input(
      z.strictObject({
        ...pageInput,
        accountId: uuid.nullish(),
        playbookKey: playbookKey.nullish(),
        status: z.enum(['active', 'paused', 'completed', 'cancelled']).nullish(),
      }),
    )
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listExecutions(ctx.db, ctx.tenant.id, filters, { limit, cursor })),

  completeStep: protectedProcedure
    .input(z.strictObject({ executionId: uuid, stepId: uuid, note: requiredText(textLimits.stepNote), outcome: optionalText(textLimits.stepOutcome) }))
    .mutation(({ ctx, input }) => completeStep(ctx.db, actorOf(ctx), input.executionId, input.stepId, input.note, input.outcome)),

  skipStep: protectedProcedure
    .input(z.strictObject({ executionId: uuid, stepId: uuid, reason: requiredText(textLimits.reason) }))
    .mutation(({ ctx, input }) => skipStep(ctx.db, actorOf(ctx), input.executionId, input.stepId, input.reason)),

  pause: protectedProcedure
    .input(z.strictObject({ id: uuid, reason: optionalText(textLimits.reason) }))
    .mutation(({ ctx, input }) => transitionExecution(ctx.db, actorOf(ctx), input.id, 'pause', input.reason)),

  resume: protectedProcedure
    .input(z.strictObject({ id: uuid }))
    .mutation(({ ctx, input }) => transitionExecution(ctx.db, actorOf(ctx), input.id, 'resume', null)),

  cancel: protectedProcedure
    .input(z.strictObject({ id: uuid, reason: requiredText(textLimits.reason) }))
    .mutation(({ ctx, input }) => transitionExecution(ctx.db, actorOf(ctx), input.id, 'cancel', input.reason)),

  complete: protectedProcedure
    .input(z.strictObject({ id: uuid, summary: optionalText(textLimits.summary) }))
    .mutation(({ ctx, input }) => transitionExecution(ctx.db, actorOf(ctx), input.id, 'complete', input.summary)),

  /** Markdown report of a running or finished execution: { filename, markdown }. */
  report: protectedProcedure.input(z.strictObject({ id: uuid })).query(({ ctx, input }) => executionReport(ctx.db, ctx.tenant.id, input.id)),

  triggers: protectedProcedure
    .input(z.strictObject({ ...pageInput, playbookKey: playbookKey.nullish() }))
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listTriggers(ctx.db, ctx.tenant.id, filters, { limit, cursor })),

  /** Admins switch a trigger on or off and change its thresholds (params of the trigger's kind). */
  updateTrigger: adminProcedure
    .input(
      z
        .strictObject({
          id: uuid,
          enabled: z.boolean().optional(),
          createTask: z.boolean().optional(),
          params: triggerParams.optional(),
        })
        .refine((v) => v.enabled !== undefined || v.createTask !== undefined || v.params !== undefined, {
          message: 'Change enabled, createTask or params.',
          path: ['params'],
        }),
    )
    .mutation(({ ctx, input }) => updateTrigger(ctx.db, actorOf(ctx), input.id, input)),

  /**
   * How many accounts the trigger would fire for now, with its thresholds or the given ones
   * (checked against the trigger's kind, so a problem is named by field); changes nothing.
   */
  previewTrigger: adminProcedure
    .input(z.strictObject({ id: uuid, params: z.record(z.string().max(50), z.unknown()).optional() }))
    .query(({ ctx, input }) => previewTrigger(ctx.db, ctx.tenant.id, input.id, input.params)),
});
