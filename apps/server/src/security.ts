import type { NextFunction, Request, Response } from 'express';

/** Procedures that take multipart/form-data (file uploads); every other call must be JSON. */
const MULTIPART_PATHS = new Set(['/trpc/uploads.create', '/trpc/accounts.importProfiles']);

export const CLIENT_HEADER = 'x-pulse-client';

function selfOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

function originAllowed(origin: string, req: Request, allowed: readonly string[]): boolean {
  return origin !== 'null' && (origin === selfOrigin(req) || allowed.includes(origin));
}

function forbidden(res: Response, message: string): void {
  res.status(403).json({ error: { message, code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } });
}

/**
 * CORS for the API: only exact origins from the allow-list get CORS headers (with
 * credentials); never a wildcard or a reflected arbitrary origin. Preflights from other
 * origins are refused.
 */
export function corsPolicy(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    const listed = origin !== undefined && allowed.includes(origin);
    if (listed) {
      res.vary('Origin');
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!listed) {
      res.status(403).end();
      return;
    }
    res.set('Access-Control-Allow-Methods', 'GET, POST');
    res.set('Access-Control-Allow-Headers', `content-type, ${CLIENT_HEADER}, trpc-accept`);
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/**
 * Whether the request authenticates with an Authorization header (an API token) instead of
 * the session cookie. Such a request never uses the session, and a cross-site page cannot
 * send the header: a browser needs a preflight for it, which corsPolicy refuses.
 */
export function usesAuthorization(req: Request): boolean {
  return req.get('authorization') !== undefined;
}

/**
 * CSRF defence for every state-changing request under /api: it must carry the client
 * header (which a cross-site form cannot set), an Origin from the allow-list or the
 * server's own origin when the browser sends one (non-browser clients send none), and a
 * JSON body (multipart only for uploads). Anything else is FORBIDDEN before the session
 * or any procedure is touched. Bearer requests need none of this: no cookies are involved.
 */
export function csrfGuard(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || usesAuthorization(req)) return next();
    const origin = req.get('origin');
    if (origin !== undefined && !originAllowed(origin, req, allowed)) return forbidden(res, 'Cross-origin request refused.');
    if (!req.get(CLIENT_HEADER)) return forbidden(res, `Missing the ${CLIENT_HEADER} header.`);
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const ok = type === 'application/json' || (type === 'multipart/form-data' && MULTIPART_PATHS.has(req.path));
    if (!ok) return forbidden(res, 'Unsupported content type for this request.');
    next();
  };
}
