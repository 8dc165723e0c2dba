import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink, type TRPCLink } from '@trpc/client';
import type { AppRouter } from '@pulse/api';

/** The server refuses batches of more calls than this (apps/server: maxBatchSize). */
export const MAX_BATCH_ITEMS = 25;

/** The most one upload may hold; clients check it before sending (the server enforces it: @pulse/api validation.ts). */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** Sent on every request; the server requires it on mutations as CSRF protection. */
export const CLIENT_HEADER = { name: 'x-pulse-client', value: 'web' } as const;

export interface PulseLinkOptions {
  /** Origin of the Pulse server, e.g. `http://127.0.0.1:3000`; `''` for the page's own origin. */
  baseUrl: string;
  /** Defaults to the global fetch, looked up on each call. */
  fetch?: typeof fetch;
  /** Extra headers. Identity never travels in headers: the session cookie alone carries it. */
  headers?: () => Record<string, string>;
}

/**
 * The links every Pulse client uses: uploads (FormData and other non-JSON inputs) go one
 * per request through httpLink, everything else is batched. Each request sends the session
 * cookie (`credentials: 'include'`) and the client header, which callers cannot override.
 */
export function pulseLinks(opts: PulseLinkOptions): TRPCLink<AppRouter>[] {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api/trpc`;
  const withCredentials: typeof fetch = (input, init) => (opts.fetch ?? fetch)(input, { ...init, credentials: 'include' });
  const headers = () => ({
    ...Object.fromEntries(Object.entries(opts.headers?.() ?? {}).filter(([name]) => name.toLowerCase() !== CLIENT_HEADER.name)),
    [CLIENT_HEADER.name]: CLIENT_HEADER.value,
  });
  return [
    splitLink({
      condition: (op) => isNonJsonSerializable(op.input),
      true: httpLink({ url, fetch: withCredentials, headers }),
      false: httpBatchLink({ url, fetch: withCredentials, headers, maxItems: MAX_BATCH_ITEMS }),
    }),
  ];
}

/** A vanilla (non-React) client, for scripts and the CLI. */
export function createPulseClient(opts: PulseLinkOptions) {
  return createTRPCClient<AppRouter>({ links: pulseLinks(opts) });
}
