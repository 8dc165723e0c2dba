import { z } from 'zod';
import { router, sessionProtectedProcedure } from '../trpc.js';
import { getPreferences, updatePreferences } from '../domain/email.js';

/** The signed-in user's own email choices (both on until they turn one off). */
export const notificationsRouter = router({
  preferences: sessionProtectedProcedure.query(({ ctx }) => getPreferences(ctx.db, ctx.tenant.id, ctx.user.id)),

  updatePreferences: sessionProtectedProcedure
    .input(z.strictObject({ dailyDigest: z.boolean().optional(), criticalAlerts: z.boolean().optional() }))
    .mutation(({ ctx, input }) => updatePreferences(ctx.db, ctx.tenant.id, ctx.user.id, input)),
});
