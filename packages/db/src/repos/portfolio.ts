import { sql } from 'kysely';
import type { HealthTier } from '../schema.js';
import type { Db } from '../tenancy.js';

/**
 * The portfolio dashboard's statements, from the health stored on accounts and account_health.
 * With an owner, only that user's accounts (not archived) count; null counts everyone's.
 */

export interface TierTotal {
  tier: HealthTier;
  accounts: number;
  /** Mean overall score of the tier's accounts; null when none has one. */
  average: number | null;
  /** Sum of their revenue (accounts without revenue add nothing). */
  revenue: number;
}

/** Accounts, mean score and revenue per health tier. */
export async function tierTotals(db: Db, tenantId: string, ownerUserId: string | null): Promise<TierTotal[]> {
  const rows = await db
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
  return rows.map((t) => ({ tier: t.health_tier, accounts: Number(t.n), average: t.avg === null ? null : Number(t.avg), revenue: Number(t.revenue) }));
}

/** Critical and at-risk accounts, lowest score first. */
export async function listNeedingAttention(db: Db, tenantId: string, ownerUserId: string | null, limit: number) {
  return db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name', 'accounts.health_overall', 'accounts.health_tier', 'accounts.health_period'])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.archived_at', 'is', null)
    .$if(ownerUserId !== null, (q) => q.where('accounts.owner_user_id', '=', ownerUserId))
    .where('accounts.health_tier', 'in', ['critical', 'at_risk'])
    .orderBy(sql`coalesce(accounts.health_overall, -1)`)
    .orderBy('accounts.id')
    .limit(limit)
    .execute();
}

export interface HealthDrop {
  id: string;
  name: string;
  period: string;
  previousPeriod: string;
  overall: number;
  previous: number;
}

/** Accounts whose score fell since the period before, biggest fall first. */
export async function listBiggestDrops(db: Db, tenantId: string, ownerUserId: string | null, limit: number): Promise<HealthDrop[]> {
  const rows = await db
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
    .limit(limit)
    .execute();
  // health_overall < health_previous_overall holds only when both are set, and then both periods are.
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    period: d.health_period as string,
    previousPeriod: d.health_previous_period as string,
    overall: d.health_overall as number,
    previous: d.health_previous_overall as number,
  }));
}

export interface TrendPoint {
  period: string;
  average: number | null;
  accounts: number;
}

/**
 * The mean account score of the newest `periods` periods, newest first. The periods are found
 * first by walking the period index backwards (one probe each), so the average reads those
 * periods only, not the whole history. (A period whose only rows belong to archived accounts
 * counts among them without a point.)
 */
export async function averageTrend(db: Db, tenantId: string, ownerUserId: string | null, periods: number): Promise<TrendPoint[]> {
  const trend = await sql<{ period: string; average: number | null; accounts: number }>`
    WITH RECURSIVE periods (period, n) AS (
      (SELECT h.period, 1 FROM account_health h
       WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL
       ORDER BY h.period DESC LIMIT 1)
      UNION ALL
      SELECT (SELECT h.period FROM account_health h
              WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL AND h.period < p.period
              ORDER BY h.period DESC LIMIT 1), p.n + 1
      FROM periods p WHERE p.period IS NOT NULL AND p.n < ${periods}
    )
    SELECT h.period, avg(h.overall) AS average, count(h.overall) AS accounts
    FROM account_health h
    JOIN accounts a ON a.tenant_id = h.tenant_id AND a.id = h.account_id AND a.archived_at IS NULL
      AND (${ownerUserId}::uuid IS NULL OR a.owner_user_id = ${ownerUserId}::uuid)
    WHERE h.tenant_id = ${tenantId} AND h.product_id IS NULL AND h.period >= (SELECT min(period) FROM periods)
    GROUP BY h.period
    ORDER BY h.period DESC
  `.execute(db);
  return trend.rows.map((r) => ({ period: r.period, average: r.average === null ? null : Number(r.average), accounts: Number(r.accounts) }));
}

/** How many accounts (not archived) were scored in both periods, and the mean change of their score. */
export async function changeBetween(
  db: Db,
  tenantId: string,
  ownerUserId: string | null,
  period: string,
  previousPeriod: string,
): Promise<{ accounts: number; change: number | null }> {
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
  return { accounts: Number(row.accounts), change: row.change === null ? null : Number(row.change) };
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

/** Four existence checks in one statement; each stops at its first row. */
export async function setupStatus(db: Db, tenantId: string): Promise<SetupStatus> {
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
