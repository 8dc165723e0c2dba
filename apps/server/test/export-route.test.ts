import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { createContext, defaultSessionPolicy, type SessionPort } from '@pulse/api';
import { createTestDatabase, type TestDatabase } from '@pulse/db/testing';
import { users, withTenant, type PublicUser } from '@pulse/db';
import { exportRouter } from '../src/routes/export.js';
import type { ContextResolver } from '../src/refusals.js';

let handle: TestDatabase;
let server: http.Server;
let url: string;
const signedIn = new Map<string, PublicUser>();

/** A session port for the user named by a test header (the real app reads express-session). */
function sessionOf(user: PublicUser | undefined): SessionPort {
  const now = new Date();
  return {
    current: user
      ? { sid: `s-${user.id}`, user, tenant: { id: user.tenantId, name: 'Northwind CS' }, rememberMe: false, createdAt: now, lastSeenAt: now, expiresAt: now }
      : null,
    start: () => Promise.reject(new Error('unused')),
    end: () => Promise.resolve(),
  };
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const tenantId = randomUUID();
  await withTenant(handle.db, tenantId, async (tx) => {
    await tx.insertInto('tenants').values({ id: tenantId, name: 'Northwind CS' }).execute();
    for (const role of ['admin', 'member'] as const) {
      const email = `${role}@northwind.test`;
      signedIn.set(email, await users.createUser(tx, { tenantId, email, name: role, role, password: 'correct horse battery' }, 4));
    }
  });
  const contextFor: ContextResolver = (req) =>
    createContext({
      db: handle.db,
      auth: { bcryptCost: 4, sessionPolicy: defaultSessionPolicy, production: false, tokenKey: 'test-token-key' },
      session: sessionOf(signedIn.get(req.get('x-test-user') ?? '')),
      ip: req.ip ?? null,
      requestId: 'test',
      setHeader: () => undefined,
    });
  const app = express().use(exportRouter({ db: handle.db, contextFor }));
  server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/export`;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await handle.close();
});

describe('GET /api/export', () => {
  it('streams the admin’s organisation as a zip attachment and logs the export', async () => {
    const res = await fetch(url, { headers: { 'x-test-user': 'admin@northwind.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="pulse-export-northwind-cs-${new Date().toISOString().slice(0, 10)}.zip"`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 2).toString()).toBe('PK');
    expect(body.includes('accounts.csv')).toBe(true);
    expect(body.includes('activity_log.csv')).toBe(true);
    expect(body.includes('tenants.csv')).toBe(true);
    const admin = signedIn.get('admin@northwind.test') as PublicUser;
    const logged = await handle.db
      .selectFrom('activity_log')
      .select(['user_id', 'resource_id'])
      .where('tenant_id', '=', admin.tenantId)
      .where('action', '=', 'tenant.export')
      .execute();
    expect(logged).toEqual([{ user_id: admin.id, resource_id: admin.tenantId }]);
  });

  it('answers HEAD with the headers only: no export is built and nothing is logged', async () => {
    const admin = signedIn.get('admin@northwind.test') as PublicUser;
    const exports = async () =>
      (await handle.db.selectFrom('activity_log').select('id').where('tenant_id', '=', admin.tenantId).where('action', '=', 'tenant.export').execute()).length;
    const before = await exports();
    const res = await fetch(url, { method: 'HEAD', headers: { 'x-test-user': 'admin@northwind.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('attachment; filename="pulse-export-northwind-cs-');
    expect(await exports()).toBe(before);
    expect((await fetch(url, { method: 'HEAD', headers: { 'x-test-user': 'member@northwind.test' } })).status).toBe(403);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(401);
  });

  it('refuses members and signed-out callers', async () => {
    const member = await fetch(url, { headers: { 'x-test-user': 'member@northwind.test' } });
    expect(member.status).toBe(403);
    expect(member.headers.get('content-disposition')).toBeNull();
    // The shape of tRPC's own errors (code -32003 = FORBIDDEN, -32001 = UNAUTHORIZED), as every procedure answers.
    expect(await member.json()).toEqual({
      error: { message: 'Only admins can export the organisation’s data.', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } },
    });
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { message: 'Please sign in.', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } } });
  });
});
