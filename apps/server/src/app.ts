import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import * as trpcExpress from '@trpc/server/adapters/express';
import { appRouter, createContext, defaultSessionPolicy, type AuthSettings, type SessionPolicy } from '@pulse/api';
import { pingDatabase, type Db } from '@pulse/db';
import type { Config } from './config.js';
import { KyselySessionStore } from './session-store.js';
import { cookieSettings, expressSessionPort } from './http-session.js';

export interface AppOptions {
  db: Db;
  config: Config;
  sessionPolicy?: SessionPolicy;
}

export function createApp({ db, config, sessionPolicy = defaultSessionPolicy }: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

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

  const cookie = cookieSettings(config.production);
  const auth: AuthSettings = { bcryptCost: config.bcryptCost, sessionPolicy, production: config.production };

  app.use(
    '/api',
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
    session({
      name: cookie.name,
      secret: config.sessionSecrets,
      store: new KyselySessionStore(db, sessionPolicy),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      unset: 'destroy',
      proxy: config.trustProxy > 0,
      cookie: { httpOnly: true, sameSite: 'strict', secure: cookie.secure, path: '/' },
    }),
  );

  app.use(
    '/api/trpc',
    express.json({ limit: '1mb' }),
    trpcExpress.createExpressMiddleware({
      router: appRouter,
      createContext: ({ req, res }) =>
        createContext({
          db,
          auth,
          session: expressSessionPort(req, res, sessionPolicy, cookie),
          ip: req.ip ?? null,
          requestId: randomUUID(),
        }),
      onError: ({ error, path: procedure }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${procedure ?? '?'}:`, error.cause ?? error);
      },
    }),
  );

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
    if (status >= 500) console.error('[http]', err);
    res.status(status).json({ error: status >= 500 ? 'Internal server error' : 'Bad request' });
  });

  return app;
}
