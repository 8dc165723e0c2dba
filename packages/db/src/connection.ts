import fs from 'node:fs';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema.js';
import { APP_ROLE } from './tenancy.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
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
    pool.on('connect', beginWithFirstStatement);
    pool.on('release', (_error: Error | undefined, client: pg.PoolClient) => beginPending.delete(client));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory';
  if (dataDir !== 'memory') fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === 'memory' ? undefined : dataDir, { parsers });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

type SendQuery = (text: unknown, values?: unknown[]) => unknown;

/** Pooled clients holding back the BEGIN of the transaction they are in (cleared on release). */
const beginPending = new WeakSet<pg.PoolClient>();

const held = (command: string) => Promise.resolve({ command, rowCount: null, rows: [], fields: [], oid: 0 });

/**
 * Saves a round trip per transaction on a PostgreSQL server: Kysely opens a transaction
 * with its own `begin`; this holds it back and sends it in the same simple-protocol message
 * as the transaction's first statement when that statement is text without parameters
 * (withTenant's set_config), or queued just before the first statement otherwise (pg runs a
 * client's queries in order). A transaction that ran nothing sends neither `begin` nor its
 * `commit`/`rollback`. Query results are those of the statement itself.
 */
function beginWithFirstStatement(client: pg.PoolClient): void {
  const proto = Object.getPrototypeOf(client) as { query: SendQuery };
  const send: SendQuery = (text, values) => proto.query.call(client, text, values);
  const query: SendQuery = (text, values) => {
    const command = typeof text === 'string' ? text.trim().toLowerCase() : null;
    if (command === 'begin') {
      beginPending.add(client);
      return held('BEGIN');
    }
    if (!beginPending.delete(client)) return send(text, values);
    if (command === 'commit' || command === 'rollback') return held(command.toUpperCase());
    if (command === null || (values && values.length > 0)) {
      (send('begin') as Promise<unknown>).catch(() => undefined); // a failed BEGIN fails the statement queued after it
      return send(text, values);
    }
    return (send(`begin; ${text as string}`) as Promise<pg.QueryResult | pg.QueryResult[]>).then((results) =>
      Array.isArray(results) ? results[results.length - 1] : results,
    );
  };
  client.query = query as unknown as typeof client.query;
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
