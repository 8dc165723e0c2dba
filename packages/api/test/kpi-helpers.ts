import { expect } from 'vitest';
import { sql } from 'kysely';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { Db } from '@pulse/db';
import { csv, formData, readSample, type Caller } from './harness.js';

/** Shared pieces of the KPI-domain tests (uploads, health, ranges, lists, isolation). */

export const CSV_HEADER = ['account', 'period', 'category', 'kpi', 'value', 'impact'];

/** One CSV line: account, period, category, kpi, value, impact. */
export type Line = [account: string, period: string, category: string, kpi: string, value: string, impact: string];

export function uploadCsv(caller: Caller, lines: Line[], fields: Record<string, string> = {}, extraColumns?: { header: string[]; rows: string[][] }) {
  const header = extraColumns ? [...CSV_HEADER, ...extraColumns.header] : CSV_HEADER;
  const rows = lines.map((l, i) => (extraColumns ? [...l, ...(extraColumns.rows[i] ?? [])] : [...l]));
  return caller.uploads.create(formData(fields, { name: 'readings.csv', bytes: csv([header, ...rows]), type: 'text/csv' }));
}

/** The id of an upload that was stored (accepted, or rejected after reading); a refused one fails the test. */
export function storedId(result: { uploadId: string | null }): string {
  expect(result.uploadId).not.toBeNull();
  return result.uploadId as string;
}

export function uploadWorkbook(caller: Caller, file: string, period: string, fields: Record<string, string> = {}) {
  return caller.uploads.create(formData({ period, ...fields }, { name: file, bytes: readSample(`workbooks/${file}`) }));
}

/**
 * The worked example of packages/scoring/README.md as four CSV lines for one account and period.
 * Scores: 78, 50, 91.75, 40.4 → Product Usage 71, Support 60.94 → overall 66.976, at_risk.
 */
export function readmeExample(account: string, period: string): Line[] {
  return [
    [account, period, 'Product Usage', 'Customer Retention Rate', '94%', 'High'],
    [account, period, 'Product Usage', 'Feature Adoption Rate', '66%', 'Low'],
    [account, period, 'Support', 'First Response Time', '30 minutes', 'Medium'],
    [account, period, 'Support', 'Mean Time to Resolution (MTTR)', '20 hours', 'High'],
  ];
}
export const README_OVERALL = 66.976;

/** Awaits a call that must fail with this tRPC code (and message, when given); returns the error. */
export async function expectTrpcError(promise: Promise<unknown>, code: TRPC_ERROR_CODE_KEY, message?: string | RegExp): Promise<TRPCError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  const e = error as TRPCError;
  expect({ code: e.code, message: e.message }).toMatchObject({ code, ...(typeof message === 'string' ? { message } : {}) });
  if (message instanceof RegExp) expect(e.message).toMatch(message);
  return e;
}

/** Every page of a keyset-paginated list, checking each page's size and that the last has no cursor. */
export async function allPages<T>(fetch: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page: { items: T[]; nextCursor: string | null } = await fetch(cursor);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

/** Tables that hold tenant data; isolation tests snapshot them per tenant. */
export const tenantTables = [
  'users',
  'tenant_settings',
  'accounts',
  'products',
  'kpi_uploads',
  'kpi_upload_versions',
  'kpi_readings',
  'account_health',
  'reference_ranges',
  'activity_log',
  'notes',
  'sentiment_entries',
] as const;

/** Every row of every tenant table for one tenant, in a stable order. */
export async function snapshotTenant(db: Db, tenantId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of tenantTables) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE tenant_id = ${tenantId}`.execute(db);
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** A database handle that counts the SQL statements Kysely sends through it. */
export function countingDb(db: Db): { db: Db; count: () => number; reset: () => void } {
  let n = 0;
  const counted = db.withPlugin({
    transformQuery(args) {
      n += 1;
      return args.node;
    },
    transformResult(args) {
      return Promise.resolve(args.result);
    },
  });
  return {
    db: counted,
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}

/**
 * Section 5 of the spec, written out independently of @pulse/scoring, to cross-check stored
 * health: impact-weighted category means (High 3, Medium 2, Low 1), then the weighted mean
 * of the categories that have a scored reading.
 */
export function rollupByHand(
  readings: { category: string; impact: string; score: number | null }[],
  weights: Record<string, number>,
): { overall: number | null; categories: Record<string, number | null> } {
  const impactWeight: Record<string, number> = { High: 3, Medium: 2, Low: 1 };
  const sums = new Map<string, { total: number; weight: number }>();
  for (const r of readings) {
    const s = sums.get(r.category) ?? { total: 0, weight: 0 };
    if (r.score !== null) {
      const w = impactWeight[r.impact] ?? 2;
      s.total += w * r.score;
      s.weight += w;
    }
    sums.set(r.category, s);
  }
  const categories: Record<string, number | null> = {};
  let total = 0;
  let weight = 0;
  for (const [category, s] of sums) {
    const score = s.weight > 0 ? s.total / s.weight : null;
    categories[category] = score;
    const w = weights[category] ?? 0;
    if (score !== null && w > 0) {
      total += w * score;
      weight += w;
    }
  }
  return { overall: weight > 0 ? total / weight : null, categories };
}
