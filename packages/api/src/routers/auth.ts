import { z } from 'zod';
import { users, withTenant } from '@pulse/db';
import { authedProcedure, publicProcedure, router } from '../trpc.js';
import { unauthorized } from '../errors.js';
import { clearAttempts, loginRules, registrationRule, releaseAttempt, reserveAttempt } from '../domain/throttle.js';
import { registerTenant } from '../domain/tenants.js';
import { recordActivity } from '../domain/activity.js';
import { recordFailedLogin } from '../domain/users.js';
import { email, name, password } from '../validation.js';
import { sessionStatus } from './session.js';
import { textLimits } from '../limits.js';

const INVALID_LOGIN = 'Invalid email or password.';

export const authRouter = router({
  register: publicProcedure
    .input(z.strictObject({ organisationName: name(), name: name(), email, password }))
    .mutation(async ({ ctx, input }) => {
      await reserveAttempt(ctx.db, [registrationRule(ctx.ip)], { reason: 'Too many registrations from this address.', setHeader: ctx.setHeader });
      const { user, tenant } = await registerTenant(ctx.db, input, ctx.auth.bcryptCost, ctx.ip);
      return sessionStatus(await ctx.session.start({ user, tenant, rememberMe: false }), ctx);
    }),

  login: publicProcedure
    .input(
      z.strictObject({
        email: z.string().trim().toLowerCase().max(textLimits.email),
        password: z.string().max(textLimits.password),
        rememberMe: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const rules = loginRules(input.email, ctx.ip);
      await reserveAttempt(ctx.db, [rules.accountAndIp, rules.account, rules.ip], {
        reason: 'Too many failed sign-in attempts.',
        setHeader: ctx.setHeader,
      });
      const user = await users.verifyCredentials(ctx.db, input.email, input.password, ctx.auth.bcryptCost);
      if (!user) {
        await recordFailedLogin(ctx.db, input.email, ctx.ip);
        throw unauthorized(INVALID_LOGIN);
      }
      await clearAttempts(ctx.db, [rules.accountAndIp.key, rules.account.key]);
      await releaseAttempt(ctx.db, rules.ip);
      const found = await withTenant(ctx.db, user.tenantId, async (tx) => {
        await users.recordLogin(tx, user, new Date());
        await recordActivity(tx, {
          tenantId: user.tenantId,
          userId: user.id,
          action: 'auth.login',
          resourceType: 'user',
          resourceId: user.id,
          after: { rememberMe: input.rememberMe },
          ip: ctx.ip,
        });
        return users.findUserWithTenant(tx, user.tenantId, user.id);
      });
      if (!found) throw unauthorized(INVALID_LOGIN);
      return sessionStatus(await ctx.session.start({ ...found, rememberMe: input.rememberMe }), ctx);
    }),

  /** Idempotent: signed-out callers get the same answer. Runs outside a tenant transaction
   * because destroying the session uses the store's own connection. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const { user, tenant } = ctx;
    if (user && tenant && !ctx.token) {
      await withTenant(ctx.db, tenant.id, (tx) =>
        recordActivity(tx, {
          tenantId: tenant.id,
          userId: user.id,
          action: 'auth.logout',
          resourceType: 'user',
          resourceId: user.id,
          ip: ctx.ip,
        }),
      );
    }
    if (ctx.session.current) await ctx.session.end();
    return { signedIn: false as const };
  }),

  me: authedProcedure.query(({ ctx }) => ({
    id: ctx.user.id,
    name: ctx.user.name,
    email: ctx.user.email,
    role: ctx.user.role,
    lastLoginAt: ctx.user.lastLoginAt,
    tenant: ctx.tenant,
  })),
});
