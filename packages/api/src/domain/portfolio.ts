import { sql } from 'kysely';
import type { Db, HealthTier } from '@pulse/db';

export interface PortfolioSummary {
  accounts: number;
  byTier: Record<HealthTier, number>;
  /** Sum of the accounts' revenue per health tier (accounts without revenue add nothing). */
  revenueByTier: Record<HealthTier, number>;
  averageHealth: number | null;
  averageTrend: { period: string; average: number | null; accounts: number }[];
  /**
   * How the average moved between the trend's last two periods, over only the accounts scored
   * in both (so new or missing accounts do not move it); null without two periods or such accounts.
   */
  averageChange: { period: string; previousPeriod: string; accounts: number; change: number } | null;
  /** The first steps of a new organisation, each true once done (the dashboard's setup checklist). */
  setup: SetupStatus;
  needingAttention: { id: string; name: string; overall: number | null; tier: HealthTier; period: string | null }[];
  biggestDrops: { id: string; name: string; period: string; previousPeriod: string; overall: number; previous: number; change: number }[];
}

export interface SetupStatus {
  /** Customer profiles are in: imported, or typed in (an account has an industry, CSM owner or renewal date). */
  profiles: boolean;
  /** A KPI workbook or CSV was accepted. */
  kpis: boolean;
  /** An admin changed or reset a reference range, or saved the weights and tiers. */
  ranges: boolean;
  /** The organisation has more than one user. */
  teammates: boolean;
}

const LIST_SIZE = 10;
const TREND_PERIODS = 12;

/**
 * The tenant's portfolio from stored health: six statements whatever the number of accounts.
 * With an owner, only that user's accounts count (the trend still walks the tenant's periods).
 */
export async function portfolioSummary(db: Db, tenantId: string, ownerUserId: string | null = null): Promise<PortfolioSummary> {
  const tiers = await db
    .selectFrom('accounts')
    .select([
      'accounts.health_tier',
      sql<number>`count(*)`.as('n'),
      sql<number | null>`avg(accounts.health_overall)`.as('avg'),
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

  const periods = trend.rows.map((r) => r.period);
  const averageChange = periods.length >= 2 ? await changeBetween(db, tenantId, ownerUserId, periods[0] as string, periods[1] as string) : null;

  const setup = await setupStatus(db, tenantId);

  return {
    accounts: total,
    byTier,
    revenueByTier,
    averageHealth: scoredAccounts ? weighted / scoredAccounts : null,
    averageTrend: trend.rows.reverse().map((r) => ({ period: r.period, average: r.average === null ? null : Number(r.average), accounts: Number(r.accounts) })),
    averageChange,
    setup,
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

/** The mean change of the accounts (not archived) scored in both periods, and how many they are. */
async function changeBetween(
  db: Db,
  tenantId: string,
  ownerUserId: string | null,
  period: string,
  previousPeriod: string,
): Promise<PortfolioSummary['averageChange']> {
  const row = await db
    .selectFrom('account_health as cur')
    .innerJoin('account_health as prev', (j) =>
      j
        .onRef('prev.tenant_id', '=', 'cur.tenant_id')
        .onRef('prev.account_id', '=', 'cur.account_id')
        .on('prev.product_id', 'is', null)
        .on('prev.period', '=', previousPeriod),
    )
    .innerJoin('accounts', (j) => j.onRef('accounts.tenant_id', '=', 'cur.tenant_id').onRef('accounts.id', '=', 'cur.account_id'))
    .select([sql<number>`count(*)`.as('accounts'), sql<number | null>`avg(cur.overall - prev.overall)`.as('change')])
    .where('cur.tenant_id', '=', tenantId)
    .where('cur.product_id', 'is', null)
    .where('cur.period', '=', period)
    .where('cur.overall', 'is not', null)
    .where('prev.overall', 'is not', null)
    .where('accounts.archived_at', 'is', null)
    .$if(ownerUserId !== null, (q) => q.where('accounts.owner_user_id', '=', ownerUserId))
    .executeTakeFirstOrThrow();
  const accounts = Number(row.accounts);
  return accounts > 0 && row.change !== null ? { period, previousPeriod, accounts, change: Number(row.change) } : null;
}

/** Four existence checks in one statement; each stops at its first row. */
async function setupStatus(db: Db, tenantId: string): Promise<SetupStatus> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .where('accounts.tenant_id', '=', tenantId)
            .where((w) => w.or([w('accounts.industry', 'is not', null), w('accounts.csm_owner', 'is not', null), w('accounts.renewal_date', 'is not', null)])),
        )
        .as('profiles'),
      eb
        .exists(
          eb.selectFrom('kpi_uploads').select('kpi_uploads.id').where('kpi_uploads.tenant_id', '=', tenantId).where('kpi_uploads.status', '=', 'accepted'),
        )
        .as('kpis'),
      eb
        .exists(
          eb
            .selectFrom('activity_log')
            .select('activity_log.id')
            .where('activity_log.tenant_id', '=', tenantId)
            .where('activity_log.resource_type', 'in', ['range', 'settings']),
        )
        .as('ranges'),
      eb.exists(eb.selectFrom('users').select('users.id').where('users.tenant_id', '=', tenantId).offset(1)).as('teammates'),
    ])
    .executeTakeFirstOrThrow();
  return { profiles: Boolean(row.profiles), kpis: Boolean(row.kpis), ranges: Boolean(row.ranges), teammates: Boolean(row.teammates) };
}
