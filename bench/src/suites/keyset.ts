import { encodeCursor, withTenant, type Db } from '@pulse/db';
import type { CompiledQuery } from 'kysely';
import { listAccounts, listReadings, type AccountFilters } from '@pulse/api';
import { captureSql, fmtMs, fmtX, tenantExec, type BenchContext, type Exec } from '../context.js';
import { getJson, trpcQueryPath } from '../http.js';
import { interleave, type Timing } from '../stats.js';

const LIMIT = 50;
const DEEP_PAGE = 1000;
const TARGET = 1.3;

export interface ListSpec {
  name: 'accounts.list' | 'kpis.list';
  /** Rows the list shows (for the last page). */
  count(db: Db, tenantId: string): Promise<number>;
  /** Cursor that opens page `page` (1-based): the key of the row before it. */
  cursorFor(db: Db, tenantId: string, page: number): Promise<string>;
  run(db: Db, tenantId: string, cursor: string | null): Promise<{ items: { id: string }[] }>;
  httpInput(cursor: string | null): Record<string, unknown>;
}

const accountFilters: AccountFilters = { sort: 'name', order: 'asc' };

export const accountsList: ListSpec = {
  name: 'accounts.list',
  async count(db, tenantId) {
    const r = await db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async cursorFor(db, tenantId, page) {
    const r = await db
      .selectFrom('accounts')
      .select(['name_key', 'id'])
      .where('tenant_id', '=', tenantId)
      .where('archived_at', 'is', null)
      .orderBy('name_key')
      .orderBy('id')
      .offset((page - 1) * LIMIT - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    return encodeCursor([r.name_key, r.id]);
  },
  run: (db, tenantId, cursor) => listAccounts(db, tenantId, accountFilters, { limit: LIMIT, cursor }),
  httpInput: (cursor) => ({ limit: LIMIT, ...(cursor ? { cursor } : {}) }),
};

export const kpisList: ListSpec = {
  name: 'kpis.list',
  async count(db, tenantId) {
    const r = await db
      .selectFrom('kpi_readings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async cursorFor(db, tenantId, page) {
    const r = await db
      .selectFrom('kpi_readings')
      .select(['period', 'id'])
      .where('tenant_id', '=', tenantId)
      .orderBy('period', 'desc')
      .orderBy('id', 'desc')
      .offset((page - 1) * LIMIT - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    return encodeCursor([r.period, r.id]);
  },
  run: (db, tenantId, cursor) => listReadings(db, tenantId, {}, { limit: LIMIT, cursor }),
  httpInput: (cursor) => ({ limit: LIMIT, ...(cursor ? { cursor } : {}) }),
};

export interface PlanCheck {
  plan: string;
  indexCondOnRow: boolean;
  sort: boolean;
  offset: boolean;
  ok: boolean;
}

export async function explain(exec: Exec, q: CompiledQuery): Promise<PlanCheck> {
  const { rows } = await exec.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.sql}`, [...q.parameters]);
  const plan = rows.map((r) => String(Object.values(r)[0])).join('\n');
  const indexCondOnRow = /Index Cond: .*ROW\(/.test(plan);
  const sort = /^\s*(->\s+)?(Incremental )?Sort\b/m.test(plan);
  const offset = /\boffset\b/i.test(q.sql);
  return { plan, indexCondOnRow, sort, offset, ok: indexCondOnRow && !sort && !offset };
}

export interface DepthResult {
  list: string;
  deepPage: number;
  pages: number;
  sql: { page1: Timing; deep: Timing; ratio: number; offsetDeep: Timing; rawPage1: Timing; rawDeep: Timing };
  http?: { page1: Timing; deep: Timing; ratio: number };
  explain: PlanCheck;
  explainPage1: string;
}

/**
 * Page 1 vs a deep page of one list, each the way the app runs it (inside withTenant, so as
 * pulse_app under row-level security): the domain function, its SQL replayed, the OFFSET
 * equivalent of the deep page, the EXPLAIN of the deep page, and optionally over HTTP.
 */
export async function measureDepth(spec: ListSpec, db: Db, tenantId: string, rounds: number, http?: { url: string; cookie: string }): Promise<DepthResult> {
  const exec = tenantExec(db, tenantId);
  const rows = await spec.count(db, tenantId);
  const pages = Math.ceil(rows / LIMIT);
  if (pages < 2) throw new Error(`${spec.name}: only one page of data`);
  const deepPage = Math.min(DEEP_PAGE, pages);
  const cursor = await spec.cursorFor(db, tenantId, deepPage);
  const domain = (c: string | null) => withTenant(db, tenantId, (tx) => spec.run(tx, tenantId, c));

  const [page1Sql] = await captureSql(db, (d) => spec.run(d, tenantId, null));
  const [deepSql] = await captureSql(db, (d) => spec.run(d, tenantId, cursor));
  if (!page1Sql || !deepSql) throw new Error(`${spec.name}: no SQL captured`);
  const offsetSql = `${page1Sql.sql} offset ${(deepPage - 1) * LIMIT}`;

  // The cursor must open the same page OFFSET does.
  const viaCursor = await domain(cursor);
  const viaOffset = await exec.query<{ id: string }>(offsetSql, [...page1Sql.parameters]);
  if (viaCursor.items[0]?.id !== viaOffset.rows[0]?.id) throw new Error(`${spec.name}: cursor page ${deepPage} differs from OFFSET page`);

  const t = await interleave(
    {
      page1: () => domain(null),
      deep: () => domain(cursor),
      rawPage1: () => exec.query(page1Sql.sql, [...page1Sql.parameters]),
      rawDeep: () => exec.query(deepSql.sql, [...deepSql.parameters]),
      offsetDeep: () => exec.query(offsetSql, [...page1Sql.parameters]),
    },
    rounds,
  );
  const result: DepthResult = {
    list: spec.name,
    deepPage,
    pages,
    sql: { page1: t.page1, deep: t.deep, ratio: t.deep.p50 / t.page1.p50, offsetDeep: t.offsetDeep, rawPage1: t.rawPage1, rawDeep: t.rawDeep },
    explain: await explain(exec, deepSql),
    explainPage1: (await explain(exec, page1Sql)).plan,
  };
  if (http) {
    const page1Path = trpcQueryPath(spec.name, spec.httpInput(null));
    const deepPath = trpcQueryPath(spec.name, spec.httpInput(cursor));
    const h = await interleave(
      {
        page1: () => getJson(http.url, page1Path, http.cookie),
        deep: () => getJson(http.url, deepPath, http.cookie),
      },
      rounds,
    );
    result.http = { page1: h.page1, deep: h.deep, ratio: h.deep.p50 / h.page1.p50 };
  }
  return result;
}

export async function keysetSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, largest, options } = ctx;
  const out: DepthResult[] = [];
  for (const spec of [accountsList, kpisList]) {
    ctx.log(`  ${spec.name}…`);
    const r = await measureDepth(spec, prepared.handle.db, largest.id, options.rounds, { url: ctx.app.url, cookie: ctx.cookie });
    out.push(r);
    const label = `${spec.name} p1 vs p${r.deepPage}`;
    results.add(
      '1 keyset depth',
      `${label}, domain fn in withTenant`,
      `${fmtMs(r.sql.page1.p50)} vs ${fmtMs(r.sql.deep.p50)} = ${fmtX(r.sql.ratio)}`,
      `≤ ${TARGET}×`,
      r.sql.ratio <= TARGET,
    );
    if (r.http) {
      results.add(
        '1 keyset depth',
        `${label}, HTTP (full stack)`,
        `${fmtMs(r.http.page1.p50)} vs ${fmtMs(r.http.deep.p50)} = ${fmtX(r.http.ratio)}`,
        `≤ ${TARGET}×`,
        r.http.ratio <= TARGET,
      );
    }
    results.add(
      '1 keyset depth',
      `${spec.name} OFFSET p${r.deepPage} (same SQL)`,
      `${fmtMs(r.sql.offsetDeep.p50)} = ${fmtX(r.sql.offsetDeep.p50 / r.sql.rawPage1.p50)} of p1`,
    );
    results.add(
      '1 keyset depth',
      `${spec.name} EXPLAIN p${r.deepPage}`,
      `${r.explain.indexCondOnRow ? 'row comparison in Index Cond' : 'NO row comparison in Index Cond'}, ${r.explain.sort ? 'Sort' : 'no Sort'}, ${r.explain.offset ? 'OFFSET' : 'no OFFSET'}`,
      'index cond, no sort/offset',
      r.explain.ok,
    );
  }
  results.detail('keyset', out);
}
