import { rollupHealth } from '@pulse/scoring';
import { healthStore, segments, type CategoryScore, type Db, type HealthTier } from '@pulse/db';
import { loadScoringContext, settingsFor, type ScoringContext } from './scoring-context.js';
import { refreshLatestHealth } from './recompute.js';
import { getAccount } from './accounts.js';
import { notFound } from '../errors.js';

export type AccountPeriod = healthStore.AccountPeriod;

/**
 * Recomputes and stores the health of the given account periods: account-level health from
 * account-level readings, each product's health from its own readings, then each account's
 * latest health. Readings are rolled up in id order, the order the SQL recompute
 * (recompute.ts) sums them in, so both give the same floating-point results. Each account is
 * scored with its segment's settings (accounts.segment_id), recorded on the health.
 */
export async function recomputeHealth(db: Db, tenantId: string, ctx: ScoringContext, targets: AccountPeriod[]): Promise<void> {
  if (targets.length === 0) return;
  const accountIds = [...new Set(targets.map((t) => t.accountId))];
  const segmentOf = await segments.segmentsOfAccounts(db, tenantId, accountIds);
  const readings = await healthStore.listReadingsForRollup(db, tenantId, targets);

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

  const rows = [...groups.values()].map((g) => {
    const segmentId = segmentOf.get(g.accountId) ?? null;
    const rollup = rollupHealth(g.rows, settingsFor(ctx, segmentId));
    return {
      account_id: g.accountId,
      product_id: g.productId,
      period: g.period,
      overall: rollup.overall,
      tier: rollup.tier,
      coverage: rollup.coverage,
      scored_count: rollup.scoredCount,
      reading_count: rollup.readingCount,
      categories: JSON.stringify(rollup.categories),
      segment_id: segmentId !== null && ctx.segments.has(segmentId) ? segmentId : null,
    };
  });
  await healthStore.replaceHealths(db, tenantId, targets, rows);
  await refreshLatestHealth(db, tenantId, accountIds);
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
  /** The segment whose weights and tiers formed this health (null: the organisation's). */
  segmentId: string | null;
}

function toHealth(r: healthStore.HealthRow): AccountHealth {
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
    segmentId: r.segment_id,
  };
}

/** Stored health of an account for a period (default: its latest period); null when it has none. */
export async function accountHealth(db: Db, tenantId: string, accountId: string, period?: string | null): Promise<AccountHealth | null> {
  await getAccount(db, tenantId, accountId);
  const row = await healthStore.findAccountHealth(db, tenantId, accountId, period);
  return row ? toHealth(row) : null;
}

/** Health over the last N periods that have data, oldest first. */
export async function healthTrend(db: Db, tenantId: string, accountId: string, periods: number): Promise<AccountHealth[]> {
  await getAccount(db, tenantId, accountId);
  const rows = await healthStore.listNewestHealths(db, tenantId, accountId, periods);
  return rows.reverse().map(toHealth);
}

export interface ProductHealth extends AccountHealth {
  productId: string;
  product: string;
}

/**
 * Each product's stored health for a period (default: the account's latest period with
 * product-level readings), scored from that product's readings only, by product name.
 */
export async function productHealth(
  db: Db,
  tenantId: string,
  accountId: string,
  period?: string | null,
): Promise<{ period: string | null; products: ProductHealth[] }> {
  await getAccount(db, tenantId, accountId);
  const latest = period ?? (await healthStore.latestProductPeriod(db, tenantId, accountId));
  if (latest === null) return { period: null, products: [] };
  const rows = await healthStore.listProductHealths(db, tenantId, accountId, latest);
  return { period: latest, products: rows.map((r) => ({ ...toHealth(r), productId: r.product_id, product: r.product_name })) };
}

export interface AccountTrend {
  accountId: string;
  /** Health over the account's last N periods that have data, oldest first. */
  points: AccountHealth[];
}

/**
 * The trends of a page of accounts in one statement, in the order asked. Any id that is not
 * one of the tenant's accounts makes the whole call NOT_FOUND, as for a single account.
 */
export async function healthTrends(db: Db, tenantId: string, accountIds: string[], periods: number): Promise<AccountTrend[]> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return [];
  const rows = await healthStore.listHealthTrends(db, tenantId, ids, periods);
  const points = new Map<string, AccountHealth[]>();
  for (const { id, ...row } of rows) {
    const list = points.get(id) ?? [];
    points.set(id, list);
    if (row.account_id !== null) list.push(toHealth(row as healthStore.HealthRow));
  }
  if (points.size !== ids.length) throw notFound('Account');
  return ids.map((accountId) => ({ accountId, points: points.get(accountId) ?? [] }));
}

export interface ExplainedReading {
  id: string;
  kpi: string;
  category: string;
  product: string | null;
  raw: string;
  /** What the spreadsheet showed when that reads as another number than raw; else null. */
  displayed: string | null;
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
  /** The segment whose weights and tiers formed this health; null: the organisation's. */
  segment: { id: string; name: string } | null;
  weights: Record<string, number>;
  tiers: { healthy: number; atRisk: number };
  readings: ExplainedReading[];
}

/** Every reading behind a period's score, with the range used, and how the scores were formed. */
export async function explainHealth(db: Db, tenantId: string, accountId: string, period?: string | null): Promise<Explanation> {
  const stored = await accountHealth(db, tenantId, accountId, period);
  if (!stored) throw notFound('Health for this account and period');
  const ctx = await loadScoringContext(db, tenantId);
  const segment = stored.segmentId === null ? undefined : ctx.segments.get(stored.segmentId);
  const settings = settingsFor(ctx, segment?.id ?? null);
  const rows = await healthStore.listExplainedReadings(db, tenantId, accountId, stored.period);
  return {
    accountId,
    period: stored.period,
    health: stored,
    segment: segment ? { id: segment.id, name: segment.name } : null,
    weights: settings.categoryWeights,
    tiers: settings.tiers,
    readings: rows.map((r) => {
      const effective = ctx.ranges.get(r.kpi_key);
      return {
        id: r.id,
        kpi: r.kpi_name,
        category: r.category,
        product: r.product_name,
        raw: r.raw,
        displayed: r.displayed,
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
