import { portfolio, type Db, type HealthTier } from '@pulse/db';
import { resolveBookOwner } from './owners.js';
import type { Caller } from './views.js';

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

export type SetupStatus = portfolio.SetupStatus;

const LIST_SIZE = 10;
const TREND_PERIODS = 12;

/** The portfolio of the book the caller named ('me', a user's id, or null for everyone's). */
export async function bookPortfolioSummary(db: Db, caller: Caller, owner: string | null | undefined): Promise<PortfolioSummary> {
  return portfolioSummary(db, caller.tenantId, await resolveBookOwner(db, caller, owner));
}

/**
 * The tenant's portfolio from stored health: six statements whatever the number of accounts.
 * With an owner, only that user's accounts count (the trend still walks the tenant's periods).
 */
export async function portfolioSummary(db: Db, tenantId: string, ownerUserId: string | null = null): Promise<PortfolioSummary> {
  const tiers = await portfolio.tierTotals(db, tenantId, ownerUserId);
  const byTier: Record<HealthTier, number> = { healthy: 0, at_risk: 0, critical: 0, unknown: 0 };
  const revenueByTier: Record<HealthTier, number> = { healthy: 0, at_risk: 0, critical: 0, unknown: 0 };
  let total = 0;
  let weighted = 0;
  let scoredAccounts = 0;
  for (const t of tiers) {
    byTier[t.tier] = t.accounts;
    revenueByTier[t.tier] = t.revenue;
    total += t.accounts;
    if (t.average !== null && t.tier !== 'unknown') {
      weighted += t.average * t.accounts;
      scoredAccounts += t.accounts;
    }
  }

  const attention = await portfolio.listNeedingAttention(db, tenantId, ownerUserId, LIST_SIZE);
  const drops = await portfolio.listBiggestDrops(db, tenantId, ownerUserId, LIST_SIZE);
  const trend = await portfolio.averageTrend(db, tenantId, ownerUserId, TREND_PERIODS);

  const periods = trend.map((r) => r.period);
  const averageChange = periods.length >= 2 ? await changeBetween(db, tenantId, ownerUserId, periods[0] as string, periods[1] as string) : null;

  const setup = await portfolio.setupStatus(db, tenantId);

  return {
    accounts: total,
    byTier,
    revenueByTier,
    averageHealth: scoredAccounts ? weighted / scoredAccounts : null,
    averageTrend: trend.reverse(),
    averageChange,
    setup,
    needingAttention: attention.map((a) => ({ id: a.id, name: a.name, overall: a.health_overall, tier: a.health_tier, period: a.health_period })),
    biggestDrops: drops.map((d) => ({ ...d, change: d.overall - d.previous })),
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
  const { accounts, change } = await portfolio.changeBetween(db, tenantId, ownerUserId, period, previousPeriod);
  return accounts > 0 && change !== null ? { period, previousPeriod, accounts, change } : null;
}
