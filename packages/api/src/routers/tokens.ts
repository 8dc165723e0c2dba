import { z } from 'zod';
import { router, sessionAdminProcedure } from '../trpc.js';
import { name, pageInput, uuid } from '../validation.js';
import { createToken, listTokens, revokeToken } from '../domain/tokens.js';
import { actorOf } from './actor.js';

const expiresAt = z.coerce
  .date({ message: 'Give the expiry as a date and time.' })
  .refine((d) => d.getTime() > Date.now(), { message: 'The expiry must be in the future.' });

/** API tokens for data feeds: admins only, and only from a signed-in session (never with a token). */
export const tokensRouter = router({
  /** The secret is in this answer only; Pulse keeps a keyed hash of it. */
  create: sessionAdminProcedure
    .input(z.strictObject({ name: name(), scope: z.enum(['read', 'read-write']), expiresAt: expiresAt.nullish() }))
    .mutation(({ ctx, input }) => createToken(ctx.db, { ...actorOf(ctx), userId: ctx.user.id }, ctx.auth.tokenKey, input)),

  /** The organisation's tokens, newest first, with who created them and when each was last used. */
  list: sessionAdminProcedure.input(z.strictObject({ ...pageInput })).query(({ ctx, input }) => listTokens(ctx.db, ctx.tenant.id, input)),

  revoke: sessionAdminProcedure.input(z.strictObject({ id: uuid })).mutation(({ ctx, input }) => revokeToken(ctx.db, actorOf(ctx), input.id)),
});
