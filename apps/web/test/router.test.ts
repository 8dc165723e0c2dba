import { describe, expect, it } from 'vitest';
import { createAppRouter, isGuestPath, navRoutes, safeNext } from '../src/router.js';

const router = createAppRouter();

/** The deepest route `href` matches, with its parsed params and validated query string. */
function match(href: string) {
  const url = new URL(href, window.location.origin);
  const matches = router.matchRoutes(url.pathname, router.options.parseSearch(url.search));
  const last = matches.at(-1);
  return { routeId: last?.routeId, params: last?.params, search: last?.search, access: last?.staticData.access };
}

describe('route tree', () => {
  it('finds each screen with its typed params and access', () => {
    expect(match('/login')).toMatchObject({ routeId: '/login', access: 'guest' });
    expect(match('/accounts/a%20b')).toMatchObject({ routeId: '/accounts/$accountId', params: { accountId: 'a b' }, access: undefined });
    expect(match('/playbooks/7')).toMatchObject({ routeId: '/playbooks/$executionId', params: { executionId: '7' } });
    expect(match('/users').access).toBe('admin');
    expect(match('/settings').access).toBe('admin');
    expect(match('/settings/password')).toMatchObject({ routeId: '/settings/password', access: undefined });
    expect(match('/settings/email')).toMatchObject({ routeId: '/settings/email', access: undefined });
    expect(match('/nowhere').routeId).toBe('__root__');
  });

  it('keeps the known values of a query string and drops the rest', () => {
    expect(match('/accounts?tier=critical&sort=health&dir=sideways&archived=1&cols=').search).toEqual({
      tier: 'critical',
      sort: 'health',
      archived: '1',
      cols: '',
    });
    expect(match('/reports/churn?months=6').search).toEqual({ months: 6 });
    expect(match('/reports/churn?months=2').search).toEqual({});
    expect(match('/renewals?days=60&who=me&overdue=yes').search).toEqual({ days: 60, who: 'me' });
    expect(match('/login?next=%2Faccounts&reason=stolen').search).toEqual({ next: '/accounts' });
  });

  it('writes query strings as plain name=value pairs, as bookmarks and the e2e tests hold them', () => {
    expect(router.buildLocation({ to: '/accounts', search: { tier: 'critical', sort: 'revenue', dir: 'desc' } }).href).toBe(
      '/accounts?tier=critical&sort=revenue&dir=desc',
    );
    expect(router.buildLocation({ to: '/renewals', search: { days: 60, overdue: '1' } }).href).toBe('/renewals?days=60&overdue=1');
    expect(router.buildLocation({ to: '/notes', search: { q: 'renewal budget' } }).href).toBe('/notes?q=renewal+budget');
    expect(router.buildLocation({ to: '/accounts/$accountId', params: { accountId: 'a b' }, search: {} }).href).toBe('/accounts/a%20b');
  });

  it('shows admin navigation to admins only', () => {
    const labels = (isAdmin: boolean) => navRoutes(isAdmin).map((route) => route.options.staticData.nav);
    const memberLabels = ['Dashboard', 'Accounts', 'My tasks', 'Renewals', 'Notes', 'Churn signal', 'Upload', 'Ranges', 'Playbooks'];
    expect(labels(false)).toEqual(memberLabels);
    expect(labels(true)).toEqual([...memberLabels, 'Activity', 'Users', 'Settings', 'Automation', 'Triggers', 'Segments']);
  });
});

describe('sign-in pages', () => {
  it('are the guest routes', () => {
    expect(isGuestPath('/login')).toBe(true);
    expect(isGuestPath('/register/')).toBe(true);
    expect(isGuestPath('/accounts')).toBe(false);
    expect(isGuestPath('/login/more')).toBe(false);
  });

  it('return only to same-origin, signed-in pages', () => {
    expect(safeNext('/accounts/42?tab=kpis')).toBe('/accounts/42?tab=kpis');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example/')).toBe('/');
    expect(safeNext('/login?next=/users')).toBe('/');
  });
});
