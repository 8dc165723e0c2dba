import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/connection.js';
import { createTestDatabase } from '../src/testing.js';

/** A column's type as both sides can say it: its kind of value and whether it may be null. */
interface ColumnShape {
  kind: string;
  nullable: boolean;
}

/** The kind of value a PostgreSQL column's data type reads as (connection.ts: DATE is a string, counts are numbers). */
const pgKinds: Record<string, string> = {
  uuid: 'string',
  text: 'string',
  'character varying': 'string',
  citext: 'string',
  inet: 'string',
  date: 'string',
  integer: 'number',
  smallint: 'number',
  bigint: 'number',
  numeric: 'number',
  real: 'number',
  'double precision': 'number',
  boolean: 'boolean',
  'timestamp with time zone': 'Date',
  jsonb: 'json',
  json: 'json',
  bytea: 'bytes',
  // A full-text search vector reads as its text form ('word':1 …).
  tsvector: 'string',
  ARRAY: 'array',
};

/** The kind of one member of a selected column's TypeScript type (schema.ts's Json<T> columns are objects, arrays or unknown). */
function tsKind(type: ts.Type, checker: ts.TypeChecker): string {
  if (type.flags & ts.TypeFlags.StringLike) return 'string';
  if (type.flags & ts.TypeFlags.NumberLike) return 'number';
  if (type.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return 'json';
  const name = type.getSymbol()?.getName();
  if (name === 'Date') return 'Date';
  if (name === 'Uint8Array' || name === 'Buffer') return 'bytes';
  if (checker.isArrayType(type)) return 'array';
  return 'json';
}

/**
 * Every table's columns as src/schema.ts declares them, read from the types themselves with
 * the TypeScript checker (test/schema-probe.ts applies Kysely's Selectable to each table).
 */
function declaredShapes(): Record<string, Record<string, ColumnShape>> {
  const probe = fileURLToPath(new URL('./schema-probe.ts', import.meta.url));
  const program = ts.createProgram([probe], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(probe);
  const selected = file && checker.getSymbolAtLocation(file)?.exports?.get(ts.escapeLeadingUnderscores('Selected'));
  if (!selected) throw new Error('schema-probe.ts exports no Selected type');
  const tables: Record<string, Record<string, ColumnShape>> = {};
  for (const table of checker.getDeclaredTypeOfSymbol(selected).getProperties()) {
    const columns: Record<string, ColumnShape> = {};
    for (const column of checker.getTypeOfSymbol(table).getProperties()) {
      const type = checker.getTypeOfSymbol(column);
      const members = type.isUnion() ? type.types : [type];
      const present = members.filter((m) => !(m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
      const kinds = [...new Set(present.map((m) => tsKind(m, checker)))];
      columns[column.getName()] = { kind: kinds.length === 1 ? kinds[0]! : kinds.join(' | '), nullable: present.length < members.length };
    }
    tables[table.getName()] = columns;
  }
  return tables;
}

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

describe('schema', () => {
  it('declares every table and column of the migrated database with its type and nullability', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: 'YES' | 'NO' }>`
      SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name, ordinal_position
    `.execute(handle.db);
    const actual: Record<string, Record<string, ColumnShape>> = {};
    for (const r of rows) {
      const type = r.data_type === 'USER-DEFINED' ? r.udt_name : r.data_type;
      (actual[r.table_name] ??= {})[r.column_name] = { kind: pgKinds[type] ?? `unmapped ${type}`, nullable: r.is_nullable === 'YES' };
    }
    expect(Object.keys(actual).length).toBeGreaterThan(20);
    const declared = declaredShapes();
    const say = (c: ColumnShape | undefined) => (c ? `${c.kind}${c.nullable ? ' | null' : ''}` : 'missing');
    const drift: string[] = [];
    for (const table of new Set([...Object.keys(declared), ...Object.keys(actual)])) {
      for (const column of new Set([...Object.keys(declared[table] ?? {}), ...Object.keys(actual[table] ?? {})])) {
        const [d, a] = [declared[table]?.[column], actual[table]?.[column]];
        const same = d && a && d.nullable === a.nullable && (d.kind === a.kind || (a.kind === 'json' && d.kind === 'array'));
        if (!same) drift.push(`${table}.${column}: schema.ts says ${say(d)}, the database ${say(a)}`);
      }
    }
    expect(drift).toEqual([]);
  });

  it('keeps tenant_id in every foreign key between tenant tables', async () => {
    const { rows } = await sql<{ table_name: string; constraint_name: string; columns: string }>`
      SELECT tc.table_name, tc.constraint_name, string_agg(kcu.column_name, ',') AS columns
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu
        ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
      GROUP BY tc.table_name, tc.constraint_name
    `.execute(handle.db);
    const offenders = rows.filter((r) => !r.columns.split(',').includes('tenant_id'));
    expect(rows.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('normalises driver types: counts are numbers and dates are strings', async () => {
    const { rows } = await sql<{ n: unknown; d: unknown; ts: unknown; num: unknown }>`
      SELECT count(*) AS n, DATE '2026-03-01' AS d, now() AS ts, 1.5::numeric AS num
    `.execute(handle.db);
    expect(rows[0]).toMatchObject({ n: 1, d: '2026-03-01', num: 1.5 });
    expect(rows[0]?.ts).toBeInstanceOf(Date);
  });
});
