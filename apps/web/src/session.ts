import { hashKey, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { navigate } from './router.js';
import { matchRoute } from './routes.js';
import { sessionStatusKey, trpc, type SessionStatus } from './trpc.js';

/** session.status is public and read-only: polling it never counts as activity. */
const STATUS_POLL_MS = 30_000;

export type SignInReason = 'expired' | 'signed-out';

export const signInMessages: Record<SignInReason, string> = {
  expired: 'Your session ended, please sign in again.',
  'signed-out': 'You have signed out.',
};

function isGuestPath(pathname: string): boolean {
  return matchRoute(pathname)?.route.access === 'guest';
}

export function loginPath({ next, reason }: { next?: string; reason?: SignInReason }): string {
  const params = new URLSearchParams();
  if (next && next !== '/') params.set('next', next);
  if (reason) params.set('reason', reason);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
}

/** Where to go after signing in: a same-origin path that is not a sign-in page, else the dashboard. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return isGuestPath(new URL(next, window.location.origin).pathname) ? '/' : next;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

const statusHash = hashKey(sessionStatusKey);

/**
 * Drops every cached answer and mutation of the previous session, then sets the status
 * (after login or registration too: nothing cached for a previous user survives). The
 * status query itself stays, so the components watching it see the change.
 */
export function replaceSession(client: QueryClient, status: SessionStatus): void {
  client.removeQueries({ predicate: (query) => query.queryHash !== statusHash });
  client.getMutationCache().clear();
  client.setQueryData<SessionStatus>(sessionStatusKey, status);
}

/**
 * Forgets everything cached for the signed-in user and goes to the login page, which
 * returns to this page afterwards when `returnHere`. Does nothing on the sign-in pages
 * themselves, where UNAUTHORIZED is the answer to wrong credentials.
 */
export function endSession(client: QueryClient, { reason, returnHere }: { reason?: SignInReason; returnHere: boolean }): void {
  const { pathname, search } = window.location;
  if (isGuestPath(pathname)) return;
  replaceSession(client, { signedIn: false });
  navigate(loginPath({ next: returnHere ? pathname + search : undefined, reason }), { replace: true });
}

export function useSessionStatus() {
  return trpc.session.status.useQuery(undefined, {
    refetchInterval: (query) => (query.state.data?.signedIn ? STATUS_POLL_MS : false),
    refetchIntervalInBackground: true,
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return trpc.auth.logout.useMutation({
    onSuccess: () => endSession(client, { reason: 'signed-out', returnHere: false }),
  });
}
