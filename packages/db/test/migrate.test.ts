import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connect } from '../src/connection.js';
import { migrateToLatest, migrationsAreCurrent } from '../src/migrate.js';

const url = process.env.DATABASE_URL;

describe('migrations', () => {
  it('apply on a fresh embedded database and report current', async () => {
    const handle = await connect({ dataDir: 'memory' });
    expect(await migrationsAreCurrent(handle.db)).toBe(false);
    await migrateToLatest(handle.db);
    expect(await migrationsAreCurrent(handle.db)).toBe(true);
    const again = await migrateToLatest(handle.db);
    expect(again.results).toEqual([]);
    await handle.close();
  });

  it.runIf(url)('do not race when two servers start at once on PostgreSQL', async () => {
    const name = `pulse_mig_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url as string);
    dbUrl.pathname = `/${name}`;
    const a = await connect({ url: dbUrl.toString(), poolSize: 2 });
    const b = await connect({ url: dbUrl.toString(), poolSize: 2 });
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
      const applied = [...(ra.results ?? []), ...(rb.results ?? [])].filter((r) => r.status === 'Success');
      const files = (
        await a.db
          .selectFrom('kysely_migration' as never)
          .selectAll()
          .execute()
      ).length;
      expect(applied.length).toBe(files);
      expect(await migrationsAreCurrent(a.db)).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
