import {
  AbortedTransactionError,
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';

/**
 * Kysely's PostgreSQL dialect with one difference, built on Kysely's public Dialect/Driver
 * interfaces and pg's documented client API (no patched methods): a transaction's `begin`
 * is held back and sent with the transaction's first statement, saving a round trip per
 * transaction. When that statement is text without parameters (withTenant's set_config),
 * both travel as one simple-protocol message `begin; <statement>` (pg answers a message of
 * several statements with one result each; the statement's own is returned). Otherwise the
 * `begin` is sent just before it. A transaction that ran nothing sends neither `begin` nor
 * its `commit`/`rollback`. A transaction with an isolation level or access mode starts with
 * its own `start transaction` statement. (Savepoints and streaming are not offered: Pulse
 * uses neither.)
 */
export class DeferredBeginPostgresDialect implements Dialect {
  constructor(private readonly pool: pg.Pool) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new DeferredBeginDriver(this.pool);
  }

  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

const BEGIN = CompiledQuery.raw('begin');

class PgConnection implements DatabaseConnection {
  /** A transaction was begun and its `begin` is not sent yet. */
  beginPending = false;
  /** A failed rollback left the connection in an unknown state: the pool discards it. */
  broken = false;

  constructor(readonly client: pg.PoolClient) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.beginPending) {
      this.beginPending = false;
      if (query.parameters.length === 0) return this.send<R>(`begin; ${query.sql}`, []);
      await this.send(BEGIN.sql, []);
    }
    return this.send<R>(query.sql, query.parameters);
  }

  /** Like Kysely's PostgresDialect without a `cursor`: Pulse streams nothing through Kysely. */
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries is not supported by this PostgreSQL connection.');
  }

  private async send<R>(text: string, values: readonly unknown[]): Promise<QueryResult<R>> {
    const answer = (await this.client.query(text, values as unknown[])) as pg.QueryResult | pg.QueryResult[];
    const { command, rowCount, rows } = Array.isArray(answer) ? (answer[answer.length - 1] as pg.QueryResult) : answer;
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
    const changed = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
    return { ...(changed ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}), rows: rows as R[] };
  }
}

class DeferredBeginDriver implements Driver {
  private open = true;

  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect();
    if (!this.open) {
      client.release();
      throw new Error('The database connection pool is closed.');
    }
    return new PgConnection(client);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as PgConnection;
    if (!settings.isolationLevel && !settings.accessMode) {
      c.beginPending = true;
      return;
    }
    const mode = [settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '', settings.accessMode ?? ''].filter(Boolean).join(' ');
    await c.executeQuery(CompiledQuery.raw(`start transaction ${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    if (c.beginPending) {
      c.beginPending = false;
      return;
    }
    const { rows } = await c.executeQuery<{ command: string }>(CompiledQuery.raw('commit'));
    // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    if (c.beginPending) {
      c.beginPending = false;
      return;
    }
    try {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      c.broken = true;
      throw error;
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PgConnection;
    c.beginPending = false;
    c.client.release(c.broken);
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.pool.end();
  }
}
