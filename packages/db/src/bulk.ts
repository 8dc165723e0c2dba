import { sql, type RawBuilder } from 'kysely';
import type { Db } from './tenancy.js';

/** Column of a bulk insert: its name, PostgreSQL array type, and the values (one per row). */
export interface BulkColumn {
  name: string;
  type: 'uuid' | 'text' | 'float8' | 'int4' | 'bool' | 'jsonb' | 'timestamptz';
  values: unknown[];
}

const CHUNK_ROWS = 5000;

/**
 * Bulk insert through unnest(): one statement per 5,000 rows, each column sent as one
 * array parameter. Much faster than row-by-row inserts and works on PGlite and pg alike.
 */
export async function bulkInsert(db: Db, table: string, columns: BulkColumn[]): Promise<void> {
  const rowCount = columns[0]?.values.length ?? 0;
  for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, rowCount);
    const names = sql.join(columns.map((c) => sql.id(c.name)));
    const arrays: RawBuilder<unknown>[] = columns.map((c) => sql`${c.values.slice(start, end)}::${sql.raw(c.type)}[]`);
    await sql`INSERT INTO ${sql.table(table)} (${names}) SELECT * FROM unnest(${sql.join(arrays)})`.execute(db);
  }
}
