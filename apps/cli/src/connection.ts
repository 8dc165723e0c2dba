import path from 'node:path';
import { CLIENT_HEADER, createPulseClient, UploadError, type PulseLinkOptions } from '@pulse/client';
import { CookieJar, hasCookies } from './cookies.js';
import { certificateFailure, CliError, networkFailure } from './errors.js';
import { readSession, sessionFile, writeSession, type StoredSession } from './store.js';

export type PulseClient = ReturnType<typeof createPulseClient>;

export const NOT_LOGGED_IN = 'Not logged in: run pulse login --url URL --email EMAIL';
export const SESSION_EXPIRED = 'Your session has expired: run pulse login';

/** The session cookie was refused (expired, signed out elsewhere, user deactivated). */
export class SessionExpired extends CliError {
  constructor() {
    super(SESSION_EXPIRED);
  }
}

/** A server address as given to --url: http(s), without a trailing slash, query or fragment. */
export function normaliseUrl(raw: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) {
    throw new CliError(`Give the full address with http:// or https://, e.g. http://${raw.trim() || '127.0.0.1:3000'}`);
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CliError(`Not a valid URL: "${raw}" (expected something like http://127.0.0.1:3000).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`Not an http(s) URL: "${raw}".`);
  }
  if (url.username || url.password) throw new CliError('Put no credentials in the URL: pulse login asks for them.');
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

/** Paths the user typed are relative to where they typed them, also under `pnpm pulse`. */
export function userPath(p: string): string {
  const viaRootScript = process.env.npm_lifecycle_event === 'pulse' && process.env.INIT_CWD;
  return path.resolve(viaRootScript ? (process.env.INIT_CWD as string) : process.cwd(), p);
}

interface TrpcLikeError extends Error {
  data?: { code?: string; httpStatus?: number; fieldErrors?: Record<string, string[]> } | null;
  meta?: { response?: { status?: number } };
}

function isTrpcError(error: unknown): error is TrpcLikeError {
  return error instanceof Error && error.name === 'TRPCClientError';
}

/** Turns what a call threw into a message for the terminal. */
export function explain(error: unknown, url: string, signedIn: boolean): unknown {
  if (error instanceof CliError) return error;
  const certificate = certificateFailure(error, url);
  if (certificate) return new CliError(certificate);
  const network = networkFailure(error);
  if (network) return new CliError(`Cannot reach Pulse at ${url} (${network}): check the URL and that the server is running.`);
  if (!isTrpcError(error)) return error;
  const code = error.data?.code;
  if (code === 'UNAUTHORIZED' && signedIn) return new SessionExpired();
  if (!code) {
    const status = error.meta?.response?.status;
    const detail = process.env.PULSE_DEBUG ? ` (${error.message})` : '';
    return new CliError(`${url} did not answer like a Pulse server${status ? ` (HTTP ${status})` : ''}: check the URL.${detail}`);
  }
  const fields = Object.entries(error.data?.fieldErrors ?? {}).map(([field, messages]) => `  ${field}: ${messages.join(' ')}`);
  return new CliError([error.message, ...fields].join('\n'));
}

/**
 * A tRPC client for one server whose requests carry (and update) the cookies in jar, or,
 * given an API token, carry `Authorization: Bearer` and no cookies.
 */
export function clientFor(url: string, jar: CookieJar, wrap?: (base: typeof fetch) => typeof fetch, token?: string): PulseClient {
  const base: typeof fetch = (input, init) => globalThis.fetch(input, init);
  const wrapped = wrap ? wrap(base) : base;
  return createPulseClient({ baseUrl: url, fetch: token ? wrapped : jar.fetch(wrapped), token });
}

let tokenFlag: string | undefined;

/** The --token option of this run (set before a command's action runs); PULSE_TOKEN otherwise. */
export function setTokenFlag(token: string | undefined): void {
  tokenFlag = token;
}

export const TOKEN_REFUSED = 'The API token was refused: it may have been revoked or have expired (create a new one in Pulse).';
export const TOKEN_NEEDS_URL = 'Give the server address in PULSE_URL when using an API token, e.g. PULSE_URL=http://127.0.0.1:3000';

/** Signed-out calls (login): errors explained, nothing saved. */
export async function anonymousCall<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw explain(error, url, false);
  }
}

/** The saved session: a client that sends its cookie, and the file kept up to date. */
export class Session {
  readonly jar: CookieJar;
  readonly client: PulseClient;

  constructor(
    readonly file: string,
    readonly stored: StoredSession,
    /** An API token (--token or PULSE_TOKEN): then it identifies the caller and no cookie is sent or saved. */
    readonly token?: string,
  ) {
    this.jar = new CookieJar(new URL(stored.url).origin, token ? [] : stored.cookies);
    this.client = clientFor(stored.url, this.jar, undefined, token);
  }

  get url(): string {
    return this.stored.url;
  }

  /**
   * The CLI's other commands start here: with an API token (--token or PULSE_TOKEN) on the
   * server in PULSE_URL (or the one last logged in to), else the session saved by login.
   */
  static open(file = sessionFile()): Session {
    const token = tokenFlag ?? (process.env.PULSE_TOKEN || undefined);
    if (token) {
      const rawUrl = process.env.PULSE_URL ?? readSession(file)?.url;
      if (!rawUrl) throw new CliError(TOKEN_NEEDS_URL);
      return new Session(file, { url: normaliseUrl(rawUrl), email: '', cookies: [], savedAt: new Date().toISOString() }, token);
    }
    const stored = readSession(file);
    if (!stored) throw new CliError(NOT_LOGGED_IN);
    if (!hasCookies(stored.url, stored.cookies)) throw new SessionExpired();
    return new Session(file, stored);
  }

  /** Another client on the same credentials, with its fetch wrapped (upload progress). */
  clientWith(wrap: (base: typeof fetch) => typeof fetch): PulseClient {
    return clientFor(this.url, this.jar, wrap, this.token);
  }

  /** Runs calls; refused credentials end in expire(). */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const explained = explain(error, this.url, true);
      if (explained instanceof SessionExpired) throw this.expire();
      throw explained;
    } finally {
      this.save();
    }
  }

  /** A plain HTTP request to the server with the session cookie or token (for non-tRPC endpoints). */
  async fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(CLIENT_HEADER.name, CLIENT_HEADER.value);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    const send = this.token ? globalThis.fetch : this.jar.fetch();
    try {
      return await send(`${this.url}${pathname}`, { ...init, headers });
    } catch (error) {
      throw explain(error, this.url, true);
    } finally {
      this.save();
    }
  }

  /**
   * Runs a request made with the @pulse/client options of this session (the streamed upload):
   * a refusal of the credentials ends in expire(), any other in its sentence (and each field's).
   */
  async stream<T>(fn: (opts: PulseLinkOptions) => Promise<T>): Promise<T> {
    const base: typeof fetch = (input, init) => globalThis.fetch(input, init);
    try {
      return await fn({ baseUrl: this.url, fetch: this.token ? base : this.jar.fetch(base), token: this.token });
    } catch (error) {
      if (error instanceof UploadError && error.status === 401) throw this.expire();
      if (!(error instanceof UploadError)) throw explain(error, this.url, true);
      const fields = Object.entries(error.fieldErrors).map(([field, messages]) => `  ${field}: ${messages.join(' ')}`);
      throw new CliError([error.message, ...fields].join('\n'));
    } finally {
      this.save();
    }
  }

  /** The error for credentials the server refused; a refused session is forgotten (URL and email stay for the next login). */
  expire(): CliError {
    if (this.token) return new CliError(TOKEN_REFUSED);
    this.jar.clear();
    this.save();
    return new SessionExpired();
  }

  save(): void {
    if (!this.jar.dirty) return;
    writeSession(this.file, { ...this.stored, cookies: this.jar.toJSON(), savedAt: new Date().toISOString() });
    this.jar.markClean();
  }
}
