import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';

/**
 * The one keyset-pagination helper. A list orders by a stable key ending in the row id;
 * the cursor is that key of the last row, opaque (base64url JSON) to clients. It never
 * carries the tenant: the caller's tenant filter always applies, so a cursor copied from
 * another tenant's list can only select the caller's own rows.
 */

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

export type CursorValue = string | number | boolean | null;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not valid for this list.');
  }
}

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const ok = Array.isArray(parsed) && parsed.length === length && parsed.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  if (!ok) throw new InvalidCursorError();
  return parsed as CursorValue[];
}

export interface KeyPart<Row> {
  /** SQL expression of the sort column (must match an index that leads with tenant_id). */
  column: Expression<unknown>;
  /** Reads the same value from a returned row. */
  value: (row: Row) => CursorValue;
  direction?: 'asc' | 'desc';
}

/**
 * WHERE clause selecting rows strictly after the cursor. When every key part has the
 * same direction it is one row comparison, `(a, b, id) > ($1, $2, $3)`, which PostgreSQL
 * answers with an index range scan. Mixed directions expand to the OR-chain.
 * Nullable sort columns must be wrapped by the caller (e.g. coalesce) so they are total.
 */
export function afterCursor<Row>(keys: KeyPart<Row>[], values: CursorValue[]): Expression<SqlBool> {
  const directions = new Set(keys.map((k) => k.direction ?? 'asc'));
  if (directions.size === 1) {
    const op = directions.has('desc') ? sql.raw('<') : sql.raw('>');
    const cols = sql.join(keys.map((k) => k.column));
    const vals = sql.join(values.map((v) => sql`${v}`));
    return sql<SqlBool>`(${cols}) ${op} (${vals})`;
  }
  const clauses = keys.map((key, i) => {
    const equalPrefix = keys.slice(0, i).map((k, j) => sql`${k.column} = ${values[j]}`);
    const op = (key.direction ?? 'asc') === 'desc' ? sql.raw('<') : sql.raw('>');
    return sql.join([...equalPrefix, sql`${key.column} ${op} ${values[i]}`], sql` AND `);
  });
  return sql<SqlBool>`(${sql.join(
    clauses.map((c) => sql`(${c})`),
    sql` OR `,
  )})`;
}

/** Cuts the limit+1 rows a query fetched into a page and the cursor for the next one. */
export function toPage<Row>(rows: Row[], limit: number, keys: KeyPart<Row>[]): Page<Row> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1] as Row;
  return { items, nextCursor: encodeCursor(keys.map((k) => k.value(last))) };
}

export interface PageRequest {
  limit: number;
  cursor?: string | null | undefined;
}

/** SQLSTATE class 22 (data exception): a value does not fit the type it is compared with. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * Applies cursor, order and limit+1 to a query, runs it and returns one page. The cursor's
 * values are bound as parameters of the sort columns' types; a cursor whose values do not
 * fit them (forged, mangled, or taken from a list sorted another way) makes the database
 * raise a data exception, which is reported as the InvalidCursorError it is.
 */
export async function paginate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, keys: KeyPart<O>[], page: PageRequest): Promise<Page<O>> {
  let q = query;
  if (page.cursor) q = q.where(afterCursor(keys, decodeCursor(page.cursor, keys.length)));
  for (const key of keys) q = q.orderBy(key.column, key.direction ?? 'asc');
  let rows: O[];
  try {
    rows = await q.limit(page.limit + 1).execute();
  } catch (error) {
    if (page.cursor && isDataException(error)) throw new InvalidCursorError();
    throw error;
  }
  return toPage(rows, page.limit, keys);
}
