import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { connect, type DatabaseHandle } from './connection.js';
import { migrateToLatest } from './migrate.js';

/**
 * A migrated database for one test file: in-memory PGlite by default, or a fresh
 * PostgreSQL database (created here, dropped by close) when DATABASE_URL is set.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await connect({ dataDir: 'memory' });
    await migrateToLatest(handle.db);
    return handle;
  }
  const name = `pulse_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const handle = await connect({ url: dbUrl.toString(), poolSize: 4, onIdleConnectionError: () => undefined });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Empties every application table (between tests). */
export async function truncateAll(handle: DatabaseHandle): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'
  `.execute(handle.db);
  if (rows.length === 0) return;
  await sql.raw(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} CASCADE`).execute(handle.db);
}
