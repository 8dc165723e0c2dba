import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import { sessions, withTenant, type Db } from '@pulse/db';
import type { Context } from './context.js';
import { FieldErrors, forbidden, fromDataError, inputErrors, inputProblem, unauthorized } from './errors.js';
import { activityDue } from './session-policy.js';

/** Input problems without a message of their own read as sentences (see inputProblem). */
z.config({ customError: inputProblem });

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const input = cause instanceof ZodError ? inputErrors(cause) : null;
    const fieldErrors = input ? input.fieldErrors : cause instanceof FieldErrors ? cause.fieldErrors : undefined;
    const hideInternals = error.code === 'INTERNAL_SERVER_ERROR' && ctx?.auth.production !== false;
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: hideInternals ? 'Internal server error' : (input?.message ?? shape.message),
      data: {
        ...data,
        ...(fieldErrors ? { fieldErrors } : {}),
        ...(hideInternals || ctx?.auth.production !== false ? {} : { stack: _stack }),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure: errors from the data layer that are the caller's fault become BAD_REQUEST. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  return result.ok ? result : { ...result, error: fromDataError(result.error) };
});

const ROLLBACK = Symbol('rollback');

/**
 * Signed-in calls that read no tenant data (who am I, keep the session alive):
 * UNAUTHORIZED without a live session; activity is recorded at most once a minute.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const { user, tenant, session } = ctx;
  if (!user || !tenant || !session.current) throw unauthorized();
  const now = new Date();
  if (activityDue(ctx.auth.sessionPolicy, session.current.lastSeenAt, now)) {
    await sessions.touchSession(ctx.db, session.current.sid, now);
    session.current.lastSeenAt = now;
  }
  return next({ ctx: { ...ctx, user, tenant } });
});

/**
 * Signed-in calls on tenant data: as authedProcedure, and the call runs in one
 * transaction scoped to the session's tenant (withTenant), rolled back when it fails.
 */
export const protectedProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const run = (db: Db) => next({ ctx: { ...ctx, db } });
  let result: Awaited<ReturnType<typeof run>> | undefined;
  try {
    await withTenant(ctx.db, ctx.tenant.id, async (tx) => {
      result = await run(tx);
      if (!result.ok) throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result as Awaited<ReturnType<typeof run>>;
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw forbidden('Only admins can do this.');
  return next({ ctx });
});
