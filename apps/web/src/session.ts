import { createContext, use } from 'react';
import { hashKey, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { history } from './history.js';
import { sessionStatusKey, trpc, type SessionStatus, type SignedInSession } from './trpc.js';

/** session.status is public and read-only: polling it never counts as activity. */
const STATUS_POLL_MS = 30_000;

export const signInReasons = ['expired', 'signed-out'] as const;
export type SignInReason = (typeof signInReasons)[number];

export const signInMessages: Record<SignInReason, string> = {
  expired: 'Your session ended, please sign in again.',
  'signed-out': 'You have signed out.',
};

export function loginPath({ next, reason }: { next?: string; reason?: SignInReason }): string {
  const params = new URLSearchParams();
  if (next && next !== '/') params.set('next', next);
  if (reason) params.set('reason', reason);
  const query = params.toString();
  return query ? `/login?${query}` : '/login';
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

/** Forgets everything cached for the signed-in user and goes to the login page, which returns to this page afterwards when `returnHere`. */
export function endSession(client: QueryClient, { reason, returnHere }: { reason?: SignInReason; returnHere: boolean }): void {
  const { pathname, search } = window.location;
  replaceSession(client, { signedIn: false });
  history.replace(loginPath({ next: returnHere ? pathname + search : undefined, reason }));
}

/** The signed-in session, for the pages inside the signed-in frame (the router's session guard provides it). */
export const SignedInSessionContext = createContext<SignedInSession | null>(null);

export function useSignedInSession(): SignedInSession {
  const session = use(SignedInSessionContext);
  if (!session) throw new Error('useSignedInSession is only for pages behind the session guard.');
  return session;
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
