import { useState, type ReactNode } from 'react';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { pulseLinks } from '@pulse/client';
import { clockedFetch } from './server-clock.js';
import { isGuestPath } from './router.js';
import { endSession, isUnauthorized } from './session.js';
import { trpc } from './trpc.js';

/** 4xx answers are final; network failures and 5xx are tried twice more. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
  return failureCount < 2 && !(status !== undefined && status >= 400 && status < 500);
}

/**
 * Any query or mutation answering UNAUTHORIZED ends the session in this tab, except on the
 * sign-in pages, where UNAUTHORIZED is the answer to wrong credentials.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isUnauthorized(error) && !isGuestPath(window.location.pathname)) endSession(client, { reason: 'expired', returnHere: true });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: { queries: { retry: shouldRetry, staleTime: 10_000 } },
  });
  return client;
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(() => trpc.createClient({ links: pulseLinks({ baseUrl: '', fetch: clockedFetch }) }));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
