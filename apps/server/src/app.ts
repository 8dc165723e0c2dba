import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import * as trpcExpress from '@trpc/server/adapters/express';
import type { TRPCError } from '@trpc/server';
import { appRouter, createContext, defaultSessionPolicy, forbidden, getUploadFile, notFound, type AuthSettings, type SessionPolicy } from '@pulse/api';
import { isUuid, migrationsAreCurrent, pingDatabase, withTenant, type Db, type Listen } from '@pulse/db';
import type { Config } from './config.js';
import { KyselySessionStore } from './session-store.js';
import { SessionCache } from './session-cache.js';
import { bearerSessionPort, cookieSettings, expressSessionPort } from './http-session.js';
import { requireTenant, sendError, type ContextResolver } from './refusals.js';
import { corsPolicy, csrfGuard, jsonDepthLimit, refuseDeepJsonBody, usesAuthorization } from './security.js';
import { exportRouter } from './routes/export.js';
import { uploadStreamRouter } from './routes/uploads.js';
import { trpcQueryHandler } from './trpc-queries.js';
import { createLogger, requestLogger, type RequestLogFields } from './logging.js';
import type { Logger } from 'pino';
import { MAX_BATCH_ITEMS, MAX_UPLOAD_BYTES } from '@pulse/api/limits';

/** JSON bodies (every procedure but uploads) are capped at 1 MB; multipart uploads at the upload limit plus form overhead. */
const JSON_LIMIT = '1mb';
const MULTIPART_LIMIT_BYTES = MAX_UPLOAD_BYTES + 64 * 1024;

/** The procedures that start a session. */
const SESSION_STARTERS = new Set(['auth.login', 'auth.register']);

export const HTTPS_REQUIRED =
  'Signing in needs HTTPS: this Pulse runs in production mode, where the session cookie is only sent over a secure connection. ' +
  'Open Pulse at its https:// address (its operator puts a TLS proxy in front and sets TRUST_PROXY).';

export interface AppOptions {
  db: Db;
  config: Config;
  sessionPolicy?: SessionPolicy;
  logger?: Logger;
  /**
   * The database's LISTEN (DatabaseHandle.listen): given, sessions are kept in memory and
   * dropped when the database announces a change (session-cache.ts); absent, every request
   * reads its session from the database.
   */
  listen?: Listen;
  /** Receives the session cache, when there is one (tests and the benchmark read its hits). */
  onSessionCache?: (cache: SessionCache) => void;
  /**
   * GET queries are answered by trpc-queries.ts (true, the default) or, like every other call,
   * by tRPC's own Express adapter (false: the tests that compare the two).
   */
  leanQueries?: boolean;
}

export function createApp({
  db,
  config,
  sessionPolicy = defaultSessionPolicy,
  logger = createLogger(config.logLevel),
  listen,
  onSessionCache,
  leanQueries = true,
}: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogger(logger));

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': config.production ? [] : null,
        },
      },
    }),
  );

  app.get('/api/health', async (_req, res) => {
    const reachable = await pingDatabase(db);
    res
      .status(reachable ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: reachable ? 'ok' : 'error', database: reachable ? 'reachable' : 'unreachable' });
  });

  app.get('/api/ready', async (_req, res) => {
    const reachable = await pingDatabase(db);
    const current = reachable && (await migrationsAreCurrent(db).catch(() => false));
    res
      .status(current ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: current ? 'ready' : 'not ready', database: reachable ? 'reachable' : 'unreachable', migrations: current ? 'current' : 'pending' });
  });

  const cookie = cookieSettings(config.production);
  const auth: AuthSettings = { bcryptCost: config.bcryptCost, sessionPolicy, production: config.production, tokenKey: config.tokenKey };
  const cache = listen ? new SessionCache(listen, logger) : undefined;
  if (cache) onSessionCache?.(cache);
  const sessions = session({
    name: cookie.name,
    secret: config.sessionSecrets,
    store: new KyselySessionStore(db, sessionPolicy, cache),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    proxy: config.trustProxy > 0,
    cookie: { httpOnly: true, sameSite: 'strict', secure: cookie.secure, path: '/' },
  });

  app.use(
    '/api',
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
    corsPolicy(config.allowedOrigins),
    csrfGuard(config.allowedOrigins),
    (req, res, next) => (usesAuthorization(req) ? next() : sessions(req, res, next)),
  );

  const contextFor: ContextResolver = async (req, res) => {
    const log = res.locals.log as RequestLogFields;
    const bearer = usesAuthorization(req);
    const ctx = await createContext({
      db,
      auth,
      session: bearer ? bearerSessionPort() : expressSessionPort(req, res, sessionPolicy, cookie),
      authorization: bearer ? req.get('authorization') : undefined,
      ip: req.ip ?? null,
      requestId: log.requestId,
      setHeader: (name, value) => res.set(name, value),
    });
    if (ctx.tenant) log.tenantId = ctx.tenant.id;
    if (ctx.user) log.userId = ctx.user.id;
    return ctx;
  };

  app.get('/api/uploads/:id/file', async (req, res, next) => {
    const missing = notFound('Upload');
    try {
      const caller = await requireTenant(req, res, contextFor);
      if (!caller) return;
      const tenantId = caller.tenant.id;
      if (!isUuid(String(req.params.id))) return void sendError(res, missing);
      const file = await withTenant(db, tenantId, (tx) => getUploadFile(tx, tenantId, String(req.params.id)));
      // Never the type the uploader declared: served from Pulse's origin, a file sent as
      // application/javascript or text/html would otherwise run as script or page here.
      res
        .status(200)
        .set('Content-Type', 'application/octet-stream')
        .set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .set('X-Content-Type-Options', 'nosniff')
        .set('Content-Security-Policy', "default-src 'none'; sandbox")
        .send(Buffer.from(file.content));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'NOT_FOUND') return void sendError(res, missing);
      next(error);
    }
  });

  const onError = ({ error, path: procedure }: { error: TRPCError; path?: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, procedure }, 'procedure failed');
  };
  app.use(
    '/api/trpc',
    jsonDepthLimit.query,
    ...(leanQueries ? [trpcQueryHandler({ router: appRouter, createContext: contextFor, maxBatchSize: MAX_BATCH_ITEMS, onError })] : []),
    express.json({ limit: JSON_LIMIT, verify: refuseDeepJsonBody }),
    jsonDepthLimit.answer,
    (req: Request, _res: Response, next: NextFunction) => {
      // Let tRPC stream multipart bodies itself (it reads req only when no parsed body is present).
      if (req.body === undefined) delete (req as { body?: unknown }).body;
      next();
    },
    trpcExpress.createExpressMiddleware({
      router: appRouter,
      maxBodySize: MULTIPART_LIMIT_BYTES,
      maxBatchSize: MAX_BATCH_ITEMS,
      createContext: async ({ req, res }) => {
        // In production the cookie is Secure: over plain HTTP a sign-in would "succeed" without a session.
        if (
          cookie.secure &&
          !req.secure &&
          req.path
            .slice(1)
            .split(',')
            .some((p) => SESSION_STARTERS.has(p))
        )
          throw forbidden(HTTPS_REQUIRED);
        return contextFor(req, res);
      },
      onError,
    }),
  );

  app.use(exportRouter({ db, contextFor }));
  app.use(uploadStreamRouter({ contextFor }));

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });

  if (fs.existsSync(path.join(config.webDist, 'index.html'))) {
    app.use(express.static(config.webDist, { index: false, maxAge: '1h' }));
    app.get(/.*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(config.webDist, 'index.html'));
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === 'object' && err && 'status' in err ? Number((err as { status: number }).status) : 500;
    if (status >= 500) logger.error({ err }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'Internal server error' : 'Bad request' });
  });

  return app;
}
