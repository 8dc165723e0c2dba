import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { pageInput, uuid } from '../validation.js';
import { listBookRenewals, listOutcomes, recordOutcome, renewalWindows } from '../domain/renewals.js';
import { actorOf, callerOf } from './actor.js';
import { renewalOutcomes } from '@pulse/db';

const withinDays = z.union(renewalWindows.map((d) => z.literal(d)) as [z.ZodLiteral<30>, z.ZodLiteral<60>, z.ZodLiteral<90>, z.ZodLiteral<120>], {
  message: 'Choose 30, 60, 90 or 120 days.',
});

export const renewalsRouter = router({
  /** Accounts renewing within the window, earliest first; past renewal dates without an outcome are flagged overdue. */
  list: protectedProcedure
    .input(
      z.strictObject({ ...pageInput, withinDays: withinDays.default(30), overdue: z.boolean().nullish(), owner: z.union([z.literal('me'), uuid]).nullish() }),
    )
    .query(({ ctx, input: { limit, cursor, ...filters } }) => listBookRenewals(ctx.db, callerOf(ctx), filters, { limit, cursor })),

  recordOutcome: protectedProcedure
    .input(
      z.strictObject({
        accountId: uuid,
        outcome: z.enum(renewalOutcomes),
        amount: z.number().finite().min(0).max(1e15).nullish(),
        reason: z
          .string()
          .trim()
          .max(2000)
          .nullish()
          .transform((v) => v || null),
        nextRenewalDate: z.iso.date({ message: 'Use the form YYYY-MM-DD.' }).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => recordOutcome(ctx.db, actorOf(ctx), input)),

  /** The account's renewal outcomes, newest first. */
  history: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid }))
    .query(({ ctx, input }) => listOutcomes(ctx.db, ctx.tenant.id, input.accountId, { limit: input.limit, cursor: input.cursor })),
});
