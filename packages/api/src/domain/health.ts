import { sql, type Selectable } from 'kysely';
import { rollupHealth, scoreReading } from '@pulse/scoring';
import type { AccountHealthTable, CategoryScore, Db, HealthTier } from '@pulse/db';
import { loadScoringContext, type ScoringContext } from './scoring-context.js';
import { getAccount } from './accounts.js';
import { notFound } from '../errors.js';
import { emitEvents } from './webhooks.js';

export interface AccountPeriod {
  accountId: string;
  period: string;
}

const CHUNK = 5000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Recomputes and stores the health of the given account periods (all of the tenant's
 * when targets is 'all'): account-level health from account-level readings, each
 * product's health from its own readings, then each account's latest health.
 */
export async function recomputeHealth(db: Db, tenantId: string, ctx: ScoringContext, targets: AccountPeriod[] | 'all'): Promise<void> {
  if (targets !== 'all' && targets.length === 0) return;
  const accountIds = targets === 'all' ? null : [...new Set(targets.map((t) => t.accountId))];
  const pairs =
    targets === 'all'
      ? null
      : sql`(SELECT * FROM unnest(${targets.map((t) => t.accountId)}::uuid[], ${targets.map((t) => t.period)}::text[]))`;

  let q = db
    .selectFrom('kpi_readings')
    .select([
      'kpi_readings.account_id',
      'kpi_readings.product_id',
      'kpi_readings.period',
      'kpi_readings.category',
      'kpi_readings.impact',
      'kpi_readings.score',
    ])
    .where('kpi_readings.tenant_id', '=', tenantId);
  if (pairs) q = q.where(sql<boolean>`(kpi_readings.account_id, kpi_readings.period) IN ${pairs}`);
  const readings = await q.execute();

  const groups = new Map<string, { accountId: string; productId: string | null; period: string; rows: typeof readings }>();
  for (const r of readings) {
    const key = `${r.account_id}|${r.product_id ?? ''}|${r.period}`;
    let group = groups.get(key);
    if (!group) {
      group = { accountId: r.account_id, productId: r.product_id, period: r.period, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(r);
  }

  let del = db.deleteFrom('account_health').where('account_health.tenant_id', '=', tenantId);
  if (pairs) del = del.where(sql<boolean>`(account_health.account_id, account_health.period) IN ${pairs}`);
  await del.execute();

  const rows = [...groups.values()].map((g) => {
    const rollup = rollupHealth(g.rows, ctx.settings);
    return {
      tenant_id: tenantId,
      account_id: g.accountId,
      product_id: g.productId,
      period: g.period,
      overall: rollup.overall,
      tier: rollup.tier,
      coverage: rollup.coverage,
      scored_count: rollup.scoredCount,
      reading_count: rollup.readingCount,
      categories: JSON.stringify(rollup.categories),
    };
  });
  for (const part of chunks(rows, 1000)) await db.insertInto('account_health').values(part).execute();
  await refreshLatestHealth(db, tenantId, accountIds);
}

/**
 * Copies each account's newest account-level health onto the account row (for sorting and
 * lists), with the period before it (for the dashboard's drops).
 */
async function refreshLatestHealth(db: Db, tenantId: string, accountIds: string[] | null): Promise<void> {
  const scope = accountIds ? sql`AND a.id = ANY(${accountIds}::uuid[])` : sql``;
  const { rows } = await sql<{ id: string; name: string; tier: HealthTier; previous_tier: HealthTier; overall: number | null; period: string | null }>`
    UPDATE accounts a
    SET health_overall = latest.overall,
        health_tier = coalesce(latest.tier, 'unknown'),
        health_period = latest.period,
        health_previous_overall = previous.overall,
        health_previous_period = previous.period
    FROM accounts a2
    LEFT JOIN LATERAL (
      SELECT h.overall, h.tier, h.period FROM account_health h
      WHERE h.tenant_id = a2.tenant_id AND h.account_id = a2.id AND h.product_id IS NULL
      ORDER BY h.period DESC LIMIT 1
    ) latest ON true
    LEFT JOIN LATERAL (
      SELECT h.overall, h.period FROM account_health h
      WHERE h.tenant_id = a2.tenant_id AND h.account_id = a2.id AND h.product_id IS NULL AND h.period < latest.period
      ORDER BY h.period DESC LIMIT 1
    ) previous ON true
    WHERE a.tenant_id = ${tenantId} AND a2.tenant_id = a.tenant_id AND a2.id = a.id ${scope}
    RETURNING a.id, a.name, a.health_tier AS tier, a2.health_tier AS previous_tier, a.health_overall AS overall, a.health_period AS period
  `.execute(db);
  await emitEvents(
    db,
    tenantId,
    rows
      .filter((r) => r.tier !== r.previous_tier)
      .map((r) => ({
        event: 'account.tier_changed' as const,
        summary: `${r.name} is now ${r.tier.replace('_', ' ')} (was ${r.previous_tier.replace('_', ' ')})${r.overall === null ? '' : `, health ${Math.round(r.overall)}`}.`,
        data: { accountId: r.id, accountName: r.name, tier: r.tier, previousTier: r.previous_tier, overall: r.overall, period: r.period },
      })),
  );
}

/** Re-scores stored readings (after a range change) and recomputes all health of the tenant. */
export async function rescoreTenant(db: Db, tenantId: string): Promise<void> {
  const ctx = await loadScoringContext(db, tenantId);
  const readings = await db
    .selectFrom('kpi_readings')
    .select(['kpi_readings.id', 'kpi_readings.kpi_key', 'kpi_readings.raw'])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .execute();
  for (const part of chunks(readings)) {
    const scored = part.map((r) => ({ id: r.id, ...scoreReading({ raw: r.raw }, ctx.ranges.get(r.kpi_key)?.range) }));
    await sql`
      UPDATE kpi_readings k SET
        value = u.value, unit = u.unit, status = u.status, score = u.score, warning = u.warning
      FROM unnest(
        ${scored.map((s) => s.id)}::uuid[],
        ${scored.map((s) => s.value)}::float8[],
        ${scored.map((s) => s.unit)}::text[],
        ${scored.map((s) => s.status)}::text[],
        ${scored.map((s) => s.score)}::float8[],
        ${scored.map((s) => s.warning?.message ?? null)}::text[]
      ) AS u(id, value, unit, status, score, warning)
      WHERE k.tenant_id = ${tenantId} AND k.id = u.id
    `.execute(db);
  }
  await recomputeHealth(db, tenantId, ctx, 'all');
}

export interface AccountHealth {
  accountId: string;
  period: string;
  overall: number | null;
  tier: HealthTier;
  coverage: number | null;
  scoredCount: number;
  readingCount: number;
  categories: CategoryScore[];
  computedAt: Date;
}

const healthColumns = [
  'account_health.account_id',
  'account_health.period',
  'account_health.overall',
  'account_health.tier',
  'account_health.coverage',
  'account_health.scored_count',
  'account_health.reading_count',
  'account_health.categories',
  'account_health.computed_at',
] as const;

type HealthRow = Pick<
  Selectable<AccountHealthTable>,
  'account_id' | 'period' | 'overall' | 'tier' | 'coverage' | 'scored_count' | 'reading_count' | 'categories' | 'computed_at'
>;

function toHealth(r: HealthRow): AccountHealth {
  return {
    accountId: r.account_id,
    period: r.period,
    overall: r.overall,
    tier: r.tier,
    coverage: r.coverage,
    scoredCount: r.scored_count,
    readingCount: r.reading_count,
    categories: r.categories,
    computedAt: r.computed_at,
  };
}

/** Stored health of an account for a period (default: its latest period); null when it has none. */
export async function accountHealth(db: Db, tenantId: string, accountId: string, period?: string | null): Promise<AccountHealth | null> {
  await getAccount(db, tenantId, accountId);
  let q = db
    .selectFrom('account_health')
    .select(healthColumns)
    .where('account_health.tenant_id', '=', tenantId)
    .where('account_health.account_id', '=', accountId)
    .where('account_health.product_id', 'is', null);
  if (period) q = q.where('account_health.period', '=', period);
  const row = await q.orderBy('account_health.period', 'desc').limit(1).executeTakeFirst();
  return row ? toHealth(row) : null;
}

/** Health over the last N periods that have data, oldest first. */
export async function healthTrend(db: Db, tenantId: string, accountId: string, periods: number): Promise<AccountHealth[]> {
  await getAccount(db, tenantId, accountId);
  const rows = await db
    .selectFrom('account_health')
    .select(healthColumns)
    .where('account_health.tenant_id', '=', tenantId)
    .where('account_health.account_id', '=', accountId)
    .where('account_health.product_id', 'is', null)
    .orderBy('account_health.period', 'desc')
    .limit(periods)
    .execute();
  return rows.reverse().map(toHealth);
}

export interface ExplainedReading {
  id: string;
  kpi: string;
  category: string;
  product: string | null;
  raw: string;
  value: number | null;
  unit: string | null;
  status: string;
  score: number | null;
  impact: string;
  warning: string | null;
  range: (EffectiveRangeView & { source: 'tenant' | 'default' }) | null;
}

interface EffectiveRangeView {
  unit: string;
  higherIsBetter: boolean;
  scaleMin: number;
  riskThreshold: number;
  healthyThreshold: number;
  scaleMax: number;
}

export interface Explanation {
  accountId: string;
  period: string;
  health: AccountHealth;
  weights: Record<string, number>;
  tiers: { healthy: number; atRisk: number };
  readings: ExplainedReading[];
}

/** Every reading behind a period's score, with the range used, and how the scores were formed. */
export async function explainHealth(db: Db, tenantId: string, accountId: string, period?: string | null): Promise<Explanation> {
  const stored = await accountHealth(db, tenantId, accountId, period);
  if (!stored) throw notFound('Health for this account and period');
  const ctx = await loadScoringContext(db, tenantId);
  const rows = await db
    .selectFrom('kpi_readings')
    .leftJoin('products', (j) =>
      j.onRef('products.tenant_id', '=', 'kpi_readings.tenant_id').onRef('products.id', '=', 'kpi_readings.product_id'),
    )
    .select([
      'kpi_readings.id',
      'kpi_readings.kpi_name',
      'kpi_readings.kpi_key',
      'kpi_readings.category',
      'kpi_readings.raw',
      'kpi_readings.value',
      'kpi_readings.unit',
      'kpi_readings.status',
      'kpi_readings.score',
      'kpi_readings.impact',
      'kpi_readings.warning',
      'products.name as product_name',
    ])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where('kpi_readings.account_id', '=', accountId)
    .where('kpi_readings.period', '=', stored.period)
    .orderBy('kpi_readings.category')
    .orderBy('kpi_readings.kpi_key')
    .execute();
  return {
    accountId,
    period: stored.period,
    health: stored,
    weights: ctx.settings.categoryWeights,
    tiers: ctx.settings.tiers,
    readings: rows.map((r) => {
      const effective = ctx.ranges.get(r.kpi_key);
      return {
        id: r.id,
        kpi: r.kpi_name,
        category: r.category,
        product: r.product_name,
        raw: r.raw,
        value: r.value,
        unit: r.unit,
        status: r.status,
        score: r.score,
        impact: r.impact,
        warning: r.warning,
        range: effective
          ? {
              source: effective.source,
              unit: effective.range.unit,
              higherIsBetter: effective.range.higherIsBetter,
              scaleMin: effective.range.scaleMin,
              riskThreshold: effective.range.riskThreshold,
              healthyThreshold: effective.range.healthyThreshold,
              scaleMax: effective.range.scaleMax,
            }
          : null,
      };
    }),
  };
}
