import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import type { NavRoute } from '../router.js';
import { useSignOut } from '../session.js';
import type { SignedInSession } from '../trpc.js';
import { IdleWarning } from './IdleWarning.js';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}

function UserMenu({ session }: { session: SignedInSession }) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const signOut = useSignOut();
  const { user } = session;

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={container}>
      <button type="button" className="user-menu-button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen((value) => !value)}>
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="user-menu-name">{user.name}</span>
      </button>
      <div id={menuId} className="user-menu-panel" hidden={!open}>
        <p className="user-menu-who">
          <strong>{user.name}</strong>
          <span>{user.email}</span>
          <span className="role-tag">{user.role === 'admin' ? 'Admin' : 'Member'}</span>
        </p>
        <Link to="/settings/password" className="button button-secondary button-block" onClick={() => setOpen(false)}>
          Change password
        </Link>
        <Link to="/settings/email" className="button button-secondary button-block" onClick={() => setOpen(false)}>
          Email alerts
        </Link>
        {signOut.error && <p className="form-error">Signing out failed. Try again.</p>}
        <button type="button" className="button button-secondary button-block" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </div>
  );
}

/** An entry is current on its own page and its sub-pages (/accounts for /accounts/42), whatever the query string; the dashboard only on itself. */
function NavList({ routes }: { routes: NavRoute[] }) {
  return (
    <ul>
      {routes.map((route) => (
        <li key={route.id}>
          <Link to={route.fullPath} className="side-nav-link" activeOptions={{ exact: route.fullPath === '/', includeSearch: false }}>
            {route.options.staticData.nav}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function SideNav({ items }: { items: NavRoute[] }) {
  const adminItems = items.filter((route) => route.options.staticData.access === 'admin');
  return (
    <nav id="navigation" className="side-nav" aria-label="Main" tabIndex={-1}>
      <div className="side-nav-inner">
        <NavList routes={items.filter((route) => route.options.staticData.access !== 'admin')} />
        {adminItems.length > 0 && (
          <>
            <h2 className="side-nav-heading">Admin</h2>
            <NavList routes={adminItems} />
          </>
        )}
      </div>
    </nav>
  );
}

/** The signed-in frame: top bar with tenant and user menu, left navigation (`navigation`, the entries this user sees), idle warning. */
export function AppShell({ session, navigation, children }: { session: SignedInSession; navigation: NavRoute[]; children: ReactNode }) {
  return (
    <div className="shell">
      <nav className="skip-links" aria-label="Skip links">
        <a className="skip-link" href="#navigation">
          Skip to navigation
        </a>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
      </nav>
      <header className="top-bar">
        <Link to="/" className="brand" aria-label="Pulse dashboard">
          <span className="brand-mark" aria-hidden="true" />
          Pulse
        </Link>
        <span className="tenant-name">{session.tenant.name}</span>
        <UserMenu session={session} />
      </header>
      <div className="shell-body">
        <SideNav items={navigation} />
        <main id="main" className="shell-main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <IdleWarning session={session} />
    </div>
  );
}
