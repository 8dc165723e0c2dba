import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../trpc.js';
import { currentUser, login, logout, register } from '../domain/sign-in.js';
import { email, name, password } from '../validation.js';
import { textLimits } from '../limits.js';

export const authRouter = router({
  register: publicProcedure
    .input(z.strictObject({ organisationName: name(), name: name(), email, password }))
    .mutation(({ ctx, input }) => register(ctx, input)),

  login: publicProcedure
    .input(
      z.strictObject({
        email: z.string().trim().toLowerCase().max(textLimits.email),
        password: z.string().max(textLimits.password),
        rememberMe: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) => login(ctx, input)),

  /** Idempotent: signed-out callers get the same answer. */
  logout: publicProcedure.mutation(({ ctx }) => logout(ctx)),

  me: authedProcedure.query(({ ctx }) => currentUser(ctx)),
});
