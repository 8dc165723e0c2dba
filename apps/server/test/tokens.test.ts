import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenThrottle } from '@pulse/api';
import { createApp } from '../src/app.js';
import { HttpClient, registerTenant, testConfig, useTestServer } from './harness.js';

const sample = fs.readFileSync(path.resolve(import.meta.dirname, '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'));

const app = useTestServer();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A client that authenticates with a bearer token only: no cookie, no CSRF client header, no Origin. */
function bearer(token: string, url = app.url): HttpClient {
  const client = new HttpClient(url);
  client.extraHeaders = { authorization: `Bearer ${token}` };
  return client;
}

/** Plain fetch with the token, as `curl -H "Authorization: Bearer …"` would send it. */
function curl(token: string, pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${app.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
}

function curlUpload(token: string, fields: Record<string, string> = { period: '2026-02' }): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new File([sample], 'automotive.xlsx'));
  return curl(token, '/api/trpc/uploads.create', { method: 'POST', body: form });
}

async function createToken(admin: HttpClient, scope: 'read' | 'read-write', name = `${scope} feed`): Promise<{ id: string; token: string }> {
  const res = await admin.mutation<{ id: string; token: string }>('tokens.create', { name, scope });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.data;
}

describe('API tokens', () => {
  it('are created once with the pulse_ prefix, stored only as a keyed hash, and listed without the secret', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { id, token } = await createToken(admin, 'read-write', 'Nightly feed');
    expect(token).toMatch(/^pulse_[A-Za-z0-9_-]{43}$/);

    const stored = await app.handle.db.selectFrom('api_tokens').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await admin.query<{ items: Record<string, unknown>[] }>('tokens.list', {});
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.data.items).toEqual([
      expect.objectContaining({
        id,
        name: 'Nightly feed',
        scope: 'read-write',
        hint: `${token.slice(0, 10)}…`,
        createdBy: expect.objectContaining({ name: 'Acme Admin' }),
        expiresAt: null,
        lastUsedAt: null,
        status: 'active',
      }),
    ]);
  });

  it("upload with curl and a bearer token (no CSRF header): the tenant is the token's, the activity log names the token, last use is recorded", async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { id, token } = await createToken(admin, 'read-write', 'Nightly feed');
    const res = await curlUpload(token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { uploadId: string; report: { status: string } } } };
    expect(body.result.data.report.status).toBe('accepted');
    expect(res.headers.get('set-cookie')).toBeNull();

    const file = await curl(token, `/api/uploads/${body.result.data.uploadId}/file`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(sample)).toBe(true);

    const activity = await admin.query<{ items: { action: string; user: { name: string } | null; token: { id: string; name: string } | null }[] }>(
      'activity.list',
      { action: 'upload.accept' },
    );
    expect(activity.data.items).toEqual([
      expect.objectContaining({ action: 'upload.accept', user: expect.objectContaining({ name: 'Acme Admin' }), token: { id, name: 'Nightly feed' } }),
    ]);
    const list = await admin.query<{ items: { lastUsedAt: string | null }[] }>('tokens.list', {});
    expect(list.data.items[0]?.lastUsedAt).not.toBeNull();
  });

  it('a read token reads (queries, file and export routes) and is refused every change', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { token } = await createToken(admin, 'read');
    const reader = bearer(token);
    expect((await reader.query('accounts.list', {})).status).toBe(200);
    expect((await reader.query('auth.me')).data).toMatchObject({ email: 'ada@acme.test' });

    const create = await reader.mutation('accounts.create', { name: 'Injected' });
    expect(create.code).toBe('FORBIDDEN');
    expect(create.body.error?.message).toBe('This API token can only read: create a read-write token to change data.');
    const upload = await curlUpload(token);
    expect(upload.status).toBe(403);

    const exported = await curl(token, '/api/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/zip');
    await exported.arrayBuffer();
    const { items } = (await admin.query<{ items: { action: string; token: unknown }[] }>('activity.list', { action: 'tenant.export' })).data;
    expect(items).toEqual([expect.objectContaining({ token: expect.objectContaining({ name: 'read feed' }) })]);
  });

  it('session-only procedures refuse tokens: token management, user admin, password change, email choices, session refresh, sign-in', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { id, token } = await createToken(admin, 'read-write');
    const client = bearer(token);
    const calls = [
      client.mutation('tokens.create', { name: 'escalate', scope: 'read-write' }),
      client.query('tokens.list', {}),
      client.mutation('tokens.revoke', { id }),
      client.query('users.list', {}),
      client.mutation('users.create', { name: 'Eve', email: 'eve@acme.test', role: 'admin', password: 'a long password' }),
      client.mutation('users.changePassword', { currentPassword: 'correct horse battery', newPassword: 'another long one' }),
      client.query('notifications.preferences'),
      client.mutation('notifications.updatePreferences', { dailyDigest: false }),
      client.mutation('session.refresh'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.code).toBe('FORBIDDEN');
      expect(res.body.error?.message).toBe('API tokens cannot do this: sign in to Pulse as a person.');
    }
    const login = await client.mutation('auth.login', { email: 'ada@acme.test', password: 'correct horse battery' });
    expect(login.code).toBe('FORBIDDEN');
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await app.handle.db.selectFrom('api_tokens').select('api_tokens.id').execute()).toHaveLength(1);
  });

  it('members cannot manage tokens, and bad input gets sentences', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    await admin.mutation('users.create', { name: 'Mo', email: 'mo@acme.test', role: 'member', password: 'member password' });
    const member = new HttpClient(app.url);
    await member.mutation('auth.login', { email: 'mo@acme.test', password: 'member password' });
    expect((await member.mutation('tokens.create', { name: 'x', scope: 'read' })).code).toBe('FORBIDDEN');
    expect((await member.query('tokens.list', {})).code).toBe('FORBIDDEN');

    const badScope = await admin.mutation('tokens.create', { name: 'x', scope: 'admin' });
    expect(badScope.code).toBe('BAD_REQUEST');
    expect(badScope.body.error?.data.fieldErrors?.scope).toBeDefined();
    const past = await admin.mutation('tokens.create', { name: 'x', scope: 'read', expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.body.error?.data.fieldErrors?.expiresAt).toEqual(['The expiry must be in the future.']);
    const revokeMissing = await admin.mutation('tokens.revoke', { id: '00000000-0000-4000-8000-000000000000' });
    expect(revokeMissing.body.error?.message).toBe('Token not found.');
    expect((await new HttpClient(app.url).query('tokens.list', {})).code).toBe('UNAUTHORIZED');
  });

  it('a malformed, unknown, expired or revoked token is UNAUTHORIZED at once, and a bad bearer is never rescued by a cookie', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { id, token } = await createToken(admin, 'read-write');
    expect((await bearer(token).query('accounts.list', {})).status).toBe(200);

    const malformed = await bearer('not-a-token').query('accounts.list', {});
    expect(malformed.code).toBe('UNAUTHORIZED');
    expect(malformed.body.error?.message).toBe('The Authorization header must be "Bearer" followed by a Pulse API token (pulse_…).');
    const unknown = await bearer(`pulse_${'A'.repeat(43)}`).query('accounts.list', {});
    expect(unknown.body.error?.message).toBe('This API token is not valid: it may have been revoked or have expired.');

    const withCookie = bearer(`pulse_${'A'.repeat(43)}`);
    withCookie.cookie = admin.cookie;
    expect((await withCookie.query('accounts.list', {})).code).toBe('UNAUTHORIZED');

    expect((await admin.mutation('tokens.revoke', { id })).data).toMatchObject({ id, status: 'revoked' });
    expect((await bearer(token).query('accounts.list', {})).code).toBe('UNAUTHORIZED');
    expect((await curl(token, '/api/export')).status).toBe(401);
    expect((await curlUpload(token)).status).toBe(401);

    const second = await createToken(admin, 'read');
    await app.handle.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('api_tokens.id', '=', second.id)
      .execute();
    expect((await bearer(second.token).query('accounts.list', {})).code).toBe('UNAUTHORIZED');
    const listed = await admin.query<{ items: { id: string; status: string }[] }>('tokens.list', {});
    expect(listed.data.items.map((t) => t.status)).toEqual(['expired', 'revoked']);
  });

  it('a revoked token fails at once on another instance that used it a moment before (no cache)', async () => {
    const other = createApp({ db: app.handle.app, config: testConfig() });
    const server = await new Promise<http.Server>((resolve) => {
      const s = other.listen(0, '127.0.0.1', () => resolve(s));
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const otherUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const { id, token } = await createToken(admin, 'read');
    expect((await bearer(token, otherUrl).query('accounts.list', {})).status).toBe(200);
    await admin.mutation('tokens.revoke', { id });
    expect((await bearer(token, otherUrl).query('accounts.list', {})).code).toBe('UNAUTHORIZED');
  });

  it('throttles per token: past the per-minute limit one token gets 429 with Retry-After, another token is unaffected', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const busy = await createToken(admin, 'read', 'busy');
    const calm = await createToken(admin, 'read', 'calm');
    expect((await bearer(busy.token).query('accounts.list', {})).status).toBe(200);
    // The window opened by that request now holds the limit, as if limit requests had been made.
    await app.handle.db.updateTable('api_tokens').set({ window_count: tokenThrottle.limit }).where('api_tokens.id', '=', busy.id).execute();
    const refused = await bearer(busy.token).query('accounts.list', {});
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/^This API token made more than 600 requests in a minute\. Try again in \d+ seconds\.$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await curl(busy.token, '/api/export')).status).toBe(429);
    expect((await bearer(calm.token).query('accounts.list', {})).status).toBe(200);

    // A new window starts once the minute is over.
    await app.handle.db
      .updateTable('api_tokens')
      .set({ window_started_at: new Date(Date.now() - tokenThrottle.windowMs - 1000) })
      .where('api_tokens.id', '=', busy.id)
      .execute();
    expect((await bearer(busy.token).query('accounts.list', {})).status).toBe(200);
  });

  it("a token of tenant A never reaches tenant B: B's ids are NOT_FOUND, lists hold only A's rows, B's file is not served", async () => {
    const a = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const b = await registerTenant(app.url, 'Beta', 'bob@beta.test');
    const bToken = await createToken(b, 'read-write');
    const bUpload = (await (await curlUpload(bToken.token)).json()) as { result: { data: { uploadId: string; report: { accounts: { id: string }[] } } } };
    const bAccount = bUpload.result.data.report.accounts[0]?.id as string;

    const { token } = await createToken(a, 'read-write');
    const asA = bearer(token);
    expect((await asA.query('accounts.byId', { id: bAccount })).body.error?.message).toBe('Account not found.');
    expect((await asA.mutation('accounts.update', { id: bAccount, name: 'Hijacked' })).code).toBe('NOT_FOUND');
    expect((await asA.query<{ items: unknown[] }>('accounts.list', {})).data.items).toEqual([]);
    expect((await asA.query('uploads.byId', { id: bUpload.result.data.uploadId })).code).toBe('NOT_FOUND');
    expect((await curl(token, `/api/uploads/${bUpload.result.data.uploadId}/file`)).status).toBe(404);
    expect((await asA.query<{ tenant: { name: string } }>('auth.me')).data.tenant.name).toBe('Acme');
    const bTenant = (await b.query<{ tenant: { id: string } }>('auth.me')).data.tenant.id;
    const forged = bearer(token);
    forged.extraHeaders = { ...forged.extraHeaders, 'x-tenant-id': bTenant };
    expect((await forged.query<{ items: unknown[] }>('accounts.list', {})).data.items).toEqual([]);
  });
});
