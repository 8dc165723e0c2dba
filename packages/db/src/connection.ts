import fs from 'node:fs';
import { Kysely, PGliteDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema.js';
import { DeferredBeginPostgresDialect } from './postgres-driver.js';
import { APP_ROLE } from './tenancy.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** Receives the notifications of a channel; onLost is called once if they can no longer arrive. */
export interface Subscriber {
  onMessage(payload: string): void;
  onLost(error: Error): void;
}

/** LISTEN on a channel; resolves once listening, to the function that stops it. */
export type Listen = (channel: string, subscriber: Subscriber) => Promise<() => Promise<void>>;

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  listen: Listen;
  close(): Promise<void>;
  /** PGlite only: its data folder as a tar image, which another connect starts from (ConnectOptions.pgliteImage). */
  dumpImage?: () => Promise<Blob>;
}

export interface ConnectOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  url?: string | undefined;
  /** Folder for the embedded database; 'memory' keeps it in memory (tests). */
  dataDir?: string | undefined;
  /** pg pool size (ignored by PGlite, which has one connection). */
  poolSize?: number | undefined;
  /**
   * Called when an idle pooled connection fails (server restart, terminated backend); the
   * pool replaces it. Default: a one-line warning on stderr.
   */
  onIdleConnectionError?: ((error: Error) => void) | undefined;
  /**
   * Role every pooled connection works as from its first statement (startup option
   * `-c role=…`): the running app uses pulse_app, which owns nothing and cannot bypass RLS.
   */
  role?: string | undefined;
  /** A data folder saved with PGlite's dumpDataDir to start the embedded database from (tests start from a migrated one). */
  pgliteImage?: Blob | undefined;
}

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;

/**
 * The one place where driver differences are normalised: int8 and numeric become
 * numbers and DATE stays a 'YYYY-MM-DD' string on both PGlite and pg, so every
 * caller sees the same types whichever database runs underneath.
 */
const parsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: (v) => Number(v),
  [OID.NUMERIC]: (v) => Number(v),
  [OID.DATE]: (v) => v,
};

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      const parser = parsers[oid];
      if (parser && format !== 'binary') return parser;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- pg-types declares its built-in parsers as returning any
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export async function connect(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: pgTypes(),
      ...(options.role ? { options: `-c role=${options.role}` } : {}),
    });
    pool.on('error', options.onIdleConnectionError ?? ((error) => console.error(`PostgreSQL connection lost: ${error.message}`)));
    const db = new Kysely<Database>({ dialect: new DeferredBeginPostgresDialect(pool) });
    const listeners = new Set<() => Promise<void>>();
    return {
      db,
      kind: 'postgres',
      listen: listenOn(pool, listeners),
      close: async () => {
        await Promise.all([...listeners].map((stop) => stop()));
        await db.destroy();
      },
    };
  }
  const dataDir = options.dataDir ?? 'memory';
  if (dataDir !== 'memory') fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, { parsers, loadDataDir: options.pgliteImage });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  const listen: Listen = async (channel, subscriber) => {
    const stop = await pglite.listen(channel, (payload) => subscriber.onMessage(payload));
    return () => stop();
  };
  return { db, kind: 'pglite', listen, close: () => db.destroy(), dumpImage: () => pglite.dumpDataDir('none') };
}

/**
 * On PostgreSQL each listener holds its own connection outside the pool (a pooled one would
 * go back to the pool and stop listening); when that connection fails the subscriber hears
 * of it through onLost. The handle's close() stops those still listening.
 */
function listenOn(pool: pg.Pool, listeners: Set<() => Promise<void>>): Listen {
  return async (channel, subscriber) => {
    const client = new pg.Client(pool.options);
    let stopped = false;
    const lost = (error: Error) => {
      if (stopped) return;
      stopped = true;
      subscriber.onLost(error);
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('The notification connection closed.')));
    client.on('notification', (message) => {
      if (message.channel === channel) subscriber.onMessage(message.payload ?? '');
    });
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    const stop = async () => {
      listeners.delete(stop);
      if (stopped) return;
      stopped = true;
      await client.end();
    };
    listeners.add(stop);
    return stop;
  };
}

export async function pingDatabase(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Hands the running app a connection that works as the app role (pulse_app) after
 * migrations and seeding ran as the owner: a new pg pool with the role set at connection
 * start, or, for the single embedded PGlite connection, SET ROLE for the session.
 */
export async function asAppRole(owner: DatabaseHandle, options: ConnectOptions): Promise<DatabaseHandle> {
  if (owner.kind === 'pglite') {
    await sql`SET ROLE ${sql.id(APP_ROLE)}`.execute(owner.db);
    return owner;
  }
  await owner.close();
  return connect({ ...options, role: APP_ROLE });
}
