import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.js';
import { pageInput, period, uuid } from '../validation.js';
import { textLimits } from '../limits.js';
import { sentimentColours, sentimentHistory, setSentiment, type SentimentColour } from '../domain/sentiment.js';
import { actorOf } from './actor.js';

const colours = Object.keys(sentimentColours) as [SentimentColour, ...SentimentColour[]];

/** 1 (red) to 5 (green), or the colour itself. */
const value = z.union([z.number().int().min(1).max(5), z.enum(colours)], {
  message: 'Choose 1 to 5, or red, amber or green.',
}).transform((v) => (typeof v === 'number' ? v : sentimentColours[v]));

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
