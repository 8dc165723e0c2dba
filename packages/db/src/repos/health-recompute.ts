import { sql, type Kysely, type RawBuilder } from 'kysely';
import { bandShapes, impactWeights, kpiKey, type BandShape, type HealthSettings, type ReferenceRange } from '@pulse/scoring';
import type { Database, HealthTier } from '../schema.js';

/**
 * Re-scoring after a range or settings change, done inside PostgreSQL so the process never
 * holds a tenant's readings: a range change rewrites only that KPI's readings and the
 * category scores they feed; a weight or tier change rewrites no reading at all and
 * recombines each stored health from its stored category scores. Every expression below
 * is the SQL form of @pulse/scoring (scoreValue, rollupHealth, tierFor) with the same
 * floating-point operations in the same order; packages/api/test/recompute.test.ts checks them against
 * it case by case. Sums run in reading-id order, the order recomputeHealth feeds rollupHealth.
 */

type Q = Kysely<Database>;

/** Accounts with ids in (after, upTo]: a batch of a job. */
export interface AccountRange {
  after: string | null;
  upTo: string;
}

/** The accounts a recompute covers: a range of ids, a list of ids, or null for the whole tenant. */
export type AccountScope = AccountRange | readonly string[] | null;

/**
 * Which healths of each account in scope: all of them, or only its current health, the newest
 * two account-level periods (the scores, tier and drop the screens show) with the product-level
 * healths of those periods. A 'current' pass re-scores no reading: it computes the changed KPI's
 * new scores for the categories it recombines and leaves the stored readings to the 'all' pass
 * that follows it (recompute-jobs.ts).
 */
export type Periods = 'all' | 'current';

/**
 * The accounts scored with one set of settings: those of one segment (an id), those of no
 * segment (null), or every account (undefined, when the tenant has no segment).
 */
export type SegmentGroup = string | null | undefined;

/** `column` within the scope (the empty condition for the whole tenant). */
function inRange(column: RawBuilder<unknown>, scope: AccountScope): RawBuilder<unknown> {
  if (!scope) return sql``;
  if (isIdList(scope)) return sql`AND ${column} = ANY(${[...scope]}::uuid[])`;
  const lower = scope.after === null ? sql`` : sql`AND ${column} > ${scope.after}::uuid`;
  return sql`${lower} AND ${column} <= ${scope.upTo}::uuid`;
}

function isIdList(scope: AccountScope): scope is readonly string[] {
  return Array.isArray(scope);
}

/** `column` (an account id of the tenant) is an account of the group's segment. */
function inGroup(column: RawBuilder<unknown>, tenantId: string, group: SegmentGroup): RawBuilder<unknown> {
  if (group === undefined) return sql``;
  const segment = group === null ? sql`g.segment_id IS NULL` : sql`g.segment_id = ${group}::uuid`;
  return sql`AND ${column} IN (SELECT g.id FROM accounts g WHERE g.tenant_id = ${tenantId} AND ${segment})`;
}

/**
 * The stored healths (account and product level) of the accounts in scope, with the columns
 * the recompute reads. A batch reads them through the account-level index and the products
 * of its accounts, never scanning the tenant's other healths.
 */
function healthsIn(tenantId: string, scope: AccountScope, group: SegmentGroup, periods: Periods): RawBuilder<unknown> {
  const columns = sql`h.id, h.account_id, h.product_id, h.period, h.tenant_id, h.categories`;
  const current = inPeriods(sql`h.period`, sql`c`, periods);
  const accountOf = (id: RawBuilder<unknown>) => (periods === 'all' ? sql`` : sql`JOIN accounts c ON c.tenant_id = ${tenantId} AND c.id = ${id}`);
  if (!scope) {
    return sql`SELECT ${columns} FROM account_health h ${accountOf(sql`h.account_id`)}
      WHERE h.tenant_id = ${tenantId} ${inGroup(sql`h.account_id`, tenantId, group)} ${current}`;
  }
  return sql`
    SELECT ${columns} FROM account_health h ${accountOf(sql`h.account_id`)}
    WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL ${inRange(sql`h.account_id`, scope)} ${inGroup(sql`h.account_id`, tenantId, group)} ${current}
    UNION ALL
    SELECT ${columns} FROM products p
    JOIN account_health h ON h.tenant_id = p.tenant_id AND h.product_id = p.id ${accountOf(sql`p.account_id`)}
    WHERE p.tenant_id = ${tenantId} ${inRange(sql`p.account_id`, scope)} ${inGroup(sql`p.account_id`, tenantId, group)} ${current}`;
}

/**
 * `period` (of a health or reading of the account row `account`) is one of the account's
 * current periods when `periods` is 'current': at or after the period before its newest
 * account-level health (accounts.health_previous_period, else health_period; every period
 * when it has none). Compared with the joined account row, the period bounds the index scan.
 */
function inPeriods(period: RawBuilder<unknown>, account: RawBuilder<unknown>, periods: Periods): RawBuilder<unknown> {
  if (periods === 'all') return sql``;
  return sql`AND ${period} >= coalesce(${account}.health_previous_period, ${account}.health_period, '')`;
}

/** Column references of a reference range inside a statement (each a float8 or boolean expression). */
export interface RangeColumns {
  higherIsBetter: RawBuilder<unknown>;
  scaleMin: RawBuilder<unknown>;
  riskThreshold: RawBuilder<unknown>;
  healthyThreshold: RawBuilder<unknown>;
  scaleMax: RawBuilder<unknown>;
}

const float = (n: number) => sql`${sql.lit(n)}::float8`;

/** `interpolate` of score.ts: `distance / width` of the way up the band, clamped; zero width gives the ceiling. */
function interpolate(shape: BandShape, distance: RawBuilder<unknown>, width: RawBuilder<unknown>): RawBuilder<number> {
  const rise = float(shape.ceiling - shape.floor);
  return sql<number>`CASE WHEN ${width} = 0 THEN ${float(shape.ceiling)}
    ELSE least(${float(shape.ceiling)}, greatest(${float(shape.floor)}, ${float(shape.floor)} + (${rise} * ${distance}) / ${width})) END`;
}

/** Band and score of a value already in the range's unit: scoreValue of score.ts. */
export function scoreValueSql(v: RawBuilder<unknown>, range: RangeColumns): { band: RawBuilder<string>; score: RawBuilder<number> } {
  const { scaleMin: L, riskThreshold: r, healthyThreshold: h, scaleMax: H, higherIsBetter } = range;
  const { healthy, risk, critical } = bandShapes;
  const band = sql<string>`CASE WHEN ${higherIsBetter}
      THEN CASE WHEN ${v} >= ${h} THEN 'healthy' WHEN ${v} >= ${r} THEN 'risk' ELSE 'critical' END
      ELSE CASE WHEN ${v} <= ${h} THEN 'healthy' WHEN ${v} <= ${r} THEN 'risk' ELSE 'critical' END END`;
  const score = sql<number>`CASE WHEN ${higherIsBetter}
      THEN CASE WHEN ${v} >= ${h} THEN ${interpolate(healthy, sql`(${v} - ${h})`, sql`(${H} - ${h})`)}
                WHEN ${v} >= ${r} THEN ${interpolate(risk, sql`(${v} - ${r})`, sql`(${h} - ${r})`)}
                ELSE ${interpolate(critical, sql`(${v} - ${L})`, sql`(${r} - ${L})`)} END
      ELSE CASE WHEN ${v} <= ${h} THEN ${interpolate(healthy, sql`(${h} - ${v})`, sql`(${h} - ${L})`)}
                WHEN ${v} <= ${r} THEN ${interpolate(risk, sql`(${r} - ${v})`, sql`(${r} - ${h})`)}
                ELSE ${interpolate(critical, sql`(${H} - ${v})`, sql`(${H} - ${r})`)} END END`;
  return { band, score };
}

/** Weight of a stored impact (always High, Medium or Low in the table). */
function impactWeightSql(impact: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`CASE ${impact} WHEN 'High' THEN ${float(impactWeights.High)} WHEN 'Low' THEN ${float(impactWeights.Low)} ELSE ${float(impactWeights.Medium)} END`;
}

/**
 * One health's categories, overall and tier from its category rows `el` (ord, category,
 * score, weight, scored_count, reading_count): the second half of rollupHealth.
 */
function recombineSql(elements: RawBuilder<unknown>): RawBuilder<unknown> {
  const counted = sql`(el.weight > 0 AND el.score IS NOT NULL)`;
  return sql`
    SELECT jsonb_agg(jsonb_build_object(
             'category', el.category, 'score', el.score, 'weight', el.weight,
             'scoredCount', el.scored_count, 'readingCount', el.reading_count, 'counted', ${counted})
           ORDER BY el.ord) AS categories,
           sum(el.score * el.weight ORDER BY el.ord) FILTER (WHERE ${counted})
             / sum(el.weight ORDER BY el.ord) FILTER (WHERE ${counted}) AS overall
    FROM (${elements}) el`;
}

/** tierFor of rollup.ts. */
function tierSql(overall: RawBuilder<unknown>, tiers: HealthSettings['tiers']): RawBuilder<string> {
  return sql<string>`CASE WHEN ${overall} IS NULL THEN 'unknown' WHEN ${overall} >= ${float(tiers.healthy)} THEN 'healthy'
    WHEN ${overall} >= ${float(tiers.atRisk)} THEN 'at_risk' ELSE 'critical' END`;
}

/**
 * The statements below touch a whole tenant, so PostgreSQL's cost estimates switch JIT
 * compilation on, which cost seconds of compiling per statement on the benchmark's dataset
 * for no gain; it is switched off for the rest of the transaction.
 */
export async function switchOffJit(db: Q): Promise<void> {
  await sql`SELECT set_config('jit', 'off', true)`.execute(db);
}

/**
 * Writes recombined rows (id, account_id, categories, overall, tier) back with the segment whose
 * settings formed them, only those whose values change (an unchanged row costs no write and
 * no WAL); returns how many distinct accounts were recombined.
 */
function writeRecombined(tenantId: string, group: SegmentGroup): RawBuilder<unknown> {
  const segment = sql`${group ?? null}::uuid`;
  return sql`
    updated AS (
      UPDATE account_health h
      SET categories = r.categories, overall = r.overall, tier = r.tier, segment_id = ${segment}, computed_at = now()
      FROM recombined r
      WHERE h.tenant_id = ${tenantId} AND h.id = r.id
        AND (h.categories, h.overall, h.tier, h.segment_id) IS DISTINCT FROM (r.categories, r.overall, r.tier, ${segment})
      RETURNING h.id
    )
    SELECT count(DISTINCT account_id)::int AS accounts FROM recombined`;
}

/**
 * Re-scores the readings of the given KPIs with their (new) ranges (only those whose band or
 * score changes are written), then each category score they feed and the overall score and
 * tier of those healths; returns how many accounts' healths were recombined. Readings of
 * other KPIs are read (for the category means) but never written; unknown readings stay
 * unknown, because a range change keeps the KPI's unit. The category means score the changed KPI's readings again
 * rather than joining the updated rows (a statement does not see its own updates), one
 * health at a time, so no sort spills however many healths change.
 */
export async function rescoreKpis(
  db: Q,
  tenantId: string,
  ranges: readonly ReferenceRange[],
  settings: HealthSettings,
  scope: AccountScope,
  group: SegmentGroup,
  periods: Periods = 'all',
): Promise<number> {
  const { band, score } = scoreValueSql(sql`k.value`, {
    higherIsBetter: sql`r.higher_is_better`,
    scaleMin: sql`r.scale_min`,
    riskThreshold: sql`r.risk_threshold`,
    healthyThreshold: sql`r.healthy_threshold`,
    scaleMax: sql`r.scale_max`,
  });
  const weight = impactWeightSql(sql`k.impact`);
  const changed = sql`a.tenant_id = ${tenantId} ${inRange(sql`a.id`, scope)} ${inGroup(sql`a.id`, tenantId, group)} AND k.tenant_id = ${tenantId} AND k.account_id = a.id AND k.kpi_key = r.kpi_key
    AND k.status <> 'unknown' AND k.value IS NOT NULL AND (k.status, k.score) IS DISTINCT FROM (${band}, ${score}) ${inPeriods(sql`k.period`, sql`a`, periods)}`;
  const { rows } = await sql<{ accounts: number }>`
    WITH ranges AS (
      SELECT * FROM unnest(
        ${ranges.map((r) => kpiKey(r.kpiName))}::text[], ${ranges.map((r) => r.higherIsBetter)}::boolean[],
        ${ranges.map((r) => r.scaleMin)}::float8[], ${ranges.map((r) => r.riskThreshold)}::float8[],
        ${ranges.map((r) => r.healthyThreshold)}::float8[], ${ranges.map((r) => r.scaleMax)}::float8[]
      ) AS r(kpi_key, higher_is_better, scale_min, risk_threshold, healthy_threshold, scale_max)
    ),
    rescored AS (${
      periods === 'all'
        ? sql`UPDATE kpi_readings k SET status = ${band}, score = ${score} FROM accounts a, ranges r WHERE ${changed}
              RETURNING k.account_id, k.product_id, k.period, lower(k.category) AS category_key`
        : sql`SELECT k.account_id, k.product_id, k.period, lower(k.category) AS category_key FROM kpi_readings k, accounts a, ranges r WHERE ${changed}`
    }),
    category_scores AS (
      SELECT g.account_id, g.product_id, g.period, g.category_key, m.score
      FROM (SELECT DISTINCT account_id, product_id, period, category_key FROM rescored) g
      CROSS JOIN LATERAL (
        SELECT sum(s.score * ${weight} ORDER BY k.id) / sum(${weight} ORDER BY k.id) AS score
        FROM kpi_readings k
        LEFT JOIN ranges r ON r.kpi_key = k.kpi_key AND k.status <> 'unknown' AND k.value IS NOT NULL
        CROSS JOIN LATERAL (SELECT CASE WHEN r.kpi_key IS NULL THEN k.score ELSE ${score} END AS score) s
        WHERE k.tenant_id = ${tenantId} AND k.account_id = g.account_id AND k.period = g.period
          AND k.product_id IS NOT DISTINCT FROM g.product_id AND lower(k.category) = g.category_key AND k.score IS NOT NULL
      ) m
    ),
    by_health AS (
      SELECT h.id, array_agg(cs.category_key) AS keys, array_agg(cs.score) AS scores
      FROM category_scores cs
      JOIN (${healthsIn(tenantId, scope, group, periods)}) h ON h.account_id = cs.account_id AND h.period = cs.period
        AND h.product_id IS NOT DISTINCT FROM cs.product_id
      GROUP BY h.id
    ),
    recombined AS (
      SELECT h.id, h.account_id, n.categories, n.overall, ${tierSql(sql`n.overall`, settings.tiers)} AS tier
      FROM by_health b
      JOIN account_health h ON h.tenant_id = ${tenantId} AND h.id = b.id
      CROSS JOIN LATERAL (${recombineSql(sql`
        SELECT e.ord, e.elem->>'category' AS category,
               coalesce(b.scores[array_position(b.keys, lower(e.elem->>'category'))], (e.elem->>'score')::float8) AS score,
               (e.elem->>'weight')::float8 AS weight,
               (e.elem->>'scoredCount')::int AS scored_count, (e.elem->>'readingCount')::int AS reading_count
        FROM jsonb_array_elements(h.categories) WITH ORDINALITY AS e(elem, ord)`)}) n
    ),
    ${writeRecombined(tenantId, group)}
  `.execute(db);
  return rows[0]?.accounts ?? 0;
}

/**
 * Recombines every stored health in scope under new category weights and tiers from
 * its stored category scores (no reading is read or written): configured categories in
 * settings order, then the others alphabetically, as rollupHealth groups them. A category
 * that leaves the weights takes its name from its first reading again, as a fresh roll-up would.
 */
export async function recombineHealth(
  db: Q,
  tenantId: string,
  previousKeys: readonly string[],
  settings: HealthSettings,
  scope: AccountScope,
  group: SegmentGroup,
  periods: Periods = 'all',
): Promise<number> {
  const configured = Object.entries(settings.categoryWeights);
  const configuredKeys = configured.map(([name]) => kpiKey(name));
  const key = sql`lower(st.elem->>'category')`;
  await joinByNestedLoops(db, true);
  const { rows } = await sql<{ accounts: number }>`
    WITH configured AS (
      SELECT * FROM unnest(${configured.map(([name]) => name)}::text[], ${configured.map(([, w]) => w)}::float8[])
        WITH ORDINALITY AS s(category, weight, ord)
    ),
    recombined AS (
      SELECT h.id, h.account_id, n.categories, n.overall, ${tierSql(sql`n.overall`, settings.tiers)} AS tier
      FROM (${healthsIn(tenantId, scope, group, periods)}) h
      CROSS JOIN LATERAL (${recombineSql(sql`
        SELECT s.ord, s.category, (st.elem->>'score')::float8 AS score, s.weight,
               coalesce((st.elem->>'scoredCount')::int, 0) AS scored_count,
               coalesce((st.elem->>'readingCount')::int, 0) AS reading_count
        FROM configured s
        LEFT JOIN jsonb_array_elements(h.categories) AS st(elem) ON ${key} = lower(s.category)
        UNION ALL
        SELECT ${configured.length} + row_number() OVER (ORDER BY ${key} COLLATE "C"),
               CASE WHEN ${key} = ANY(${[...previousKeys]}::text[]) THEN (
                 SELECT k.category FROM kpi_readings k
                 WHERE k.tenant_id = h.tenant_id AND k.account_id = h.account_id AND k.period = h.period
                   AND k.product_id IS NOT DISTINCT FROM h.product_id AND lower(k.category) = ${key}
                 ORDER BY k.id LIMIT 1)
               ELSE st.elem->>'category' END,
               (st.elem->>'score')::float8, 0::float8,
               (st.elem->>'scoredCount')::int, (st.elem->>'readingCount')::int
        FROM jsonb_array_elements(h.categories) AS st(elem)
        WHERE (st.elem->>'readingCount')::int > 0 AND ${key} <> ALL(${configuredKeys}::text[])`)}) n
    ),
    ${writeRecombined(tenantId, group)}
  `.execute(db);
  await joinByNestedLoops(db, false);
  return rows[0]?.accounts ?? 0;
}

/**
 * A recombination is nested loops all through: each health's categories, and its row written
 * back by primary key. PostgreSQL overestimates a batch's healths (64,000 for 12,000 on the
 * benchmark's largest tenant) and would otherwise hash the write's join, reading all 240,000
 * healths of the tenant for every batch of a job (2.6 s a batch; 1.4 s with nested loops).
 * Switched off for the one statement, in the transaction only.
 */
async function joinByNestedLoops(db: Q, on: boolean): Promise<void> {
  const setting = on ? 'off' : 'on';
  await sql`SELECT set_config('enable_hashjoin', ${setting}, true), set_config('enable_mergejoin', ${setting}, true)`.execute(db);
}

/** An account whose latest health tier changed when copied onto its row. */
export interface TierChange {
  id: string;
  name: string;
  tier: HealthTier;
  previous_tier: HealthTier;
  overall: number | null;
  period: string | null;
}

/**
 * Copies each account's newest account-level health onto the account row (for sorting and
 * lists), with the period before it (for the dashboard's drops); only rows that change are
 * written. Returns the accounts whose tier changed.
 */
export async function copyLatestHealth(db: Q, tenantId: string, accounts: AccountScope): Promise<TierChange[]> {
  const scope = inRange(sql`a.id`, accounts);
  const { rows } = await sql<TierChange>`
    WITH latest AS (
      SELECT a.id, latest.overall, coalesce(latest.tier, 'unknown') AS tier, latest.period,
             previous.overall AS previous_overall, previous.period AS previous_period
      FROM accounts a
      LEFT JOIN LATERAL (
        SELECT h.overall, h.tier, h.period FROM account_health h
        WHERE h.tenant_id = a.tenant_id AND h.account_id = a.id AND h.product_id IS NULL
        ORDER BY h.period DESC LIMIT 1
      ) latest ON true
      LEFT JOIN LATERAL (
        SELECT h.overall, h.period FROM account_health h
        WHERE h.tenant_id = a.tenant_id AND h.account_id = a.id AND h.product_id IS NULL AND h.period < latest.period
        ORDER BY h.period DESC LIMIT 1
      ) previous ON true
      WHERE a.tenant_id = ${tenantId} ${scope}
        AND (a.health_overall, a.health_tier, a.health_period, a.health_previous_overall, a.health_previous_period)
          IS DISTINCT FROM (latest.overall, coalesce(latest.tier, 'unknown'), latest.period, previous.overall, previous.period)
    ),
    updated AS (
      UPDATE accounts a
      SET health_overall = l.overall, health_tier = l.tier, health_period = l.period,
          health_previous_overall = l.previous_overall, health_previous_period = l.previous_period
      FROM latest l, accounts prior
      WHERE a.tenant_id = ${tenantId} AND a.id = l.id AND prior.tenant_id = a.tenant_id AND prior.id = a.id
      RETURNING a.id, a.name, a.health_tier AS tier, prior.health_tier AS previous_tier, a.health_overall AS overall, a.health_period AS period
    )
    SELECT id, name, tier, previous_tier, overall, period FROM updated WHERE tier IS DISTINCT FROM previous_tier
  `.execute(db);
  return rows;
}
