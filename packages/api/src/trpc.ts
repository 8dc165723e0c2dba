import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import { sessions, withTenant, type Db } from '@pulse/db';
import type { Context, CurrentSession, SessionPort } from './context.js';
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

/** Thrown inside withTenant to roll back a failed call's transaction; caught right after it. */
class RolledBack extends Error {}

/**
 * The caller of a signed-in call, or the refusal: UNAUTHORIZED without a live session or API
 * token; activity is recorded at most once a minute. A token scoped `read` may only make
 * queries. Also used by the HTTP routes that are not procedures (the streamed upload).
 */
export async function signedIn(ctx: Context, type: 'query' | 'mutation' | 'subscription') {
  const { user, tenant, session, token } = ctx;
  if (ctx.refusal) throw ctx.refusal;
  if (!user || !tenant) throw unauthorized();
  if (token) {
    if (token.scope === 'read' && type !== 'query') throw forbidden('This API token can only read: create a read-write token to change data.');
    return { ...ctx, user, tenant };
  }
  if (!session.current) throw unauthorized();
  const now = new Date();
  if (activityDue(ctx.auth.sessionPolicy, session.current.lastSeenAt, now)) {
    await sessions.touchSession(ctx.db, session.current.sid, now);
    session.current.lastSeenAt = now;
  }
  return { ...ctx, user, tenant };
}

/** Signed-in calls that read no tenant data (who am I, keep the session alive): see signedIn. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next, type }) => next({ ctx: await signedIn(ctx, type) }));

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
      if (!result.ok) throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  return result as Awaited<ReturnType<typeof run>>;
});

const adminOnly = t.middleware(({ ctx, next }) => {
  if (ctx.user?.role !== 'admin') throw forbidden('Only admins can do this.');
  return next();
});

export const adminProcedure = protectedProcedure.use(adminOnly);

/**
 * Admins, without the tenant transaction: for imports that read their file (in a worker
 * thread) first and then open withTenant themselves to save it.
 */
export const adminAuthedProcedure = authedProcedure.use(adminOnly);

/** A session port with a signed-in session. */
function isLive(session: SessionPort): session is SessionPort & { current: CurrentSession } {
  return session.current !== null;
}

/**
 * What only a person in a browser session may do (password, tokens, users): API tokens are
 * refused, and the procedure sees `ctx.session.current` as present.
 */
const sessionOnly = t.middleware(({ ctx, next }) => {
  if (ctx.token) throw forbidden('API tokens cannot do this: sign in to Pulse as a person.');
  const { session } = ctx;
  if (!isLive(session)) throw unauthorized();
  return next({ ctx: { session } });
});

export const sessionAuthedProcedure = authedProcedure.use(sessionOnly);
export const sessionProtectedProcedure = protectedProcedure.use(sessionOnly);
export const sessionAdminProcedure = adminProcedure.use(sessionOnly);
