import { promisify } from 'node:util';
import type { Request, Response } from 'express';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Context, CurrentSession, SessionPolicy, SessionPort } from '@pulse/api';
import { absoluteExpiry, forbidden } from '@pulse/api';

export interface CookieSettings {
  name: string;
  secure: boolean;
}

export function cookieSettings(production: boolean): CookieSettings {
  return production ? { name: '__Host-pulse.sid', secure: true } : { name: 'pulse.sid', secure: false };
}

function currentFrom(req: Request, owner = req.session?.owner): CurrentSession | null {
  const s = req.session;
  if (!s?.userId || !s.tenantId || !s.createdAt || !s.expiresAt || !owner) return null;
  return {
    sid: req.sessionID,
    user: owner.user,
    tenant: owner.tenant,
    rememberMe: s.rememberMe === true,
    createdAt: new Date(s.createdAt),
    lastSeenAt: new Date(s.lastSeenAt ?? s.createdAt),
    expiresAt: new Date(s.expiresAt),
  };
}

const REMEMBER_ME_COOKIE_MS = 7 * 24 * 60 * 60 * 1000;

/** The SessionPort the API uses, backed by express-session on this request. */
export function expressSessionPort(req: Request, res: Response, policy: SessionPolicy, cookie: CookieSettings): SessionPort {
  const port: SessionPort = {
    current: currentFrom(req),
    async start({ user, tenant, rememberMe }) {
      await promisify(req.session.regenerate.bind(req.session))();
      const createdAt = new Date();
      req.session.userId = user.id;
      req.session.tenantId = tenant.id;
      req.session.rememberMe = rememberMe;
      req.session.createdAt = createdAt.toISOString();
      req.session.expiresAt = absoluteExpiry(policy, createdAt, rememberMe).toISOString();
      if (rememberMe) req.session.cookie.maxAge = REMEMBER_ME_COOKIE_MS;
      req.session.creating = true;
      await promisify(req.session.save.bind(req.session))();
      delete req.session.creating;
      port.current = currentFrom(req, { user, tenant });
      return port.current as CurrentSession;
    },
    async end() {
      port.current = null;
      if (req.session) {
        await promisify(req.session.destroy.bind(req.session))();
      }
      res.clearCookie(cookie.name, { path: '/', httpOnly: true, secure: cookie.secure, sameSite: 'strict' });
    },
  };
  return port;
}

/**
 * The SessionPort of a request that authenticates with `Authorization: Bearer`: no session
 * is read or written (no cookies are involved), so signing in through it is refused.
 */
export function bearerSessionPort(): SessionPort {
  return {
    current: null,
    start: () => Promise.reject(forbidden('Sign in without an Authorization header: API tokens do not open sessions.')),
    end: () => Promise.resolve(),
  };
}

/** The answer of a route outside tRPC to a caller without a session or a valid API token. */
export function refuse(res: Response, ctx: Context): void {
  const error = ctx.refusal;
  res.status(error ? getHTTPStatusCodeFromError(error) : 401).json({ error: error?.message ?? 'Please sign in.' });
}
