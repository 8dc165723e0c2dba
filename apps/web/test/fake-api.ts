import { initTRPC, TRPCError, type AnyRouter, type inferRouterInputs, type inferRouterOutputs } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { vi } from 'vitest';
import type { AppRouter } from '@pulse/api';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;
type RouterName = keyof Outputs;

/** A fake of one Pulse procedure: its real input in, its real output (as JSON carries it) out. */
export type Handler<R extends RouterName, P extends keyof Outputs[R]> = (input: Inputs[R][P & keyof Inputs[R]]) => Outputs[R][P] | Promise<Outputs[R][P]>;

/**
 * Fakes of some Pulse procedures, typed by `AppRouter`, e.g.
 * `{ accounts: { list: (input) => ({ items: [], nextCursor: null }) } }`: when the API changes
 * an input or an output, the web tests stop compiling.
 */
export type FakeHandlers = { [R in RouterName]?: { [P in keyof Outputs[R]]?: Handler<R, P> } };

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

/**
 * `handlers` as a tRPC router whose every procedure is a query, or a mutation: the client
 * sends queries as GET and mutations as POST, so the method tells which of the two answers.
 */
function handlersRouter(handlers: FakeHandlers, kind: 'query' | 'mutation') {
  const procedure = (handler: (input: unknown) => unknown) => t.procedure.input((value: unknown) => value)[kind](({ input }) => handler(input));
  return t.router(
    Object.fromEntries(
      Object.entries(handlers).map(([name, procedures]) => [
        name,
        t.router(Object.fromEntries(Object.entries(procedures).map(([key, handler]) => [key, procedure(handler as (input: unknown) => unknown)]))),
      ]),
    ),
  );
}

/** Serves `handlers` to fetch calls made to /api/trpc. */
export function handlersFetch(handlers: FakeHandlers) {
  const queries = routerFetch(handlersRouter(handlers, 'query'));
  const mutations = routerFetch(handlersRouter(handlers, 'mutation'));
  return vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
    (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase() === 'GET' ? queries(input, init) : mutations(input, init),
  );
}

type Status = Outputs['session']['status'];

export interface FakeSession {
  role?: 'admin' | 'member';
  /** Milliseconds from now. */
  idleInMs?: number;
  absoluteInMs?: number;
}

export function signedIn({ role = 'admin', idleInMs = 30 * 60_000, absoluteInMs = 8 * 60 * 60_000 }: FakeSession = {}) {
  return {
    signedIn: true,
    user: { id: 'u1', name: 'Nora Admin', email: 'nora@northwind.example', role },
    tenant: { id: 't1', name: 'Northwind CS' },
    rememberMe: false,
    idleExpiresAt: new Date(Date.now() + idleInMs).toISOString(),
    absoluteExpiresAt: new Date(Date.now() + absoluteInMs).toISOString(),
  } satisfies Status;
}

export interface FakeApi {
  status: () => Status;
  login?: Handler<'auth', 'login'>;
  refresh?: Handler<'session', 'refresh'>;
  /** More procedures a screen under test calls, e.g. { ranges: { list: () => [] } }. */
  handlers?: FakeHandlers;
}

/** The Pulse procedures the shell uses, answered by the given functions, plus `handlers`. */
export function fakeApi({ status, login, refresh, handlers }: FakeApi) {
  const unauthorized = () => {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  };
  const fetch = handlersFetch({
    ...handlers,
    session: { status, refresh: refresh ?? unauthorized, ...handlers?.session },
    auth: { login: login ?? unauthorized, logout: () => ({ signedIn: false }), ...handlers?.auth },
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}
