import { router } from './trpc.js';
import { authRouter } from './routers/auth.js';
import { sessionRouter } from './routers/session.js';
import { accountsRouter } from './routers/accounts.js';
import { uploadsRouter } from './routers/uploads.js';
import { kpisRouter } from './routers/kpis.js';
import { healthRouter } from './routers/health.js';
import { rangesRouter } from './routers/ranges.js';
import { playbooksRouter } from './routers/playbooks.js';
import { activityRouter } from './routers/activity.js';
import { usersRouter } from './routers/users.js';
import { tasksRouter } from './routers/tasks.js';
import { renewalsRouter } from './routers/renewals.js';
import { tokensRouter } from './routers/tokens.js';
import { jobsRouter } from './routers/jobs.js';
import { webhooksRouter } from './routers/webhooks.js';
import { notificationsRouter } from './routers/notifications.js';
import { notesRouter } from './routers/notes.js';
import { timelineRouter } from './routers/timeline.js';
import { sentimentRouter } from './routers/sentiment.js';
import { reportsRouter } from './routers/reports.js';
import { viewsRouter } from './routers/views.js';
import { recomputeRouter } from './routers/recompute.js';
import { segmentsRouter } from './routers/segments.js';

export const appRouter = router({
  auth: authRouter,
  session: sessionRouter,
  accounts: accountsRouter,
  uploads: uploadsRouter,
  kpis: kpisRouter,
  health: healthRouter,
  ranges: rangesRouter,
  playbooks: playbooksRouter,
  activity: activityRouter,
  users: usersRouter,
  tasks: tasksRouter,
  renewals: renewalsRouter,
  tokens: tokensRouter,
  jobs: jobsRouter,
  webhooks: webhooksRouter,
  notifications: notificationsRouter,
  notes: notesRouter,
  timeline: timelineRouter,
  sentiment: sentimentRouter,
  reports: reportsRouter,
  views: viewsRouter,
  recompute: recomputeRouter,
  segments: segmentsRouter,
});

export type AppRouter = typeof appRouter;
