import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type DatabaseHandle, type Db } from '@pulse/db';
import { useTestDatabase } from '@pulse/db/testing';
import { createApp } from '../src/app.js';
import type { SessionCache } from '../src/session-cache.js';
import { HttpClient, PASSWORD, registerTenant, testConfig } from './harness.js';

/**
 * The app tier is stateless (docs/SCALING.md): two instances on one database share
 * sessions. On PostgreSQL each instance has its own connection pool, as separate
 * processes would; on PGlite (one connection) both instances share the handle.
 */

interface Instance {
  url: string;
  server: http.Server;
}

const handle = useTestDatabase();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function instance(
  db: Db,
  overrides: Record<string, string> = {},
  caching?: Pick<DatabaseHandle, 'listen'>,
): Promise<Instance & { cache?: SessionCache }> {
  let cache: SessionCache | undefined;
  const app = createApp({
    db,
    config: testConfig(overrides),
    ...(caching ? { listen: caching.listen, onSessionCache: (c: SessionCache) => (cache = c) } : {}),
  });
  cleanups.push(async () => cache?.close());
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, ...(cache ? { cache } : {}) };
}

/** The session id inside a signed session cookie (`pulse.sid=s:<sid>.<signature>`). */
function sidOf(client: HttpClient): string {
  const signed = decodeURIComponent((client.cookie ?? '').split('=')[1] ?? '');
  return signed.slice(2, signed.lastIndexOf('.'));
}

/** Until the cache listens, it serves nothing from memory: wait for its first hit. */
async function warm(client: HttpClient, cache: SessionCache): Promise<void> {
  while (cache.hits === 0) expect((await client.query('auth.me')).status).toBe(200);
}

/** A second, independent pool on the same PostgreSQL database as handle. */
async function secondPool(): Promise<DatabaseHandle> {
  const { name } = await handle.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name')).executeTakeFirstOrThrow();
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${name}`;
  const other = await connect({ url: url.toString(), poolSize: 4 });
  cleanups.push(() => other.close());
  return other;
}

/** The same browser (same cookie) talking to another instance. */
function sameCookieOn(client: HttpClient, url: string): HttpClient {
  const other = new HttpClient(url);
  other.cookie = client.cookie;
  return other;
}

async function sharesSessions(a: Instance, b: Instance): Promise<void> {
  // Signed in on A: B knows the session.
  const onA = await registerTenant(a.url, 'Acme', 'ada@acme.test');
  const onB = sameCookieOn(onA, b.url);
  const me = await onB.query<{ email: string; tenant: { name: string } }>('auth.me');
  expect(me.status).toBe(200);
  expect(me.data).toMatchObject({ email: 'ada@acme.test', tenant: { name: 'Acme' } });

  // Work done through B is visible through A.
  const created = await onB.mutation<{ id: string }>('accounts.create', { name: 'Shared Account' });
  expect(created.status).toBe(200);
  const fromA = await onA.query<{ name: string }>('accounts.byId', { id: created.data.id });
  expect(fromA.data.name).toBe('Shared Account');

  // A second login through B: A knows that session too.
  const loginB = new HttpClient(b.url);
  expect((await loginB.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD })).status).toBe(200);
  expect((await sameCookieOn(loginB, a.url).query('auth.me')).status).toBe(200);

  // Logout on B ends the session on A at once.
  expect((await onB.mutation('auth.logout')).status).toBe(200);
  const afterLogout = await onA.query('auth.me');
  expect(afterLogout.status).toBe(401);
  expect(afterLogout.code).toBe('UNAUTHORIZED');
  // …and only that session: the other login is still live on both.
  expect((await loginB.query('auth.me')).status).toBe(200);
  expect((await sameCookieOn(loginB, a.url).query('auth.me')).status).toBe(200);
}

describe('several app instances on one database', () => {
  it('share sessions through one database handle (PGlite or PostgreSQL)', async () => {
    const a = await instance(handle.db);
    const b = await instance(handle.db);
    await sharesSessions(a, b);
  });

  it.runIf(process.env.DATABASE_URL)('share sessions with a connection pool each (PostgreSQL)', async () => {
    const other = await secondPool();
    const a = await instance(handle.db);
    const b = await instance(other.db);
    await sharesSessions(a, b);
  });

  it.runIf(process.env.DATABASE_URL)('with session caches, a revocation on one instance reaches the other (PostgreSQL, LISTEN/NOTIFY)', async () => {
    const other = await secondPool();
    const a = await instance(handle.db, {}, handle);
    const b = await instance(other.db, {}, other);
    const cacheB = b.cache as SessionCache;

    // Logout on A: B answered the session from memory, and refuses it once told.
    const ada = await registerTenant(a.url, 'Acme', 'ada@acme.test');
    const adaOnB = sameCookieOn(ada, b.url);
    await warm(adaOnB, cacheB);
    const hits = cacheB.hits;
    expect((await adaOnB.query('auth.me')).status).toBe(200);
    expect(cacheB.hits).toBe(hits + 1);
    let told = cacheB.applied(`sid:${sidOf(ada)}`);
    expect((await ada.mutation('auth.logout')).status).toBe(200);
    await told;
    expect((await adaOnB.query('auth.me')).status).toBe(401);

    // A user deactivated through A: B refuses their cached session too.
    const admin = new HttpClient(a.url);
    expect((await admin.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD })).status).toBe(200);
    const bea = await admin.mutation<{ id: string }>('users.create', { name: 'Bea', email: 'bea@acme.test', role: 'member', password: PASSWORD });
    const beaOnB = new HttpClient(b.url);
    expect((await beaOnB.mutation('auth.login', { email: 'bea@acme.test', password: PASSWORD })).status).toBe(200);
    const before = cacheB.hits;
    expect((await beaOnB.query('auth.me')).status).toBe(200);
    expect((await beaOnB.query('auth.me')).status).toBe(200);
    expect(cacheB.hits).toBeGreaterThan(before);
    told = cacheB.applied(`user:${bea.data.id}`);
    expect((await admin.mutation('users.setActive', { id: bea.data.id, active: false })).status).toBe(200);
    await told;
    expect((await beaOnB.query('auth.me')).status).toBe(401);
  });

  it('with a session cache on PGlite or PostgreSQL, a logout on the same instance is refused at once', async () => {
    const a = await instance(handle.db, {}, handle);
    const cache = a.cache as SessionCache;
    const ada = await registerTenant(a.url, 'Acme', 'ada@acme.test');
    const again = sameCookieOn(ada, a.url);
    await warm(ada, cache);
    expect((await ada.mutation('auth.logout')).status).toBe(200);
    expect((await again.query('auth.me')).status).toBe(401);
  });

  it('need the same SESSION_SECRET: an instance with another secret sees no session', async () => {
    const a = await instance(handle.db);
    const stranger = await instance(handle.db, { SESSION_SECRET: 'another-secret-that-is-at-least-32-bytes' });
    const client = await registerTenant(a.url, 'Acme', 'ada@acme.test');
    const res = await sameCookieOn(client, stranger.url).query('auth.me');
    expect(res.status).toBe(401);
  });

  it.runIf(process.env.DATABASE_URL)('share login throttling: failures on one instance block the next try on the other', async () => {
    const other = await secondPool();
    const a = await instance(handle.db);
    const b = await instance(other.db);
    await registerTenant(a.url, 'Acme', 'ada@acme.test');
    const onA = new HttpClient(a.url);
    for (let i = 0; i < 5; i++) expect((await onA.mutation('auth.login', { email: 'ada@acme.test', password: 'wrong password' })).status).toBe(401);
    const onB = new HttpClient(b.url);
    const blocked = await onB.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).not.toBeNull();
  });
});
