import { matchPath } from './router.js';

/** guest: only when signed out (signed-in users are sent on); user: any signed-in user; admin: admins only. */
type Access = 'guest' | 'user' | 'admin';

interface RouteDef {
  path: string;
  access: Access;
  /** Label in the left navigation; routes without one are reached by links. */
  nav?: string;
}

export const routes = [
  { path: '/login', access: 'guest' },
  { path: '/register', access: 'guest' },
  { path: '/', access: 'user', nav: 'Dashboard' },
  { path: '/accounts', access: 'user', nav: 'Accounts' },
  { path: '/accounts/:id', access: 'user' },
  { path: '/tasks', access: 'user', nav: 'My tasks' },
  { path: '/renewals', access: 'user', nav: 'Renewals' },
  { path: '/notes', access: 'user', nav: 'Notes' },
  { path: '/reports/churn', access: 'user', nav: 'Churn signal' },
  { path: '/upload', access: 'user', nav: 'Upload' },
  { path: '/ranges', access: 'user', nav: 'Ranges' },
  { path: '/playbooks', access: 'user', nav: 'Playbooks' },
  { path: '/playbooks/:id', access: 'user' },
  { path: '/activity', access: 'admin', nav: 'Activity' },
  { path: '/users', access: 'admin', nav: 'Users' },
  { path: '/settings', access: 'admin', nav: 'Settings' },
  { path: '/automation', access: 'admin', nav: 'Automation' },
  { path: '/triggers', access: 'admin', nav: 'Triggers' },
  { path: '/segments', access: 'admin', nav: 'Segments' },
  { path: '/settings/password', access: 'user' },
  { path: '/settings/email', access: 'user' },
] as const satisfies readonly RouteDef[];

export type AppRoute = (typeof routes)[number];
export type RoutePath = AppRoute['path'];

export function matchRoute(pathname: string): { route: AppRoute; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}

/** A navigation entry stays highlighted on its sub-pages (/accounts for /accounts/42). */
export function isNavActive(path: RoutePath, pathname: string): boolean {
  return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}

export type NavRoute = Extract<AppRoute, { nav: string }>;

/** Left navigation entries; admin-only entries only for admins. */
export function navRoutes(isAdmin: boolean): NavRoute[] {
  return routes.filter((route): route is NavRoute => 'nav' in route && (route.access !== 'admin' || isAdmin));
}
