import { lazy, Suspense, useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { createRootRoute, createRoute, createRouter, Outlet, useMatches, useNavigate, useSearch } from '@tanstack/react-router';
import { accountStatuses, tiers } from '@pulse/api/vocabulary';
import { AppShell } from './components/AppShell.js';
import { ErrorState, LoadingState } from './components/states.js';
import { history } from './history.js';
import { accountSorts, accountViews, AccountsPage } from './pages/AccountsPage.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { AutomationPage } from './pages/AutomationPage.js';
import { ChurnReportPage, HORIZONS } from './pages/ChurnReportPage.js';
import { EmailPage } from './pages/EmailPage.js';
import { ExecutionPage } from './pages/ExecutionPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotAllowedPage } from './pages/NotAllowedPage.js';
import { NotesPage } from './pages/NotesPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { PasswordPage } from './pages/PasswordPage.js';
import { PlaybooksPage, playbookTabs } from './pages/PlaybooksPage.js';
import { RangesPage } from './pages/RangesPage.js';
import { RegisterPage } from './pages/RegisterPage.js';
import { RenewalsPage, WINDOWS } from './pages/RenewalsPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { TasksPage, dueWindows } from './pages/TasksPage.js';
import { TriggersPage } from './pages/TriggersPage.js';
import { SegmentsPage } from './pages/SegmentsPage.js';
import { UploadPage } from './pages/UploadPage.js';
import { UsersPage } from './pages/UsersPage.js';
import { oneOf, optional, text } from './search.js';
import { endSession, SignedInSessionContext, signInReasons, useSessionStatus } from './session.js';

/**
 * The dashboard's routes (TanStack Router, code-based): every URL, its typed params and its
 * validated query string, who may see it (`staticData.access`) and its label in the left
 * navigation (`staticData.nav`). A new page is one `createRoute` here, listed in `pages`.
 */

/** guest: only when signed out (signed-in visitors are sent on); admin: admins only; absent: any signed-in user. */
type Access = 'guest' | 'admin';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    access?: Access;
    /** Label in the left navigation; routes without one are reached by links. */
    nav?: string;
  }
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

type Search = Record<string, unknown>;

/** The two screens with charts load with their own chunk (charting is most of the bundle). */
const DashboardPage = lazy(() => import('./pages/DashboardPage.js').then((module) => ({ default: module.DashboardPage })));
const AccountDetailPage = lazy(() => import('./pages/AccountDetailPage.js').then((module) => ({ default: module.AccountDetailPage })));

function FullPageLoading() {
  return (
    <main className="centered">
      <LoadingState />
    </main>
  );
}

/** Sign-in pages: a signed-in visitor goes on to ?next (after a successful login too). */
function GuestOnly() {
  const status = useSessionStatus();
  const next = useSearch({ strict: false, select: (search) => search.next });
  const navigate = useNavigate();
  const signedIn = status.data?.signedIn;
  useEffect(() => {
    if (signedIn) void navigate({ href: safeNext(next), replace: true });
  }, [signedIn, next, navigate]);
  return status.isPending || signedIn ? <FullPageLoading /> : <Outlet />;
}

/**
 * Signed-in pages. Signed out on arrival: to the login page, returning here afterwards.
 * Signed out later (the status poll or the idle timer found the session gone): the same,
 * with the "session ended" message. Members see admin pages as not allowed.
 */
function RequireSession({ adminOnly }: { adminOnly: boolean }) {
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
  const isAdmin = session.user.role === 'admin';
  return (
    <SignedInSessionContext value={session}>
      <AppShell session={session} navigation={navRoutes(isAdmin)}>
        <Suspense fallback={<LoadingState />}>{adminOnly && !isAdmin ? <NotAllowedPage tenantName={session.tenant.name} /> : <Outlet />}</Suspense>
      </AppShell>
    </SignedInSessionContext>
  );
}

/** The guard of the page shown: its access, or any signed-in user for an unknown address. */
function Root() {
  const access = useMatches({ select: (matches) => matches.at(-1)?.staticData.access });
  return access === 'guest' ? <GuestOnly /> : <RequireSession adminOnly={access === 'admin'} />;
}

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFoundPage });

const page = <TPath extends string>(path: TPath) => ({ getParentRoute: () => rootRoute, path });

const guestSearch = optional((search) => ({ next: text(search.next), reason: oneOf(search.reason, signInReasons) }));

const login = createRoute({ ...page('/login'), staticData: { access: 'guest' }, validateSearch: guestSearch, component: LoginPage });
const register = createRoute({ ...page('/register'), staticData: { access: 'guest' }, validateSearch: guestSearch, component: RegisterPage });

const dashboard = createRoute({
  ...page('/'),
  staticData: { nav: 'Dashboard' },
  validateSearch: optional((search) => ({ who: oneOf(search.who, ['me', 'all']) })),
  component: DashboardPage,
});
const accounts = createRoute({
  ...page('/accounts'),
  staticData: { nav: 'Accounts' },
  validateSearch: optional((search) => ({
    saved: text(search.saved),
    q: text(search.q),
    /** 'me', 'all' or a user's id. */
    owner: text(search.owner),
    tier: oneOf(search.tier, tiers),
    status: oneOf(search.status, accountStatuses),
    sort: oneOf(search.sort, accountSorts),
    dir: oneOf(search.dir, ['asc', 'desc']),
    view: oneOf(search.view, accountViews),
    archived: oneOf(search.archived, ['1']),
    /** Visible columns, comma-separated; present but empty shows the name alone. */
    cols: typeof search.cols === 'string' ? search.cols : undefined,
  })),
  component: AccountsPage,
});
const account = createRoute({
  ...page('/accounts/$accountId'),
  validateSearch: optional((search) => ({ period: text(search.period) })),
  component: AccountDetailPage,
});
const tasks = createRoute({
  ...page('/tasks'),
  staticData: { nav: 'My tasks' },
  validateSearch: optional((search) => ({ due: oneOf(search.due, dueWindows), who: oneOf(search.who, ['all']) })),
  component: TasksPage,
});
const renewals = createRoute({
  ...page('/renewals'),
  staticData: { nav: 'Renewals' },
  validateSearch: optional((search) => ({ days: oneOf(search.days, WINDOWS), who: oneOf(search.who, ['me']), overdue: oneOf(search.overdue, ['1']) })),
  component: RenewalsPage,
});
const notes = createRoute({
  ...page('/notes'),
  staticData: { nav: 'Notes' },
  validateSearch: optional((search) => ({ q: text(search.q) })),
  component: NotesPage,
});
const churnReport = createRoute({
  ...page('/reports/churn'),
  staticData: { nav: 'Churn signal' },
  validateSearch: optional((search) => ({ months: oneOf(search.months, HORIZONS) })),
  component: ChurnReportPage,
});
const upload = createRoute({ ...page('/upload'), staticData: { nav: 'Upload' }, component: UploadPage });
const ranges = createRoute({ ...page('/ranges'), staticData: { nav: 'Ranges' }, component: RangesPage });
const playbooks = createRoute({
  ...page('/playbooks'),
  staticData: { nav: 'Playbooks' },
  validateSearch: optional((search) => ({ tab: oneOf(search.tab, playbookTabs), playbook: text(search.playbook) })),
  component: PlaybooksPage,
});
const execution = createRoute({ ...page('/playbooks/$executionId'), component: ExecutionPage });
const activity = createRoute({
  ...page('/activity'),
  staticData: { access: 'admin', nav: 'Activity' },
  validateSearch: optional((search) => ({
    user: text(search.user),
    action: text(search.action),
    type: text(search.type),
    /** Calendar days, YYYY-MM-DD. */
    from: text(search.from),
    to: text(search.to),
  })),
  component: ActivityPage,
});
const users = createRoute({ ...page('/users'), staticData: { access: 'admin', nav: 'Users' }, component: UsersPage });
const settings = createRoute({ ...page('/settings'), staticData: { access: 'admin', nav: 'Settings' }, component: SettingsPage });
const automation = createRoute({ ...page('/automation'), staticData: { access: 'admin', nav: 'Automation' }, component: AutomationPage });
const triggers = createRoute({ ...page('/triggers'), staticData: { access: 'admin', nav: 'Triggers' }, component: TriggersPage });
const segments = createRoute({ ...page('/segments'), staticData: { access: 'admin', nav: 'Segments' }, component: SegmentsPage });
const password = createRoute({ ...page('/settings/password'), component: PasswordPage });
const email = createRoute({ ...page('/settings/email'), component: EmailPage });

/** Every page, in the order of the left navigation (admin entries under their own heading). */
const pages = [
  login,
  register,
  dashboard,
  accounts,
  account,
  tasks,
  renewals,
  notes,
  churnReport,
  upload,
  ranges,
  playbooks,
  execution,
  activity,
  users,
  settings,
  automation,
  triggers,
  segments,
  password,
  email,
];

/** The URL holds plain `name=value` pairs (no JSON quoting), so every address of the hand-written router keeps working; undefined leaves a parameter out. */
function stringifySearch(search: Search): string {
  const pairs = Object.entries(search).flatMap(([name, value]) =>
    value === undefined || value === null ? [] : [[name, String(value as string | number | boolean)]],
  );
  const query = new URLSearchParams(pairs).toString();
  return query ? `?${query}` : '';
}

const routeTree = rootRoute.addChildren(pages);

/** One router per mounted app (a test renders the app afresh), all following the browser history. */
export function createAppRouter() {
  return createRouter({
    routeTree,
    history,
    parseSearch: (query) => Object.fromEntries(new URLSearchParams(query)),
    stringifySearch,
    /** A page with other params (/accounts/1 → /accounts/2) starts afresh. */
    defaultRemountDeps: ({ params }) => params,
    scrollRestoration: true,
  });
}

export type NavRoute = (typeof pages)[number] & { options: { staticData: { nav: string } } };

/** Left navigation entries; admin-only entries only for admins. */
export function navRoutes(isAdmin: boolean): NavRoute[] {
  return pages.filter((route): route is NavRoute => route.options.staticData?.nav !== undefined && (route.options.staticData.access !== 'admin' || isAdmin));
}

/** Read from the routes' options: their full paths are only known once a router has been created. */
const guestPaths = pages
  .filter((route) => route.options.staticData?.access === 'guest')
  .map((route) => ('path' in route.options ? route.options.path : undefined));

/** Whether `pathname` is a sign-in page, where UNAUTHORIZED answers wrong credentials and ends no session. */
export function isGuestPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  return guestPaths.some((guestPath) => guestPath === path);
}

/** Where to go after signing in: a same-origin path that is not a sign-in page, else the dashboard. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return isGuestPath(new URL(next, window.location.origin).pathname) ? '/' : next;
}
