import { describe, expect, it } from 'vitest';
import { matchPath } from '../src/router.js';
import { isNavActive, matchRoute, navRoutes } from '../src/routes.js';

describe('matchPath', () => {
  it('matches static and parameterised segments', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/accounts', '/accounts/')).toEqual({});
    expect(matchPath('/accounts/:id', '/accounts/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/accounts/:id', '/accounts')).toBeNull();
    expect(matchPath('/accounts', '/users')).toBeNull();
  });

  it('treats a malformed escape as no match', () => {
    expect(matchPath('/accounts/:id', '/accounts/%E0')).toBeNull();
  });
});

describe('routes', () => {
  it('finds each screen with its access', () => {
    expect(matchRoute('/login')?.route.access).toBe('guest');
    expect(matchRoute('/accounts/42')).toMatchObject({ route: { path: '/accounts/:id', access: 'user' }, params: { id: '42' } });
    expect(matchRoute('/users')?.route.access).toBe('admin');
    expect(matchRoute('/settings')?.route.access).toBe('admin');
    expect(matchRoute('/settings/password')?.route.access).toBe('user');
    expect(matchRoute('/settings/email')?.route.access).toBe('user');
    expect(matchRoute('/playbooks/7')).toMatchObject({ route: { path: '/playbooks/:id', access: 'user' }, params: { id: '7' } });
    expect(matchRoute('/nowhere')).toBeNull();
  });

  it('shows admin navigation to admins only', () => {
    const labels = (isAdmin: boolean) => navRoutes(isAdmin).map((route) => route.nav);
    expect(labels(false)).toEqual(['Dashboard', 'Accounts', 'My tasks', 'Renewals', 'Notes', 'Churn signal', 'Upload', 'Ranges', 'Playbooks']);
    expect(labels(true)).toEqual([
      'Dashboard',
      'Accounts',
      'My tasks',
      'Renewals',
      'Notes',
      'Churn signal',
      'Upload',
      'Ranges',
      'Playbooks',
      'Activity',
      'Users',
      'Settings',
      'Automation',
      'Triggers',
      'Segments',
    ]);
  });

  it('keeps a navigation entry active on its sub-pages', () => {
    expect(isNavActive('/accounts', '/accounts/42')).toBe(true);
    expect(isNavActive('/accounts', '/accountsx')).toBe(false);
    expect(isNavActive('/', '/accounts')).toBe(false);
    expect(isNavActive('/', '/')).toBe(true);
  });
});
