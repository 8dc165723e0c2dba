import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@pulse/db';
import { createTestDatabase, type TestDatabase } from '@pulse/db/testing';
import { PASSWORD, TEST_SECRET } from './harness.js';
import { freePort, ServerProcess, tempDir } from './process.js';

const adminUrl = process.env.DATABASE_URL;

async function admin<T = unknown>(statement: string): Promise<T[]> {
  const handle = await connect({ url: adminUrl, poolSize: 1 });
  try {
    return (await sql.raw<T>(statement).execute(handle.db)).rows;
  } finally {
    await handle.close();
  }
}

/** The checks need a PostgreSQL server (DATABASE_URL, a superuser as in CI); PGlite has no login roles. */
describe.skipIf(!adminUrl)('the database login role in production (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataDir: string;
  // pulse_app is cluster-wide and other test files run at the same time: this file's login role has its own name.
  const login = `pulse_login_${randomBytes(5).toString('hex')}`;
  const started: ServerProcess[] = [];

  const loginUrl = () => {
    const url = new URL(database.url as string);
    url.username = login;
    url.password = 'a-long-test-password';
    return url.toString();
  };

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = new ServerProcess({
      NODE_ENV: 'production',
      SESSION_SECRET: TEST_SECRET,
      TRUST_PROXY: '1',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      PULSE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    });
    started.push(server);
    return server;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = tempDir('pulse-login-');
    await admin(`CREATE ROLE ${login} LOGIN PASSWORD 'a-long-test-password' NOSUPERUSER NOBYPASSRLS NOINHERIT`);
    await admin(`GRANT pulse_app TO ${login}`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    await database?.close();
    await admin(`DROP ROLE IF EXISTS ${login}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start when DATABASE_URL logs in as a superuser, and shows the SQL for a proper login', async () => {
    const server = await start({ DATABASE_URL: database.url as string, DATABASE_OWNER_URL: database.url as string });
    expect(await server.exited).toBe(1);
    const role = new URL(database.url as string).username;
    expect(server.output).toContain(
      `Pulse cannot start: in production the DATABASE_URL login role must only be able to become pulse_app, but "${role}" is a superuser`,
    );
    expect(server.output).toContain("CREATE ROLE pulse_login LOGIN PASSWORD 'choose-a-long-password' NOSUPERUSER NOBYPASSRLS NOINHERIT");
    expect(server.output).toContain('GRANT pulse_app TO pulse_login;');
    expect(server.output).not.toContain('Applied');
  }, 120_000);

  it('refuses a login with BYPASSRLS', async () => {
    await admin(`ALTER ROLE ${login} BYPASSRLS`);
    try {
      const server = await start({ DATABASE_URL: loginUrl(), DATABASE_OWNER_URL: database.url as string });
      expect(await server.exited).toBe(1);
      expect(server.output).toContain(`but "${login}" has BYPASSRLS.`);
    } finally {
      await admin(`ALTER ROLE ${login} NOBYPASSRLS`);
    }
  }, 120_000);

  it('asks for DATABASE_OWNER_URL when the proper login has no owner to migrate with', async () => {
    const server = await start({ DATABASE_URL: loginUrl() });
    expect(await server.exited).toBe(1);
    expect(server.output).toContain(
      `Pulse cannot start: DATABASE_OWNER_URL is required in production: the DATABASE_URL login "${login}" can only become pulse_app`,
    );
  }, 120_000);

  it('starts with a login that can only become pulse_app: migrations as the owner, the app logged in as that login', async () => {
    const server = await start({ DATABASE_URL: loginUrl(), DATABASE_OWNER_URL: database.url as string });
    await server.waitFor(/Pulse is running at (\S+) /);
    const url = /Pulse is running at (\S+) /.exec(server.output)?.[1] as string;
    const headers = { 'content-type': 'application/json', 'x-pulse-client': 'web', 'x-forwarded-proto': 'https' };
    const registered = await fetch(`${url}/api/trpc/auth.register`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ organisationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: PASSWORD }),
    });
    expect(registered.status).toBe(200);
    const cookie = (registered.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const listed = await fetch(`${url}/api/trpc/accounts.list?input=${encodeURIComponent(JSON.stringify({ limit: 10 }))}`, {
      headers: { ...headers, cookie },
    });
    expect(listed.status).toBe(200);
    const rows = await admin<{ usename: string }>(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = '${new URL(database.url as string).pathname.slice(1)}' AND usename = '${login}'`,
    );
    expect(rows.map((r) => r.usename)).toEqual([login]);
    expect(await server.stop()).toBe(0);
  }, 240_000);
});
