import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { sessions, users, type Db, type PublicUser } from '@pulse/db';
import type { TestDatabase } from '@pulse/db/testing';
import { createCallerFactory } from '../src/trpc.js';
import { appRouter } from '../src/router.js';
import type { AuthSettings, Context, CurrentSession, SessionPort, Tenant } from '../src/context.js';
import { defaultSessionPolicy } from '../src/session-policy.js';
import { registerTenant } from '../src/domain/tenants.js';

export const samplesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/seed/samples');
export const sampleWorkbooks = fs
  .readdirSync(path.join(samplesDir, 'workbooks'))
  .filter((f) => f.endsWith('.xlsx'))
  .sort();
export const readSample = (name: string): Buffer => fs.readFileSync(path.join(samplesDir, name));

const createCaller = createCallerFactory(appRouter);
export const BCRYPT_COST = 4;
export const PASSWORD = 'correct horse battery';
export const testAuth: AuthSettings = { bcryptCost: BCRYPT_COST, sessionPolicy: defaultSessionPolicy, production: false, tokenKey: 'test-token-key' };

/**
 * A signed-in session for procedure tests. Starting one replaces the current id and writes
 * the new row, as the HTTP host does (a password change issues a new id); ending sessions
 * is the HTTP tests' job.
 */
function sessionFor(db: Db, user: PublicUser, tenant: Tenant): SessionPort {
  const now = new Date();
  const port: SessionPort = {
    current: {
      sid: `test-${user.id}`,
      user,
      tenant,
      rememberMe: false,
      createdAt: now,
      lastSeenAt: new Date(now.getTime() + 3_600_000),
      expiresAt: new Date(now.getTime() + 8 * 3_600_000),
    },
    async start(input) {
      if (port.current) await sessions.deleteSession(db, port.current.sid);
      const createdAt = new Date();
      const next: CurrentSession = {
        ...input,
        sid: `test-${randomUUID()}`,
        createdAt,
        lastSeenAt: createdAt,
        expiresAt: new Date(createdAt.getTime() + 8 * 3_600_000),
      };
      await sessions.insertSession(db, {
        sid: next.sid,
        tenantId: input.tenant.id,
        userId: input.user.id,
        data: {},
        rememberMe: next.rememberMe,
        createdAt,
        lastSeenAt: createdAt,
        expiresAt: next.expiresAt,
      });
      port.current = next;
      return next;
    },
    end: () => Promise.reject(new Error('not available in procedure tests')),
  };
  return port;
}

export type Caller = ReturnType<typeof createCaller>;

export function callerFor(
  db: Db,
  user: PublicUser,
  tenant: Tenant,
  ip: string | null = '127.0.0.1',
  options: Pick<Context, 'recomputeJobThreshold'> = {},
): Caller {
  return createCaller({
    ...options,
    db,
    auth: testAuth,
    session: sessionFor(db, user, tenant),
    user,
    tenant,
    ip,
    requestId: 'test',
    setHeader: () => undefined,
  });
}

export function anonymousCaller(db: Db): Caller {
  return createCaller({
    db,
    auth: testAuth,
    session: { current: null, start: () => Promise.reject(new Error('no')), end: () => Promise.resolve() },
    user: null,
    tenant: null,
    ip: null,
    requestId: 'test',
    setHeader: () => undefined,
  });
}

export interface TestTenant {
  tenant: Tenant;
  admin: PublicUser;
  member: PublicUser;
  asAdmin: Caller;
  asMember: Caller;
}

export async function makeTenant(handle: TestDatabase, name: string): Promise<TestTenant> {
  const slug = name.toLowerCase().replace(/\W+/g, '');
  const { tenant, user: admin } = await registerTenant(
    handle.db,
    { organisationName: name, name: `${name} Admin`, email: `admin@${slug}.test`, password: PASSWORD },
    BCRYPT_COST,
    null,
  );
  const member = await users.createUser(
    handle.db,
    { tenantId: tenant.id, email: `member@${slug}.test`, name: `${name} Member`, role: 'member', password: PASSWORD },
    BCRYPT_COST,
  );
  return { tenant, admin, member, asAdmin: callerFor(handle.app, admin, tenant), asMember: callerFor(handle.app, member, tenant) };
}

export function formData(fields: Record<string, string>, file?: { name: string; bytes: Buffer | string; type?: string }): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  if (file) fd.set('file', new File([file.bytes], file.name, { type: file.type ?? '' }));
  return fd;
}

export function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
}
