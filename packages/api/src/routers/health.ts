import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { period, uuid } from '../validation.js';
import { accountHealth, explainHealth, healthTrend, healthTrends, productHealth } from '../domain/health.js';
import { bookPortfolioSummary } from '../domain/portfolio.js';
import { callerOf } from './actor.js';

export const healthRouter = router({
  account: protectedProcedure
    .input(z.strictObject({ accountId: uuid, period: period.nullish() }))
    .query(({ ctx, input }) => accountHealth(ctx.db, ctx.tenant.id, input.accountId, input.period)),

  explain: protectedProcedure
    .input(z.strictObject({ accountId: uuid, period: period.nullish() }))
    .query(({ ctx, input }) => explainHealth(ctx.db, ctx.tenant.id, input.accountId, input.period)),

  products: protectedProcedure
    .input(z.strictObject({ accountId: uuid, period: period.nullish() }))
    .query(({ ctx, input }) => productHealth(ctx.db, ctx.tenant.id, input.accountId, input.period)),

  /** The portfolio; `owner` ('me', a user's id, or null for everyone's) narrows it to one book. */
  summary: protectedProcedure
    .input(z.strictObject({ owner: z.union([z.literal('me'), uuid]).nullish() }).optional())
    .query(({ ctx, input }) => bookPortfolioSummary(ctx.db, callerOf(ctx), input?.owner)),

  trend: protectedProcedure
    .input(z.strictObject({ accountId: uuid, periods: z.number().int().min(1).max(120).default(12) }))
    .query(({ ctx, input }) => healthTrend(ctx.db, ctx.tenant.id, input.accountId, input.periods)),

  /** The trends of a page of accounts (at most 100) in one call and one statement. */
  trends: protectedProcedure
    .input(z.strictObject({ accountIds: z.array(uuid).min(1).max(100), periods: z.number().int().min(1).max(120).default(12) }))
    .query(({ ctx, input }) => healthTrends(ctx.db, ctx.tenant.id, input.accountIds, input.periods)),
});
