import { useEffect, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiProvider } from './api.js';
import { AppShell } from './components/AppShell.js';
import { ErrorState, LoadingState } from './components/states.js';
import { ComingSoonPage } from './pages/ComingSoonPage.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotAllowedPage } from './pages/NotAllowedPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { RegisterPage } from './pages/RegisterPage.js';
import { Redirect, useLocation } from './router.js';
import { matchRoute, type AppRoute, type RoutePath } from './routes.js';
import { endSession, safeNext, useSessionStatus } from './session.js';
import type { SignedInSession } from './trpc.js';

type GuestPath = Extract<AppRoute, { access: 'guest' }>['path'];

const guestPages: Record<GuestPath, ReactNode> = {
  '/login': <LoginPage />,
  '/register': <RegisterPage />,
};

const signedInPages: Record<Exclude<RoutePath, GuestPath>, (params: Record<string, string>, session: SignedInSession) => ReactNode> = {
  '/': (_params, session) => <DashboardPage session={session} />,
  '/accounts': () => <ComingSoonPage title="Accounts" description="Every customer account with its health score and trend." />,
  '/accounts/:id': () => <ComingSoonPage title="Account" description="KPIs, health breakdown and history of one account." />,
  '/upload': () => <ComingSoonPage title="Upload" description="Import KPI workbooks and customer profiles." />,
  '/ranges': () => <ComingSoonPage title="Ranges" description="Reference ranges that turn KPI values into scores." />,
  '/playbooks': () => <ComingSoonPage title="Playbooks" description="Repeatable plays for accounts at risk." />,
  '/activity': () => <ComingSoonPage title="Activity" description="Who changed what, and when." />,
  '/users': () => <ComingSoonPage title="Users" description="Invite people and manage their roles." />,
  '/settings': () => <ComingSoonPage title="Settings" description="Category weights, tier thresholds and workspace details." />,
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
      {adminOnly && session.user.role !== 'admin' ? <NotAllowedPage tenantName={session.tenant.name} /> : page(session)}
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
