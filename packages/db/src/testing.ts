import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { sql } from 'kysely';
import { connect, type DatabaseHandle } from './connection.js';
import { adminQuery } from './testing-setup.js';
import { APP_ROLE, type Db } from './tenancy.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated database every test database is copied from (testing-setup.ts): a PGlite image file, or a PostgreSQL template database. */
    pulseTestTemplate: string;
  }
}

export interface TestDatabase extends DatabaseHandle {
  /**
   * What the app under test uses. On PostgreSQL a second pool working as pulse_app, as in
   * production; `db` stays the owner for setting up and inspecting rows. PGlite has one
   * connection, so there both are the owner connection.
   */
  app: Db;
  /** The test database's URL on PostgreSQL (for tests that open their own pool); undefined on PGlite. */
  url: string | undefined;
}

/**
 * A migrated database for one test file: in-memory PGlite by default, or a fresh
 * PostgreSQL database (created here, dropped by close) when DATABASE_URL is set. Either is
 * a copy of the database testing-setup.ts migrated once for the whole test run.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const template = inject('pulseTestTemplate');
  if (!template) throw new Error('No migrated test database: add @pulse/db/testing-setup to globalSetup in vitest.config.ts.');
  if (!url) {
    const handle = await connect({ dataDir: 'memory', pgliteImage: new Blob([fs.readFileSync(template)]) });
    return { ...handle, app: handle.db, url: undefined };
  }
  const name = `pulse_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const quiet = { url: dbUrl.toString(), poolSize: 4, onIdleConnectionError: () => undefined };
  const handle = await connect(quiet);
  const app = await connect({ ...quiet, role: APP_ROLE });
  return {
    ...handle,
    app: app.db,
    url: quiet.url,
    close: async () => {
      await app.close();
      await handle.close();
      await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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

/**
 * One resource for a whole test file: created before its first test, reset before each
 * test, closed after the last. The returned object stands for it inside hooks and tests.
 */
export function useForTestFile<T extends { close(): Promise<void> }>(create: () => Promise<T>, reset: (resource: T) => Promise<void>): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await create();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    if (current) await reset(current);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!current) throw new Error('The test resource exists only inside hooks and tests.');
      return current[key as keyof T];
    },
  });
}

/** The usual test-file setup: one migrated database for the file, emptied before each test. */
export function useTestDatabase(): TestDatabase {
  return useForTestFile(createTestDatabase, truncateAll);
}
