import { listAccounts, portfolioSummary } from '@pulse/api';
import { countStatements } from '../database.js';
import { withTenant } from '@pulse/db';
import { captureSql, fmtMs, fmtX, tenantExec, type BenchContext } from '../context.js';
import { getJson, trpcQueryPath } from '../http.js';
import { interleave } from '../stats.js';

/**
 * health.summary in one statement: the same six results portfolioSummary builds with its
 * statements (tiers with revenue, needing attention, biggest drops, the trend of the newest
 * periods, the change between the two newest, the setup checks), as JSON columns of a
 * single SELECT.
 */
export const SUMMARY_SQL = `
WITH RECURSIVE periods (period, n) AS (
  (SELECT period, 1 FROM account_health WHERE tenant_id = $1 AND product_id IS NULL ORDER BY period DESC LIMIT 1)
  UNION ALL
  SELECT (SELECT h.period FROM account_health h WHERE h.tenant_id = $1 AND h.product_id IS NULL AND h.period < p.period
          ORDER BY h.period DESC LIMIT 1), p.n + 1
  FROM periods p WHERE p.period IS NOT NULL AND p.n < 12),
trend AS (
  SELECT h.period, avg(h.overall) AS average, count(h.overall) AS accounts
  FROM account_health h
  JOIN accounts a ON a.tenant_id = h.tenant_id AND a.id = h.account_id AND a.archived_at IS NULL
  WHERE h.tenant_id = $1 AND h.product_id IS NULL AND h.period >= (SELECT min(period) FROM periods)
  GROUP BY h.period),
newest AS (SELECT period FROM trend ORDER BY period DESC LIMIT 2)
SELECT
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT health_tier, count(*) AS n, avg(health_overall) AS avg, coalesce(sum(revenue), 0) AS revenue FROM accounts
     WHERE tenant_id = $1 AND archived_at IS NULL GROUP BY health_tier) t) AS tiers,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT id, name, health_overall, health_tier, health_period FROM accounts
     WHERE tenant_id = $1 AND archived_at IS NULL AND health_tier IN ('critical', 'at_risk')
     ORDER BY coalesce(health_overall, -1), id LIMIT 10) t) AS attention,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT id, name, health_period, health_previous_period, health_overall, health_previous_overall FROM accounts
     WHERE tenant_id = $1 AND archived_at IS NULL AND health_overall < health_previous_overall
     ORDER BY health_overall - health_previous_overall, id LIMIT 10) t) AS drops,
  (SELECT coalesce(json_agg(t ORDER BY t.period DESC), '[]') FROM trend t) AS trend,
  (SELECT json_build_object('accounts', count(*), 'change', avg(cur.overall - prev.overall))
   FROM account_health cur
   JOIN account_health prev ON prev.tenant_id = cur.tenant_id AND prev.account_id = cur.account_id AND prev.product_id IS NULL
     AND prev.period = (SELECT min(period) FROM newest)
   JOIN accounts a ON a.tenant_id = cur.tenant_id AND a.id = cur.account_id AND a.archived_at IS NULL
   WHERE cur.tenant_id = $1 AND cur.product_id IS NULL AND cur.period = (SELECT max(period) FROM newest)
     AND cur.overall IS NOT NULL AND prev.overall IS NOT NULL AND (SELECT count(*) FROM newest) = 2) AS change,
  json_build_object(
    'profiles', EXISTS (SELECT 1 FROM accounts WHERE tenant_id = $1 AND (industry IS NOT NULL OR csm_owner IS NOT NULL OR renewal_date IS NOT NULL)),
    'kpis', EXISTS (SELECT 1 FROM kpi_uploads WHERE tenant_id = $1 AND status = 'accepted'),
    'ranges', EXISTS (SELECT 1 FROM activity_log WHERE tenant_id = $1 AND resource_type IN ('range', 'settings')),
    'teammates', EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 OFFSET 1)) AS setup`;

/** What the single statement and portfolioSummary must agree on. */
interface SingleSummary {
  attention: { id: string }[];
  drops: { id: string }[];
  change: { accounts: number };
  setup: Record<string, boolean>;
}

export async function dashboardSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, largest, options, app, cookie } = ctx;
  const db = prepared.handle.db;
  const exec = tenantExec(db, largest.id);
  const summaryFn = () => withTenant(db, largest.id, (tx) => portfolioSummary(tx, largest.id));
  const counter = countStatements();
  const rounds = Math.max(5, Math.round(options.rounds / 4));

  // health.summary: statements, then the domain function vs one statement vs HTTP.
  counter.reset();
  const domain = await summaryFn();
  const domainStatements = counter.read();
  const single = (await exec.query<SingleSummary>(SUMMARY_SQL, [largest.id])).rows[0] as SingleSummary;
  const same =
    JSON.stringify(domain.needingAttention.map((a) => a.id)) === JSON.stringify(single.attention.map((a) => a.id)) &&
    JSON.stringify(domain.biggestDrops.map((a) => a.id)) === JSON.stringify(single.drops.map((a) => a.id)) &&
    (domain.averageChange?.accounts ?? 0) === single.change.accounts &&
    JSON.stringify(domain.setup) === JSON.stringify(single.setup);
  if (!same) throw new Error('health.summary: the single statement disagrees with portfolioSummary');
  const parts = await captureSql(db, (d) => portfolioSummary(d, largest.id));
  const partTimes: number[] = [];
  for (const q of parts) {
    const { rows } = await exec.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, [...q.parameters]);
    partTimes.push(Number((rows[0] as { 'QUERY PLAN': { 'Execution Time': number }[] })['QUERY PLAN'][0]?.['Execution Time']));
  }
  await app.resetStatements();
  await getJson(app.url, trpcQueryPath('health.summary'), cookie);
  const httpSummaryStatements = await app.statements();
  const summary = await interleave(
    {
      domain: summaryFn,
      single: () => exec.query(SUMMARY_SQL, [largest.id]),
      http: () => getJson(app.url, trpcQueryPath('health.summary'), cookie),
    },
    rounds,
  );

  // accounts.list sorted by health (worst first): domain vs its one statement replayed vs HTTP.
  const filters = { sort: 'health', order: 'asc' } as const;
  const listFn = () => withTenant(db, largest.id, (tx) => listAccounts(tx, largest.id, filters, { limit: 50 }));
  counter.reset();
  await listFn();
  const listStatements = counter.read();
  const [listSql] = await captureSql(db, (d) => listAccounts(d, largest.id, filters, { limit: 50 }));
  if (!listSql) throw new Error('no SQL captured');
  await app.resetStatements();
  const listPath = trpcQueryPath('accounts.list', { limit: 50, sort: 'health', order: 'asc' });
  await getJson(app.url, listPath, cookie);
  const httpListStatements = await app.statements();
  const list = await interleave(
    {
      domain: listFn,
      single: () => exec.query(listSql.sql, [...listSql.parameters]),
      http: () => getJson(app.url, listPath, cookie),
    },
    options.rounds,
  );

  results.add(
    '5 dashboard',
    `health.summary: domain in withTenant (${domainStatements} SQL) vs 1 statement`,
    `${fmtMs(summary.domain.p50)} vs ${fmtMs(summary.single.p50)} = ${fmtX(summary.domain.p50 / summary.single.p50)}`,
    '< 2×',
    summary.domain.p50 / summary.single.p50 < 2,
  );
  results.add('5 dashboard', `health.summary over HTTP (${httpSummaryStatements} SQL/req)`, fmtMs(summary.http.p50));
  results.add('5 dashboard', `  per statement: tiers / attention / drops / trend / change / setup`, partTimes.map((t) => fmtMs(t)).join(' / '));
  results.add(
    '5 dashboard',
    `accounts.list by health: domain in withTenant (${listStatements} SQL) vs its statement`,
    `${fmtMs(list.domain.p50)} vs ${fmtMs(list.single.p50)} = ${fmtX(list.domain.p50 / list.single.p50)}`,
    '< 2×',
    list.domain.p50 / list.single.p50 < 2,
  );
  results.add('5 dashboard', `accounts.list by health over HTTP (${httpListStatements} SQL/req)`, fmtMs(list.http.p50));

  // One accounts page as the dashboard's list shows it: the page, then its trends in one call.
  const page = await getJson<{ result: { data: { items: { id: string }[] } } }>(app.url, listPath, cookie);
  const trendsPath = trpcQueryPath('health.trends', { accountIds: page.result.data.items.map((a) => a.id), periods: 12 });
  await app.resetStatements();
  await getJson(app.url, listPath, cookie);
  await getJson(app.url, trendsPath, cookie);
  const pageStatements = await app.statements();
  const pageTimes = await interleave(
    { page: async () => Promise.all([getJson(app.url, listPath, cookie), getJson(app.url, trendsPath, cookie)]) },
    options.rounds,
  );
  results.add(
    '5 dashboard',
    `accounts page (50 rows): accounts.list + health.trends over HTTP`,
    `${pageStatements} SQL per page (2 requests), ${fmtMs(pageTimes.page.p50)}`,
  );
  results.detail('dashboard', {
    accountsPage: { statements: pageStatements, ...pageTimes },
    summary: { ...summary, domainStatements, httpStatements: httpSummaryStatements, statementMs: partTimes, statements: parts.map((p) => p.sql) },
    accountsByHealth: { ...list, domainStatements: listStatements, httpStatements: httpListStatements, sql: listSql.sql },
  });
}
