import type { NextFunction, Request, Response } from 'express';
import { badRequest, forbidden as forbiddenError } from '@pulse/api';
import { CLIENT_HEADER } from '@pulse/api/limits';
import { sendError } from './refusals.js';

/** Procedures that take multipart/form-data (file uploads); every other call must be JSON. */
const MULTIPART_PATHS = new Set(['/trpc/uploads.create', '/trpc/accounts.importProfiles']);
/** The streamed upload's body is the file itself, sent as application/octet-stream (never a type a plain form can send). */
const STREAM_PATH = '/uploads/stream';

function selfOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

function originAllowed(origin: string, req: Request, allowed: readonly string[]): boolean {
  return origin !== 'null' && (origin === selfOrigin(req) || allowed.includes(origin));
}

/** Requests refused before tRPC sees them are answered in tRPC's error shape. */
function forbidden(res: Response, message: string): void {
  sendError(res, forbiddenError(message));
}

/** No procedure input nests deeper than a few levels; deeper JSON only exhausts the stack. */
export const MAX_JSON_DEPTH = 64;
const TOO_DEEP = `The request is nested too deeply (more than ${MAX_JSON_DEPTH} levels of brackets).`;

/**
 * Whether JSON text nests arrays and objects deeper than the limit, found by scanning the
 * bytes without parsing (brackets inside strings do not count). UTF-8 continuation bytes
 * are never ASCII, so the raw bytes can be scanned as they arrive.
 */
function nestedTooDeep(bytes: Uint8Array): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

class NestingTooDeep extends Error {
  readonly status = 400;
}

/** express.json's verify hook: a body nested too deeply is refused before it is parsed. */
export function refuseDeepJsonBody(_req: Request, _res: Response, body: Buffer): void {
  if (nestedTooDeep(body)) throw new NestingTooDeep(TOO_DEEP);
}

/**
 * The same limit for GET inputs (`?input=`), and the answer for bodies refused by
 * refuseDeepJsonBody: 400 with the sentence, before tRPC parses anything.
 */
export const jsonDepthLimit = {
  query: (req: Request, res: Response, next: NextFunction): void => {
    const input = req.query.input;
    const texts = Array.isArray(input) ? input : [input];
    if (texts.some((t) => typeof t === 'string' && nestedTooDeep(Buffer.from(t)))) return sendError(res, badRequest(TOO_DEEP));
    next();
  },
  answer: (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (err instanceof NestingTooDeep) return sendError(res, badRequest(err.message));
    next(err);
  },
};

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
    res.set('Access-Control-Allow-Headers', `content-type, ${CLIENT_HEADER.name}, trpc-accept`);
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
 * send none), and a JSON body (multipart only for uploads, the file's bytes only for the streamed upload). Anything else is FORBIDDEN
 * before the session or any procedure is touched. Bearer requests need none of this: no
 * cookies are involved.
 */
export function csrfGuard(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || usesAuthorization(req)) return next();
    if (crossSiteRefused(req, allowed)) return forbidden(res, 'Cross-site request refused.');
    const origin = req.get('origin');
    if (origin !== undefined && !originAllowed(origin, req, allowed)) return forbidden(res, 'Cross-origin request refused.');
    if (!req.get(CLIENT_HEADER.name)) return forbidden(res, `Missing the ${CLIENT_HEADER.name} header.`);
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const ok =
      type === 'application/json' ||
      (type === 'multipart/form-data' && MULTIPART_PATHS.has(req.path)) ||
      (type === 'application/octet-stream' && req.path === STREAM_PATH);
    if (!ok) return forbidden(res, 'Unsupported content type for this request.');
    next();
  };
}
