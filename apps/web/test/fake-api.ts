import { initTRPC, TRPCError, type AnyRouter } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { vi } from 'vitest';

/** Serves `router` to fetch calls made to /api/trpc, with the real tRPC wire format. */
export function routerFetch(router: AnyRouter) {
  return vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      router,
      req: new Request(new URL(input instanceof Request ? input.url : input, window.location.origin), init),
      createContext: () => ({}),
    }),
  );
}

class FieldErrors extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super('Invalid input');
  }
}

/** A BAD_REQUEST carrying error.data.fieldErrors, as the Pulse API sends it. */
export function badRequest(fieldErrors: Record<string, string[]>): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: new FieldErrors(fieldErrors) });
}

export const t = initTRPC.create({
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: { ...shape.data, ...(error.cause instanceof FieldErrors ? { fieldErrors: error.cause.fieldErrors } : {}) },
  }),
});

export interface FakeSession {
  role?: 'admin' | 'member';
  /** Milliseconds from now. */
  idleInMs?: number;
  absoluteInMs?: number;
}

export function signedIn({ role = 'admin', idleInMs = 30 * 60_000, absoluteInMs = 8 * 60 * 60_000 }: FakeSession = {}) {
  return {
    signedIn: true as const,
    user: { id: 'u1', name: 'Nora Admin', email: 'nora@northwind.example', role },
    tenant: { id: 't1', name: 'Northwind CS' },
    rememberMe: false,
    idleExpiresAt: new Date(Date.now() + idleInMs),
    absoluteExpiresAt: new Date(Date.now() + absoluteInMs),
  };
}

type Status = ReturnType<typeof signedIn> | { signedIn: false };

export interface FakeApi {
  status: () => Status;
  login?: (input: unknown) => Status;
  refresh?: () => Status;
  /** More routers a screen under test calls, e.g. { ranges: t.router({ list: … }) }. */
  routers?: Record<string, AnyRouter>;
}

/** The Pulse procedures the shell uses, answered by the given functions, plus `routers`. */
export function fakeApi(api: FakeApi) {
  const unauthorized = () => {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  };
  const router = t.router({
    session: t.router({
      status: t.procedure.query(() => api.status()),
      refresh: t.procedure.mutation(() => (api.refresh ?? unauthorized)()),
    }),
    auth: t.router({
      login: t.procedure.input((value: unknown) => value).mutation(({ input }) => (api.login ?? unauthorized)(input)),
      logout: t.procedure.mutation(() => ({ signedIn: false as const })),
    }),
    ...api.routers,
  });
  const fetch = routerFetch(router);
  vi.stubGlobal('fetch', fetch);
  return fetch;
}
