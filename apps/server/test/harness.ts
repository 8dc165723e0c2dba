import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createTestDatabase, truncateAll, useForTestFile } from '@pulse/db/testing';
import type { TestDatabase } from '@pulse/db/testing';
import { loadConfig, type Config } from '../src/config.js';
import { createApp } from '../src/app.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', SESSION_SECRET: TEST_SECRET, BCRYPT_COST: '4', PORT: '0', ...overrides });
}

export interface TestServer {
  url: string;
  handle: TestDatabase;
  server: http.Server;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** An app listening on a free port of 127.0.0.1. */
export async function listen(app: Express): Promise<{ url: string; server: http.Server; stop(): Promise<void> }> {
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real Express app on a migrated test database, listening on a free port. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const handle = await createTestDatabase();
  const listening = await listen(createApp({ db: handle.app, config: testConfig(overrides) }));
  return {
    url: listening.url,
    handle,
    server: listening.server,
    reset: () => truncateAll(handle),
    async close() {
      await listening.stop();
      await handle.close();
    },
  };
}

/** The usual server test-file setup: one server for the file, its database emptied before each test. */
export function useTestServer(): TestServer {
  return useForTestFile(
    () => startTestServer(),
    (server) => server.reset(),
  );
}

export interface CallResult<T = unknown> {
  status: number;
  body: { result?: { data: T }; error?: { message: string; code: number; data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> } } };
  headers: Headers;
  data: T;
  code: string | undefined;
}

/** A browser-like tRPC-over-HTTP client with its own cookie jar. */
export class HttpClient {
  cookie: string | null = null;
  extraHeaders: Record<string, string> = {};

  constructor(private readonly baseUrl: string) {}

  private headers(json: boolean): Record<string, string> {
    return {
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.cookie ? { cookie: this.cookie } : {}),
      'x-pulse-client': 'web',
      origin: this.baseUrl,
      ...this.extraHeaders,
    };
  }

  private async finish<T>(res: Response): Promise<CallResult<T>> {
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (!pair) continue;
      const expired = /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c);
      this.cookie = expired ? null : pair;
    }
    const body = (await res.json()) as CallResult<T>['body'];
    return { status: res.status, body, headers: res.headers, data: body.result?.data as T, code: body.error?.data.code };
  }

  async mutation<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}`, {
      method: 'POST',
      headers: this.headers(true),
      body: input === undefined ? undefined : JSON.stringify(input),
    });
    return this.finish<T>(res);
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${this.baseUrl}/api/trpc/${path}${qs}`, { headers: this.headers(false) });
    return this.finish<T>(res);
  }
}

export const PASSWORD = 'correct horse battery';

export async function registerTenant(baseUrl: string, org: string, email: string): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const res = await client.mutation('auth.register', { organisationName: org, name: `${org} Admin`, email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`register failed: ${JSON.stringify(res.body)}`);
  return client;
}
