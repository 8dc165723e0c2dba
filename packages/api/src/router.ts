import { router } from './trpc.js';
import { authRouter } from './routers/auth.js';
import { sessionRouter } from './routers/session.js';

export const appRouter = router({
  auth: authRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
