import { sql } from 'kysely';
import type { Db, HealthTier } from '@pulse/db';

export interface PortfolioSummary {
  accounts: number;
  byTier: Record<HealthTier, number>;
  averageHealth: number | null;
  averageTrend: { period: string; average: number | null; accounts: number }[];
  needingAttention: { id: string; name: string; overall: number | null; tier: HealthTier; period: string | null }[];
  biggestDrops: { id: string; name: string; period: string; previousPeriod: string; overall: number; previous: number; change: number }[];
}

const LIST_SIZE = 10;
const TREND_PERIODS = 12;

/** The tenant's portfolio from stored health: four statements whatever the number of accounts. */
export async function portfolioSummary(db: Db, tenantId: string): Promise<PortfolioSummary> {
  const tiers = await db
    .selectFrom('accounts')
    .select(['accounts.health_tier', sql<number>`count(*)`.as('n'), sql<number | null>`avg(accounts.health_overall)`.as('avg')])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .groupBy('accounts.health_tier')
    .execute();
  const byTier: Record<HealthTier, number> = { healthy: 0, at_risk: 0, critical: 0, unknown: 0 };
  let total = 0;
  let weighted = 0;
  let scoredAccounts = 0;
  for (const t of tiers) {
    byTier[t.health_tier] = Number(t.n);
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
    .where('accounts.health_tier', 'in', ['critical', 'at_risk'])
    .orderBy(sql`coalesce(accounts.health_overall, -1)`)
    .orderBy('accounts.id')
    .limit(LIST_SIZE)
    .execute();

  const drops = await sql<{ id: string; name: string; period: string; previous_period: string; overall: number; previous: number }>`
    SELECT a.id, a.name, cur.period, prev.period AS previous_period, cur.overall, prev.overall AS previous
    FROM accounts a
    JOIN account_health cur
      ON cur.tenant_id = a.tenant_id AND cur.account_id = a.id AND cur.product_id IS NULL AND cur.period = a.health_period
    JOIN LATERAL (
      SELECT p.period, p.overall FROM account_health p
      WHERE p.tenant_id = a.tenant_id AND p.account_id = a.id AND p.product_id IS NULL AND p.period < cur.period
      ORDER BY p.period DESC LIMIT 1
    ) prev ON true
    WHERE a.tenant_id = ${tenantId} AND a.archived_at IS NULL
      AND cur.overall IS NOT NULL AND prev.overall IS NOT NULL AND cur.overall < prev.overall
    ORDER BY cur.overall - prev.overall, a.id
    LIMIT ${LIST_SIZE}
  `.execute(db);

  const trend = await sql<{ period: string; average: number | null; accounts: number }>`
    SELECT h.period, avg(h.overall) AS average, count(h.overall) AS accounts
    FROM account_health h
    JOIN accounts a ON a.tenant_id = h.tenant_id AND a.id = h.account_id AND a.archived_at IS NULL
    WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL
    GROUP BY h.period
    ORDER BY h.period DESC
    LIMIT ${TREND_PERIODS}
  `.execute(db);

  return {
    accounts: total,
    byTier,
    averageHealth: scoredAccounts ? weighted / scoredAccounts : null,
    averageTrend: trend.rows.reverse().map((r) => ({ period: r.period, average: r.average === null ? null : Number(r.average), accounts: Number(r.accounts) })),
    needingAttention: attention.map((a) => ({ id: a.id, name: a.name, overall: a.health_overall, tier: a.health_tier, period: a.health_period })),
    biggestDrops: drops.rows.map((d) => ({
      id: d.id,
      name: d.name,
      period: d.period,
      previousPeriod: d.previous_period,
      overall: d.overall,
      previous: d.previous,
      change: d.overall - d.previous,
    })),
  };
}
