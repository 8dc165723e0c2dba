import { router } from './trpc.js';
import { authRouter } from './routers/auth.js';
import { sessionRouter } from './routers/session.js';
import { accountsRouter } from './routers/accounts.js';
import { uploadsRouter } from './routers/uploads.js';
import { kpisRouter } from './routers/kpis.js';
import { healthRouter } from './routers/health.js';
import { rangesRouter } from './routers/ranges.js';

export const appRouter = router({
  auth: authRouter,
  session: sessionRouter,
  accounts: accountsRouter,
  uploads: uploadsRouter,
  kpis: kpisRouter,
  health: healthRouter,
  ranges: rangesRouter,
});

export type AppRouter = typeof appRouter;
