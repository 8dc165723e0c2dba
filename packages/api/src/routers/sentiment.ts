import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { pageInput, period, uuid } from '../validation.js';
import { textLimits } from '../limits.js';
import { sentimentColours, sentimentHistory, setSentiment, type SentimentColour } from '../domain/sentiment.js';
import { actorOf } from './actor.js';

const VALUE_MESSAGE = 'Choose 1 to 5, or red, amber or green.';

/** 1 (red) to 5 (green), or the colour itself. */
const value = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : sentimentColours[v.trim().toLowerCase() as SentimentColour];
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 5) {
    ctx.addIssue({ code: 'custom', message: VALUE_MESSAGE });
    return z.NEVER;
  }
  return n;
});

export const sentimentRouter = router({
  /** The owner's (or an admin's) sentiment for an account and period; recomputes that period's health. */
  set: protectedProcedure
    .input(
      z.strictObject({
        accountId: uuid,
        period,
        value,
        comment: z.string().trim().min(1, { message: 'Say why: a comment is required.' }).max(textLimits.sentimentComment),
      }),
    )
    .mutation(({ ctx, input }) => setSentiment(ctx.db, { ...actorOf(ctx), userId: ctx.user.id, role: ctx.user.role }, input)),

  /** Every sentiment entry of an account (who, when, value, previous value, comment), newest first. */
  history: protectedProcedure
    .input(z.strictObject({ ...pageInput, accountId: uuid }))
    .query(({ ctx, input }) => sentimentHistory(ctx.db, ctx.tenant.id, input.accountId, { limit: input.limit, cursor: input.cursor })),
});
