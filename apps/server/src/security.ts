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
 * Fetch metadata: browsers say where a request comes from in `Sec-Fetch-Site`
 * (same-origin, same-site, none for a user-typed address, cross-site). A cross-site
 * request is refused unless its Origin is one the operator listed in ALLOWED_ORIGINS
 * (a dashboard on another site sends exactly that). Clients that send no such header
 * (older browsers, the CLI) are judged by the other checks alone.
 */
function crossSiteRefused(req: Request, allowed: readonly string[]): boolean {
  if (req.get('sec-fetch-site')?.trim().toLowerCase() !== 'cross-site') return false;
  const origin = req.get('origin');
  return origin === undefined || !allowed.includes(origin);
}

/**
 * CSRF defence for every state-changing request under /api: it must not be a cross-site
 * request by the browser's own account (Sec-Fetch-Site) unless from a listed origin,
 * carry the client header (which a cross-site form cannot set), an Origin from the
 * allow-list or the server's own origin when the browser sends one (non-browser clients
 * send none), and a JSON body (multipart only for uploads). Anything else is FORBIDDEN
 * before the session or any procedure is touched.
 */
export function csrfGuard(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    if (crossSiteRefused(req, allowed)) return forbidden(res, 'Cross-site request refused.');
    const origin = req.get('origin');
    if (origin !== undefined && !originAllowed(origin, req, allowed)) return forbidden(res, 'Cross-origin request refused.');
    if (!req.get(CLIENT_HEADER)) return forbidden(res, `Missing the ${CLIENT_HEADER} header.`);
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const ok = type === 'application/json' || (type === 'multipart/form-data' && MULTIPART_PATHS.has(req.path));
    if (!ok) return forbidden(res, 'Unsupported content type for this request.');
    next();
  };
}
