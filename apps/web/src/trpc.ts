import { createTRPCReact, getQueryKey } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@pulse/api';

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type SessionStatus = RouterOutputs['session']['status'];
export type SignedInSession = Extract<SessionStatus, { signedIn: true }>;

export const sessionStatusKey = getQueryKey(trpc.session.status, undefined, 'query');
