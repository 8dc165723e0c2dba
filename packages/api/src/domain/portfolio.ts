import { sql } from 'kysely';
import type { Db, HealthTier } from '@pulse/db';

export interface PortfolioSummary {
  accounts: number;
  byTier: Record<HealthTier, number>;
  /** Sum of the accounts' revenue per health tier (accounts without revenue add nothing). */
  revenueByTier: Record<HealthTier, number>;
  averageHealth: number | null;
  averageTrend: { period: string; average: number | null; accounts: number }[];
  needingAttention: { id: string; name: string; overall: number | null; tier: HealthTier; period: string | null }[];
  biggestDrops: { id: string; name: string; period: string; previousPeriod: string; overall: number; previous: number; change: number }[];
}

const LIST_SIZE = 10;
const TREND_PERIODS = 12;

/**
 * The tenant's portfolio from stored health: four statements whatever the number of accounts.
 * With an owner, only that user's accounts count (the trend still walks the tenant's periods).
 */
export async function portfolioSummary(db: Db, tenantId: string, ownerUserId: string | null = null): Promise<PortfolioSummary> {
  const tiers = await db
    .selectFrom('accounts')
    .select(['accounts.health_tier', sql<number>`count(*)`.as('n'), sql<number | null>`avg(accounts.health_overall)`.as('avg'),
      sql<number>`coalesce(sum(accounts.revenue), 0)`.as('revenue'),
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .$if(ownerUserId !== null, (q) => q.where('accounts.owner_user_id', '=', ownerUserId))
    .groupBy('accounts.health_tier')
    .execute();
  const byTier: Record<HealthTier, number> = { healthy: 0, at_risk: 0, critical: 0, unknown: 0 };
  const revenueByTier: Record<HealthTier, number> = { healthy: 0, at_risk: 0, critical: 0, unknown: 0 };
  let total = 0;
  let weighted = 0;
  let scoredAccounts = 0;
  for (const t of tiers) {
    byTier[t.health_tier] = Number(t.n);
    revenueByTier[t.health_tier] = Number(t.revenue);
    total += Number(t.n);
    if (t.avg !== null && t.health_tier !== 'unknown') {
      weighted += Number(t.avg) * Number(t.n);
      scoredAccounts += Number(t.n);
    }
  }

  const attention = await db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name', 'accounts.health_overall', 'accounts.health_tier', 'accounts.health_period'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .$if(ownerUserId !== null, (q) => q.where('accounts.owner_user_id', '=', ownerUserId))
    .where('accounts.health_tier', 'in', ['critical', 'at_risk'])
    .orderBy(sql`coalesce(accounts.health_overall, -1)`)
    .orderBy('accounts.id')
    .limit(LIST_SIZE)
    .execute();

  const drops = await db
    .selectFrom('accounts')
    .select([
      'accounts.id',
      'accounts.name',
      'accounts.health_period',
      'accounts.health_previous_period',
      'accounts.health_overall',
      'accounts.health_previous_overall',
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .$if(ownerUserId !== null, (q) => q.where('accounts.owner_user_id', '=', ownerUserId))
    .whereRef('accounts.health_overall', '<', 'accounts.health_previous_overall')
    .orderBy(sql`accounts.health_overall - accounts.health_previous_overall`)
    .orderBy('accounts.id')
    .limit(LIST_SIZE)
    .execute();

  // The newest TREND_PERIODS periods are found first by walking the period index backwards
  // (one probe each), so the average reads those periods only, not the whole history. (A
  // period whose only rows belong to archived accounts counts among them without a point.)
  const trend = await sql<{ period: string; average: number | null; accounts: number }>`
    WITH RECURSIVE periods (period, n) AS (
      (SELECT h.period, 1 FROM account_health h
       WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL
       ORDER BY h.period DESC LIMIT 1)
      UNION ALL
      SELECT (SELECT h.period FROM account_health h
              WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL AND h.period < p.period
              ORDER BY h.period DESC LIMIT 1), p.n + 1
      FROM periods p WHERE p.period IS NOT NULL AND p.n < ${TREND_PERIODS}
    )
    SELECT h.period, avg(h.overall) AS average, count(h.overall) AS accounts
    FROM account_health h
    JOIN accounts a ON a.tenant_id = h.tenant_id AND a.id = h.account_id AND a.archived_at IS NULL
      AND (${ownerUserId}::uuid IS NULL OR a.owner_user_id = ${ownerUserId}::uuid)
    WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL AND h.period >= (SELECT min(period) FROM periods)
    GROUP BY h.period
    ORDER BY h.period DESC
  `.execute(db);

  return {
    accounts: total,
    byTier,
    revenueByTier,
    averageHealth: scoredAccounts ? weighted / scoredAccounts : null,
    averageTrend: trend.rows.reverse().map((r) => ({ period: r.period, average: r.average === null ? null : Number(r.average), accounts: Number(r.accounts) })),
    needingAttention: attention.map((a) => ({ id: a.id, name: a.name, overall: a.health_overall, tier: a.health_tier, period: a.health_period })),
    biggestDrops: drops.map((d) => ({
      id: d.id,
      name: d.name,
      period: d.health_period as string,
      previousPeriod: d.health_previous_period as string,
      overall: d.health_overall as number,
      previous: d.health_previous_overall as number,
      change: (d.health_overall as number) - (d.health_previous_overall as number),
    })),
  };
}
