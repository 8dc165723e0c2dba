import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink, type TRPCLink } from '@trpc/client';
import type { AppRouter } from '@pulse/api';
import { CLIENT_HEADER, MAX_BATCH_ITEMS } from '@pulse/api/limits';

export { CLIENT_HEADER, MAX_BATCH_ITEMS, MAX_UPLOAD_BYTES, MAX_UPLOAD_TEXT } from '@pulse/api/limits';

export interface PulseLinkOptions {
  /** Origin of the Pulse server, e.g. `http://127.0.0.1:3000`; `''` for the page's own origin. */
  baseUrl: string;
  /** Defaults to the global fetch, looked up on each call. */
  fetch?: typeof fetch;
  /** Extra headers (never the client header or Authorization, which this sets). */
  headers?: () => Record<string, string>;
  /**
   * An API token (`pulse_…`, created by an admin): sent as `Authorization: Bearer`, and then
   * no cookies are sent. Without it the session cookie alone carries identity.
   */
  token?: string | undefined;
}

/**
 * The links every Pulse client uses: uploads (FormData and other non-JSON inputs) go one
 * per request through httpLink, everything else is batched. Each request sends the client
 * header and either the session cookie (`credentials: 'include'`) or, with a token option,
 * `Authorization: Bearer` and no cookies; callers cannot override either header.
 */
export function pulseLinks(opts: PulseLinkOptions): TRPCLink<AppRouter>[] {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api/trpc`;
  const credentials = opts.token ? ('omit' as const) : ('include' as const);
  const withCredentials: typeof fetch = (input, init) => (opts.fetch ?? fetch)(input, { ...init, credentials });
  const reserved = new Set([CLIENT_HEADER.name, 'authorization']);
  const headers = () => ({
    ...Object.fromEntries(Object.entries(opts.headers?.() ?? {}).filter(([name]) => !reserved.has(name.toLowerCase()))),
    [CLIENT_HEADER.name]: CLIENT_HEADER.value,
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
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
