import { sql, type Kysely } from 'kysely';

/**
 * Every timestamptz column keeps milliseconds, the precision of a JavaScript Date.
 * PostgreSQL's now() has microseconds, but a row read back into a Date (and a keyset cursor
 * made from it, see pagination.ts) has milliseconds only: a list sorted on such a column
 * repeated rows across pages (ascending) or skipped them (descending). Storing milliseconds
 * makes the value a client sees the value that is compared. New timestamptz columns should
 * be declared timestamptz(3).
 */
async function timestampColumns(db: Kysely<unknown>, precision: number | null) {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = 'public' AND data_type = 'timestamp with time zone'
      AND table_name NOT LIKE 'kysely_%'
      AND datetime_precision IS DISTINCT FROM ${precision}
    ORDER BY table_name, ordinal_position
  `.execute(db);
  const byTable = new Map<string, string[]>();
  for (const r of rows) byTable.set(r.table_name, [...(byTable.get(r.table_name) ?? []), r.column_name]);
  return byTable;
}

async function setPrecision(db: Kysely<unknown>, type: string, from: number | null) {
  for (const [table, columns] of await timestampColumns(db, from)) {
    const changes = columns.map((c) => sql`ALTER COLUMN ${sql.ref(c)} TYPE ${sql.raw(type)}`);
    await sql`ALTER TABLE ${sql.table(table)} ${sql.join(changes)}`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await setPrecision(db, 'timestamptz(3)', 3);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await setPrecision(db, 'timestamptz', 6);
}
