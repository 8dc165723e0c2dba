import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { asAppRole, connect, type DatabaseHandle } from '../src/connection.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';
import { createUser, type PublicUser } from '../src/repos/users.js';
import { deleteSession, findSessionContext, insertSession } from '../src/repos/sessions.js';
import { withTenant } from '../src/tenancy.js';

let handle: TestDatabase;
let tenantId: string;
let ada: PublicUser;

beforeAll(async () => {
  handle = await createTestDatabase();
  const t = await handle.db.insertInto('tenants').values({ name: 'Acme' }).returning('tenants.id').executeTakeFirstOrThrow();
  tenantId = t.id;
  ada = await createUser(handle.db, { tenantId, email: 'ada@acme.test', name: 'Ada', role: 'admin', password: 'right password' }, 4);
}, 60_000);
afterAll(async () => {
  await handle.close();
});

describe('findSessionContext', () => {
  beforeEach(async () => {
    const now = new Date('2026-11-29T10:00:00.000Z');
    await deleteSession(handle.db, 'sid-1');
    await insertSession(handle.db, {
      sid: 'sid-1',
      tenantId,
      userId: ada.id,
      data: { userId: ada.id },
      rememberMe: true,
      createdAt: now,
      lastSeenAt: new Date('2026-11-29T10:05:00.000Z'),
      expiresAt: new Date('2026-12-06T10:00:00.000Z'),
    });
  });

  it('reads the session, its user (without the hash) and its tenant in one statement, as the app role', async () => {
    const appDb = handle.kind === 'pglite' ? (await asAppRole(handle, { dataDir: 'memory' })).db : handle.app;
    try {
      const found = await findSessionContext(appDb, 'sid-1');
      expect(found).toEqual({
        session: {
          sid: 'sid-1',
          tenantId,
          userId: ada.id,
          data: { userId: ada.id },
          rememberMe: true,
          createdAt: new Date('2026-11-29T10:00:00.000Z'),
          lastSeenAt: new Date('2026-11-29T10:05:00.000Z'),
          expiresAt: new Date('2026-12-06T10:00:00.000Z'),
        },
        user: ada,
        tenant: { id: tenantId, name: 'Acme' },
      });
      expect(JSON.stringify(found)).not.toMatch(/\$2[aby]\$/);
      expect(await findSessionContext(appDb, 'sid-2')).toBeNull();
    } finally {
      if (handle.kind === 'pglite') await sql`RESET ROLE`.execute(handle.db);
    }
  });

  it('reports a deactivated user as inactive', async () => {
    await handle.db.updateTable('users').set({ active: false }).where('users.id', '=', ada.id).execute();
    expect((await findSessionContext(handle.db, 'sid-1'))?.user.active).toBe(false);
    await handle.db.updateTable('users').set({ active: true }).where('users.id', '=', ada.id).execute();
    expect((await findSessionContext(handle.db, 'sid-1'))?.user.active).toBe(true);
  });
});

/** A new owner pool on the test database that records every SQL text its connections send. */
async function countingPool(): Promise<DatabaseHandle & { sent(): string[]; reset(): void }> {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with each client as `this` below
  const original = pg.Client.prototype.query;
  let sent: string[] = [];
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    if (typeof args[0] === 'string') sent.push(args[0].replace(/\s+/g, ' ').trim());
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  const counted = await connect({ url: handle.url, poolSize: 1 });
  return {
    ...counted,
    sent: () => sent,
    reset: () => {
      sent = [];
    },
    close: async () => {
      await counted.close();
      spy.mockRestore();
    },
  };
}

describe('withTenant', () => {
  it('rejects a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(handle.db, `${tenantId}' OR true --`, () => Promise.resolve(1))).rejects.toThrow('UUID');
    await expect(withTenant(handle.db, '', () => Promise.resolve(1))).rejects.toThrow('UUID');
  });

  it.runIf(process.env.DATABASE_URL)('on PostgreSQL, opens the transaction and sets the tenant in one round trip', async () => {
    const counted = await countingPool();
    try {
      const rows = await withTenant(counted.db, tenantId, async (tx) => {
        const settings = await sql<{ t: string; u: string; x: boolean }>`
          SELECT current_setting('app.tenant_id') AS t, current_user AS u, now() = statement_timestamp() AS x
        `.execute(tx);
        return settings.rows;
      });
      expect(rows[0]?.t).toBe(tenantId);
      expect(rows[0]?.u).toBe('pulse_app');
      // now() is the transaction's start, statement_timestamp() this statement's: a transaction was open.
      expect(rows[0]?.x).toBe(false);
      expect(counted.sent()).toEqual([
        `begin; SELECT set_config('app.tenant_id', '${tenantId}', true), set_config('role', 'pulse_app', true)`,
        expect.stringContaining('current_setting'),
        'commit',
      ]);

      counted.reset();
      await expect(
        withTenant(counted.db, tenantId, async (tx) => {
          await tx.insertInto('accounts').values({ tenant_id: tenantId, name: 'Rolled back', name_key: 'rolled back' }).execute();
          throw new Error('fails after a write');
        }),
      ).rejects.toThrow('fails after a write');
      expect(counted.sent().at(-1)).toBe('rollback');
      expect(await handle.db.selectFrom('accounts').select('accounts.id').where('accounts.name', '=', 'Rolled back').execute()).toEqual([]);

      counted.reset();
      await counted.db.transaction().execute(() => Promise.resolve());
      expect(counted.sent()).toEqual([]);

      counted.reset();
      const count = await counted.db.transaction().execute(async (tx) =>
        tx
          .selectFrom('accounts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('accounts.tenant_id', '=', tenantId)
          .executeTakeFirstOrThrow(),
      );
      expect(count.n).toBe(0);
      expect(counted.sent()).toEqual(['begin', expect.stringContaining('count(*)'), 'commit']);

      // A first statement without parameters travels with the BEGIN, and its own rows come back.
      counted.reset();
      const merged = await counted.db.transaction().execute(async (tx) => (await sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(tx)).rows);
      expect(merged).toEqual([{ n: 42 }]);
      expect(counted.sent()).toEqual(['begin; SELECT 41 + 1 AS n', 'commit']);

      // An error swallowed inside the transaction aborts it: COMMIT answers ROLLBACK and the caller hears of it.
      counted.reset();
      await expect(
        counted.db.transaction().execute(async (tx) => {
          await sql`SELECT 1 / 0`.execute(tx).catch(() => undefined);
        }),
      ).rejects.toThrow(/abort|rolled back/i);

      // The connection goes back to the pool outside any transaction.
      const after = await sql<{ t: string | null }>`SELECT current_setting('app.tenant_id', true) AS t`.execute(counted.db);
      expect(after.rows[0]?.t ?? '').toBe('');
    } finally {
      await counted.close();
    }
  });
});
