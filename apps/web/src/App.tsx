import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiProvider } from './api.js';
import { AppShell } from './components/AppShell.js';
import { ErrorState, LoadingState } from './components/states.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { AccountsPage } from './pages/AccountsPage.js';
import { ExecutionPage } from './pages/ExecutionPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotAllowedPage } from './pages/NotAllowedPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { PasswordPage } from './pages/PasswordPage.js';
import { EmailPage } from './pages/EmailPage.js';
import { PlaybooksPage } from './pages/PlaybooksPage.js';
import { RangesPage } from './pages/RangesPage.js';
import { RegisterPage } from './pages/RegisterPage.js';
import { RenewalsPage } from './pages/RenewalsPage.js';
import { ChurnReportPage } from './pages/ChurnReportPage.js';
import { TasksPage } from './pages/TasksPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { UploadPage } from './pages/UploadPage.js';
import { UsersPage } from './pages/UsersPage.js';
import { NotesPage } from './pages/NotesPage.js';
import { AutomationPage } from './pages/AutomationPage.js';
import { TriggersPage } from './pages/TriggersPage.js';
import { SegmentsPage } from './pages/SegmentsPage.js';
import { Redirect, useLocation } from './router.js';
import { matchRoute, type AppRoute, type RoutePath } from './routes.js';
import { endSession, safeNext, useSessionStatus } from './session.js';
import type { SignedInSession } from './trpc.js';

/** The two screens with charts load with their own chunk (charting is most of the bundle). */
const DashboardPage = lazy(() => import('./pages/DashboardPage.js').then((module) => ({ default: module.DashboardPage })));
const AccountDetailPage = lazy(() => import('./pages/AccountDetailPage.js').then((module) => ({ default: module.AccountDetailPage })));

type GuestPath = Extract<AppRoute, { access: 'guest' }>['path'];

const guestPages: Record<GuestPath, ReactNode> = {
  '/login': <LoginPage />,
  '/register': <RegisterPage />,
};

const signedInPages: Record<Exclude<RoutePath, GuestPath>, (params: Record<string, string>, session: SignedInSession) => ReactNode> = {
  '/': (_params, session) => <DashboardPage session={session} />,
  '/accounts': (_params, session) => <AccountsPage session={session} />,
  '/accounts/:id': ({ id = '' }) => <AccountDetailPage key={id} id={id} />,
  '/tasks': () => <TasksPage />,
  '/renewals': () => <RenewalsPage />,
  '/notes': () => <NotesPage />,
  '/reports/churn': () => <ChurnReportPage />,
  '/upload': (_params, session) => <UploadPage session={session} />,
  '/ranges': (_params, session) => <RangesPage session={session} />,
  '/playbooks': () => <PlaybooksPage />,
  '/playbooks/:id': ({ id = '' }) => <ExecutionPage key={id} id={id} />,
  '/activity': () => <ActivityPage />,
  '/users': (_params, session) => <UsersPage session={session} />,
  '/settings': () => <SettingsPage />,
  '/settings/password': () => <PasswordPage />,
  '/settings/email': () => <EmailPage />,
  '/automation': () => <AutomationPage />,
  '/triggers': () => <TriggersPage />,
  '/segments': () => <SegmentsPage />,
};

function FullPageLoading() {
  return (
    <main className="centered">
      <LoadingState />
    </main>
  );
}

/** Sign-in pages: a signed-in visitor goes on to ?next (after a successful login too). */
function GuestOnly({ children }: { children: ReactNode }) {
  const status = useSessionStatus();
  const { searchParams } = useLocation();
  if (status.isPending) return <FullPageLoading />;
  if (status.data?.signedIn) return <Redirect to={safeNext(searchParams.get('next'))} />;
  return children;
}

/**
 * Signed-in pages. Signed out on arrival: to the login page, returning here afterwards.
 * Signed out later (the status poll or the idle timer found the session gone): the same,
 * with the "session ended" message.
 */
function RequireSession({ adminOnly, page }: { adminOnly: boolean; page: (session: SignedInSession) => ReactNode }) {
  const status = useSessionStatus();
  const client = useQueryClient();
  const signedIn = status.data?.signedIn;
  const wasSignedIn = useRef(false);

  useEffect(() => {
    if (signedIn === false) endSession(client, { reason: wasSignedIn.current ? 'expired' : undefined, returnHere: true });
    if (signedIn) wasSignedIn.current = true;
  }, [signedIn, client]);

  if (status.error && !status.data) {
    return (
      <main className="centered">
        <ErrorState error={status.error} title="Pulse is not reachable" onRetry={() => void status.refetch()} />
      </main>
    );
  }
  if (!status.data?.signedIn) return <FullPageLoading />;
  const session = status.data;
  return (
    <AppShell session={session}>
      <Suspense fallback={<LoadingState />}>
        {adminOnly && session.user.role !== 'admin' ? <NotAllowedPage tenantName={session.tenant.name} /> : page(session)}
      </Suspense>
    </AppShell>
  );
}

function Routes() {
  const { pathname } = useLocation();
  const match = matchRoute(pathname);
  if (!match) return <RequireSession adminOnly={false} page={() => <NotFoundPage />} />;
  const { route, params } = match;
  if (route.access === 'guest') return <GuestOnly>{guestPages[route.path]}</GuestOnly>;
  return <RequireSession adminOnly={route.access === 'admin'} page={(session) => signedInPages[route.path](params, session)} />;
}

export function App() {
  return (
    <ApiProvider>
      <Routes />
    </ApiProvider>
  );
}
