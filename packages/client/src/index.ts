import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink, type TRPCLink } from '@trpc/client';
import type { AppRouter, uploadFromStream } from '@pulse/api';
import { CLIENT_HEADER, MAX_BATCH_ITEMS } from '@pulse/api/limits';

export { CLIENT_HEADER, MAX_BATCH_ITEMS, MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_TEXT, maxUploadBytes } from '@pulse/api/limits';

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

/** The fetch (with the credentials mode) and the headers of every request to Pulse. */
function requestSetup(opts: PulseLinkOptions): { fetch: typeof fetch; headers: () => Record<string, string> } {
  const credentials = opts.token ? ('omit' as const) : ('include' as const);
  const withCredentials: typeof fetch = (input, init) => (opts.fetch ?? fetch)(input, { ...init, credentials });
  const reserved = new Set([CLIENT_HEADER.name, 'authorization']);
  const headers = () => ({
    ...Object.fromEntries(Object.entries(opts.headers?.() ?? {}).filter(([name]) => !reserved.has(name.toLowerCase()))),
    [CLIENT_HEADER.name]: CLIENT_HEADER.value,
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  });
  return { fetch: withCredentials, headers };
}

/**
 * The links every Pulse client uses: uploads (FormData and other non-JSON inputs) go one
 * per request through httpLink, everything else is batched. Each request sends the client
 * header and either the session cookie (`credentials: 'include'`) or, with a token option,
 * `Authorization: Bearer` and no cookies; callers cannot override either header.
 */
export function pulseLinks(opts: PulseLinkOptions): TRPCLink<AppRouter>[] {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api/trpc`;
  const { fetch: withCredentials, headers } = requestSetup(opts);
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

/** What the server has done with a streamed upload so far: bytes received, rows read and rows stored. */
export interface UploadProgress {
  bytes: number;
  rowsParsed: number;
  rowsStored: number;
}

/** The answer to an upload: the report of uploads.create. */
export type UploadResult = Awaited<ReturnType<typeof uploadFromStream>>;

/** A streamed upload the server refused or could not finish: the HTTP status, tRPC's error code and its sentence. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
    readonly code: string = 'INTERNAL_SERVER_ERROR',
  ) {
    super(message);
  }
}

/** How the server answers an error, on the upload route as everywhere: tRPC's error shape. */
export interface UploadErrorShape {
  error: { message: string; code: number; data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> } };
}

type StreamLine = { progress: UploadProgress } | { result: UploadResult } | UploadErrorShape;

/** The UploadError of an answer in tRPC's error shape; null when the answer is not in it (a proxy's page). */
function shapedError(answer: unknown, status: number): UploadError | null {
  const error = (answer as Partial<UploadErrorShape> | null)?.error;
  if (!error || typeof error.message !== 'string' || typeof error.data?.code !== 'string') return null;
  return new UploadError(error.data.httpStatus ?? status, error.message, error.data.fieldErrors, error.data.code);
}

/**
 * Sends a file to POST /api/uploads/stream (a CSV file of up to MAX_CSV_UPLOAD_BYTES, a
 * workbook of up to MAX_UPLOAD_BYTES) with the upload fields of uploads.create, calling
 * onProgress with each progress line the server sends while it reads and stores the rows.
 * Resolves to the report; a refusal or failure is an UploadError with the server's sentence.
 */
export async function streamUpload(
  opts: PulseLinkOptions,
  file: { name: string; body: Blob | ReadableStream<Uint8Array> },
  fields: Record<string, string>,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<UploadResult> {
  const { fetch: send, headers } = requestSetup(opts);
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/api/uploads/stream?${new URLSearchParams({ ...fields, filename: file.name })}`;
  const streamed = !(file.body instanceof Blob);
  const init = {
    method: 'POST',
    body: file.body,
    headers: { ...headers(), 'content-type': 'application/octet-stream' },
    ...(streamed ? { duplex: 'half' as const } : {}),
  };
  const res = await send(url, init);
  if (!res.ok || !res.body) {
    const answer: unknown = await res.json().catch(() => null);
    throw (
      shapedError(answer, res.status) ?? new UploadError(res.status, `The server answered the upload with HTTP status ${res.status} and no readable error.`)
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    pending += value ?? '';
    const lines = pending.split('\n');
    pending = done ? '' : (lines.pop() as string);
    for (const text of lines.filter((l) => l.trim() !== '')) {
      const line = JSON.parse(text) as StreamLine;
      if ('progress' in line) onProgress(line.progress);
      else if ('result' in line) return line.result;
      else throw shapedError(line, 500) ?? new UploadError(500, 'The server answered the upload with no readable error.');
    }
    if (done) throw new UploadError(502, 'The connection to Pulse ended before the upload was finished; nothing may have been stored. Try again.');
  }
}
