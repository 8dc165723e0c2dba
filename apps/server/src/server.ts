import type http from 'node:http';
import path from 'node:path';
import { sql } from 'kysely';
import { APP_ROLE, asAppRole, connect, inspectLoginRole, migrateToLatest, type DatabaseHandle } from '@pulse/db';
import { defaultSessionPolicy, queueWorkers, scheduledJobs, seedDemoData, startQueue } from '@pulse/api';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logging.js';
import { makePrivate, openDataDir } from './data-dir.js';
import { quietStartup, StartupError, type StartupLog } from './startup.js';

export interface RunningServer {
  server: http.Server;
  database: DatabaseHandle;
  url: string;
  stop(): Promise<void>;
}

/**
 * How long one request may take to arrive whole (Node's default is 5 minutes). A streamed CSV
 * upload (up to 128 MB) is read at the pace its rows are stored, which on a busy machine takes
 * longer than that for 600,000 rows; the headers still have to arrive within Node's 60 seconds.
 */
export const REQUEST_TIMEOUT_MS = 30 * 60_000;

export const PLAIN_HTTP_WARNING =
  'NODE_ENV=production with TRUST_PROXY=0: the session cookie is Secure, so sign-in works only through an HTTPS proxy. ' +
  'Put one in front of Pulse and set TRUST_PROXY to the number of proxies; over plain HTTP, sign-in is refused.';

/** The SQL an operator runs to give the app a login that can only become pulse_app (shown when refusing to start). */
export function loginRoleAdvice(owner: string): string {
  return [
    'Create a login that can only become pulse_app, as a superuser or the owner (pulse_app exists once migrations ran;',
    `create it first with "CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;" if not):`,
    '',
    "  CREATE ROLE pulse_login LOGIN PASSWORD 'choose-a-long-password' NOSUPERUSER NOBYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE;",
    `  GRANT ${APP_ROLE} TO pulse_login;`,
    '',
    `or let pulse_app log in itself: ALTER ROLE ${APP_ROLE} LOGIN PASSWORD 'choose-a-long-password';`,
    '',
    'Then start Pulse with DATABASE_URL=postgres://pulse_login:…@host:5432/db (the app) and',
    `DATABASE_OWNER_URL=postgres://${owner}:…@host:5432/db (migrations). See docs/SECURITY.md, "The database login role".`,
  ].join('\n');
}

/**
 * In production the app's login must not be able to leave pulse_app (a superuser, a role
 * with BYPASSRLS or the tables' owner could read every tenant after one SQL injection), and
 * migrations need their own owner URL.
 */
async function checkProductionLogin(config: Config): Promise<void> {
  const probe = await connect({ url: config.databaseUrl, poolSize: 1 });
  const role = await inspectLoginRole(probe.db).finally(() => probe.close());
  if (role.problems.length > 0) {
    throw new StartupError(
      `in production the DATABASE_URL login role must only be able to become ${APP_ROLE}, but "${role.name}" ${role.problems.join(', ')}.\n` +
        loginRoleAdvice(role.name),
    );
  }
  if (config.databaseOwnerUrl === config.databaseUrl) {
    throw new StartupError(
      `DATABASE_OWNER_URL is required in production: the DATABASE_URL login "${role.name}" can only become ${APP_ROLE}, which cannot run migrations. ` +
        'Set DATABASE_OWNER_URL to the role that owns the tables.',
    );
  }
}

/** Opens the app's pool (working as pulse_app) and checks that its login may become pulse_app. */
async function openAppPool(owner: DatabaseHandle, config: Config, dataDir: string): Promise<DatabaseHandle> {
  const database = await asAppRole(owner, { url: config.databaseUrl, dataDir, poolSize: config.poolSize });
  try {
    await sql`SELECT 1`.execute(database.db);
  } catch (error) {
    await database.close();
    throw new StartupError(
      `the DATABASE_URL login cannot work as ${APP_ROLE} (${(error as Error).message}). As the owner, run: GRANT ${APP_ROLE} TO <the DATABASE_URL login>;`,
    );
  }
  return database;
}

function listenError(error: Error & { code?: string }, config: Config): Error {
  if (error.code === 'EADDRINUSE') {
    return new StartupError(`port ${config.port} is in use on ${config.host}: another program (perhaps another Pulse) listens there. Stop it or set PORT.`);
  }
  if (error.code === 'EACCES') return new StartupError(`port ${config.port} needs more privileges than this process has: set PORT to 1024 or above.`);
  return error;
}

/** The owner's connection, for migrations and the demo seed; PGlite's initial files are made private once it opened. */
export async function connectOwner(config: Config): Promise<DatabaseHandle> {
  const handle = await connect({ url: config.databaseOwnerUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: 2 });
  if (!config.databaseUrl) makePrivate(config.dataDir);
  return handle;
}

/**
 * Locks the data folder, connects, migrates, seeds demo data when enabled, starts the scheduled
 * jobs (PULSE_JOBS), and listens; says each step.
 */
export async function startServer(config: Config, log: StartupLog = quietStartup): Promise<RunningServer> {
  if (config.production && config.trustProxy === 0) log.warn(PLAIN_HTTP_WARNING);
  const embedded = !config.databaseUrl;
  const lock = openDataDir(config.dataDir, embedded, log);
  const dataDir = path.join(config.dataDir, 'pglite');
  let open: DatabaseHandle | undefined;
  try {
    if (config.production && !embedded) await checkProductionLogin(config);
    log.step(embedded ? `Opening the embedded database in ${dataDir}...` : 'Connecting to PostgreSQL...');
    open = await connectOwner(config);
    const migrations = (await migrateToLatest(open.db)).results ?? [];
    log.step(
      migrations.length
        ? `Applied ${migrations.length} database migration${migrations.length === 1 ? '' : 's'}: ${migrations.map((m) => m.migrationName).join(', ')}.`
        : 'Database schema is up to date.',
    );
    if (config.demoData) {
      const loaded = await seedDemoData(open.db, config.bcryptCost, (message) => log.step(message));
      if (loaded.length === 0) log.step('Demo data: nothing to load (already loaded, or the database holds other organisations).');
    }
    open = await openAppPool(open, config, dataDir);
    const database = open;
    const logger = createLogger(config.logLevel);
    const app = createApp({ db: database.db, config, logger, listen: database.listen });
    const server = await new Promise<http.Server>((resolve, reject) => {
      const s = app.listen(config.port, config.host, (error) => (error ? reject(listenError(error, config)) : resolve(s)));
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    const queue = config.jobs
      ? await startQueue({
          db: database.db,
          jobs: scheduledJobs(defaultSessionPolicy),
          workers: queueWorkers(config.mail),
          onError: (err) => logger.error({ err }, 'job queue error'),
        })
      : null;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      server,
      database,
      url: `http://${config.host}:${port}`,
      async stop() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await queue?.stop();
        await database.close();
        lock.release();
      },
    };
  } catch (error) {
    await open?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
