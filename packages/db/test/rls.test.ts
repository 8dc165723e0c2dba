import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/connection.js';
import { createTestDatabase } from '../src/testing.js';
import { asAppRole } from '../src/connection.js';
import { findSessionContext } from '../src/repos/sessions.js';
import { verifyCredentials } from '../src/repos/users.js';
import { APP_ROLE, withTenant } from '../src/tenancy.js';

let handle: DatabaseHandle;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  handle = await createTestDatabase();
  await handle.db
    .insertInto('tenants')
    .values([
      { id: A, name: 'A' },
      { id: B, name: 'B' },
    ])
    .execute();
  for (const tenant of [A, B]) {
    await handle.db
      .insertInto('accounts')
      .values({ tenant_id: tenant, name: `acct ${tenant}`, name_key: `acct ${tenant}` })
      .execute();
  }
});
afterAll(async () => {
  await handle.close();
});

describe('row-level security', () => {
  it('RLS catalogue check: every tenant table has RLS enabled and forced with a tenant policy', async () => {
    const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: number }>`
      SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
        (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = 'tenant_isolation') AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND (c.relname = 'tenants' OR EXISTS (
          SELECT 1 FROM information_schema.columns col
          WHERE col.table_schema = 'public' AND col.table_name = c.relname AND col.column_name = 'tenant_id'))
    `.execute(handle.db);
    expect(rows.length).toBeGreaterThanOrEqual(16);
    for (const r of rows)
      expect({ table: r.relname, enabled: r.relrowsecurity, forced: r.relforcerowsecurity, policies: Number(r.policies) }).toEqual({
        table: r.relname,
        enabled: true,
        forced: true,
        policies: 1,
      });
  });

  it('RLS catalogue check: the app role owns no table and cannot bypass RLS', async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
      SELECT r.rolsuper, r.rolbypassrls,
        (SELECT count(*) FROM pg_tables t WHERE t.tableowner = r.rolname) AS owned
      FROM pg_roles r WHERE r.rolname = ${APP_ROLE}
    `.execute(handle.db);
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, owned: 0 }]);
  });

  it('inside withTenant a query without a tenant filter sees only that tenant', async () => {
    const seen = await withTenant(handle.db, A, (tx) => tx.selectFrom('accounts').select('accounts.tenant_id').execute());
    expect(seen).toEqual([{ tenant_id: A }]);
    const role = await withTenant(handle.db, A, (tx) => sql<{ u: string }>`SELECT current_user AS u`.execute(tx));
    expect(role.rows[0]?.u).toBe(APP_ROLE);
  });

  it('the app role with no tenant set sees no rows', async () => {
    const rows = await handle.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', ${APP_ROLE}, true)`.execute(tx);
      return tx.selectFrom('accounts').select('accounts.id').execute();
    });
    expect(rows).toEqual([]);
  });

  it("the app role cannot write another tenant's rows", async () => {
    await expect(
      withTenant(handle.db, A, (tx) => tx.insertInto('accounts').values({ tenant_id: B, name: 'sneaky', name_key: 'sneaky' }).execute()),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(handle.db, A, (tx) =>
      tx.updateTable('accounts').set({ name: 'hijacked' }).where('accounts.tenant_id', '=', B).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
  });

  it("given a transaction (the demo seed's), withTenant scopes it to the tenant and refuses a second tenant in it", async () => {
    const attempt = handle.db.transaction().execute(async (tx) => {
      const seen = await withTenant(tx, A, (scoped) => scoped.selectFrom('accounts').select('accounts.tenant_id').execute());
      expect(seen).toEqual([{ tenant_id: A }]);
      expect(await withTenant(tx, A.toUpperCase(), () => Promise.resolve('same tenant again'))).toBe('same tenant again');
      await withTenant(tx, B, () => Promise.resolve());
    });
    await expect(attempt).rejects.toThrow('withTenant: this transaction already belongs to another tenant.');
  });

  it('the setting is transaction-local and does not leak to the next statement', async () => {
    await withTenant(handle.db, A, () => Promise.resolve());
    const { rows } = await sql<{ t: string | null; u: string }>`SELECT current_setting('app.tenant_id', true) AS t, current_user AS u`.execute(handle.db);
    expect(rows[0]?.t ?? '').toBe('');
    expect(rows[0]?.u).not.toBe(APP_ROLE);
  });

  it('the running app connects as pulse_app: no tenant rows outside withTenant, auth lookups through definer functions', async () => {
    const fresh = await createTestDatabase();
    try {
      await fresh.db.insertInto('tenants').values({ id: A, name: 'A' }).execute();
      await fresh.db.insertInto('accounts').values({ tenant_id: A, name: 'a', name_key: 'a' }).execute();
      const app = fresh.kind === 'pglite' ? (await asAppRole(fresh, { dataDir: 'memory' })).db : fresh.app;
      const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(app);
      expect(who.rows[0]?.u).toBe(APP_ROLE);
      expect(await app.selectFrom('accounts').select('accounts.id').execute()).toEqual([]);
      expect(await app.selectFrom('users').select('users.id').execute()).toEqual([]);
      expect(await findSessionContext(app, 'no-such-session')).toBeNull();
      expect(await verifyCredentials(app, 'nobody@a.test', 'whatever pw', 4)).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
