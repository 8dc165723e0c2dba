import { sessions, type PublicUser } from '@pulse/db';
import type { Context, CurrentSession, Tenant } from '../context.js';
import { publicProcedure, router, sessionAuthedProcedure } from '../trpc.js';
import { idleExpiry } from '../session-policy.js';

export type SessionStatus =
  | { signedIn: false }
  | {
      signedIn: true;
      user: { id: string; name: string; email: string; role: PublicUser['role'] };
      tenant: Tenant;
      rememberMe: boolean;
      idleExpiresAt: Date;
      absoluteExpiresAt: Date;
    };

export function sessionStatus(current: CurrentSession | null, ctx: Pick<Context, 'auth'>): SessionStatus {
  if (!current?.user.active) return { signedIn: false };
  const { id, name, email, role } = current.user;
  return {
    signedIn: true,
    user: { id, name, email, role },
    tenant: current.tenant,
    rememberMe: current.rememberMe,
    idleExpiresAt: idleExpiry(ctx.auth.sessionPolicy, current),
    absoluteExpiresAt: current.expiresAt,
  };
}

export const sessionRouter = router({
  /** Public and read-only: polling it never counts as activity. */
  status: publicProcedure.query(({ ctx }) => sessionStatus(ctx.session.current, ctx)),

  /** Counts as activity now; never extends past the absolute limit. */
  refresh: sessionAuthedProcedure.mutation(async ({ ctx }) => {
    const { current } = ctx.session;
    const now = new Date();
    await sessions.touchSession(ctx.db, current.sid, now);
    current.lastSeenAt = now;
    return sessionStatus(current, ctx);
  }),
});
