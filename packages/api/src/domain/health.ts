import { sql, type Selectable } from 'kysely';
import { rollupHealth } from '@pulse/scoring';
import { segments, type AccountHealthTable, type CategoryScore, type Db, type HealthTier } from '@pulse/db';
import { loadScoringContext, settingsFor, type ScoringContext } from './scoring-context.js';
import { refreshLatestHealth } from './recompute.js';
import { getAccount } from './accounts.js';
import { notFound } from '../errors.js';

export interface AccountPeriod {
  accountId: string;
  period: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

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
  const pairs = sql`(SELECT * FROM unnest(${targets.map((t) => t.accountId)}::uuid[], ${targets.map((t) => t.period)}::text[]))`;

  const readings = await db
    .selectFrom('kpi_readings')
    .select(['kpi_readings.account_id', 'kpi_readings.product_id', 'kpi_readings.period', 'kpi_readings.category', 'kpi_readings.impact', 'kpi_readings.score'])
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where(sql<boolean>`(kpi_readings.account_id, kpi_readings.period) IN ${pairs}`)
    .orderBy('kpi_readings.id')
    .execute();

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

  await db
    .deleteFrom('account_health')
    .where('account_health.tenant_id', '=', tenantId)
    .where(sql<boolean>`(account_health.account_id, account_health.period) IN ${pairs}`)
    .execute();

  const rows = [...groups.values()].map((g) => {
    const segmentId = segmentOf.get(g.accountId) ?? null;
    const rollup = rollupHealth(g.rows, settingsFor(ctx, segmentId));
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
      segment_id: segmentId !== null && ctx.segments.has(segmentId) ? segmentId : null,
    };
  });
  for (const part of chunks(rows, 1000)) await db.insertInto('account_health').values(part).execute();
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
  'account_health.segment_id',
] as const;

type HealthRow = Pick<
  Selectable<AccountHealthTable>,
  'account_id' | 'period' | 'overall' | 'tier' | 'coverage' | 'scored_count' | 'reading_count' | 'categories' | 'computed_at' | 'segment_id'
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
    segmentId: r.segment_id,
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
  const productRows = () =>
    db
      .selectFrom('account_health')
      .innerJoin('products', (j) => j.onRef('products.tenant_id', '=', 'account_health.tenant_id').onRef('products.id', '=', 'account_health.product_id'))
      .where('account_health.tenant_id', '=', tenantId)
      .where('account_health.account_id', '=', accountId);
  const latest = period ? { period } : await productRows().select('account_health.period').orderBy('account_health.period', 'desc').limit(1).executeTakeFirst();
  if (!latest) return { period: null, products: [] };
  const rows = await productRows()
    .select([...healthColumns, 'products.id as product_id', 'products.name as product_name'])
    .where('account_health.period', '=', latest.period)
    .orderBy('products.name_key')
    .execute();
  return { period: latest.period, products: rows.map((r) => ({ ...toHealth(r), productId: r.product_id, product: r.product_name })) };
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
  const rows = await db
    .selectFrom('accounts')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('account_health')
          .select(healthColumns)
          .whereRef('account_health.tenant_id', '=', 'accounts.tenant_id')
          .whereRef('account_health.account_id', '=', 'accounts.id')
          .where('account_health.product_id', 'is', null)
          .orderBy('account_health.period', 'desc')
          .limit(periods)
          .as('h'),
      (join) => join.onTrue(),
    )
    .select([
      'accounts.id as id',
      'h.account_id',
      'h.period',
      'h.overall',
      'h.tier',
      'h.coverage',
      'h.scored_count',
      'h.reading_count',
      'h.categories',
      'h.computed_at',
      'h.segment_id',
    ])
    .where('accounts.tenant_id', '=', tenantId)
    .where('accounts.id', 'in', ids)
    .orderBy('accounts.id')
    .orderBy('h.period')
    .execute();
  const points = new Map<string, AccountHealth[]>();
  for (const { id, ...row } of rows) {
    const list = points.get(id) ?? [];
    points.set(id, list);
    if (row.account_id !== null) list.push(toHealth(row as HealthRow));
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
  const rows = await db
    .selectFrom('kpi_readings')
    .leftJoin('products', (j) => j.onRef('products.tenant_id', '=', 'kpi_readings.tenant_id').onRef('products.id', '=', 'kpi_readings.product_id'))
    .select([
      'kpi_readings.id',
      'kpi_readings.kpi_name',
      'kpi_readings.kpi_key',
      'kpi_readings.category',
      'kpi_readings.raw',
      'kpi_readings.displayed',
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
