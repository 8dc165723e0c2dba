import { defaultCatalogue, defaultSettings, isCatalogueUnit, kpiKey, type HealthSettings, type ReferenceRange } from '@pulse/scoring';
import type { Db } from '@pulse/db';

export type RangeSource = 'tenant' | 'default';

export interface EffectiveRange {
  range: ReferenceRange;
  source: RangeSource;
}

/** Everything scoring needs for one tenant: effective ranges by KPI key, and settings. */
export interface ScoringContext {
  ranges: Map<string, EffectiveRange>;
  settings: HealthSettings;
}

const catalogueCategoryOrder = Object.keys(defaultSettings.categoryWeights);

/**
 * jsonb keeps object keys in its own order, so weights read back are put in the catalogue's
 * category order (then other categories alphabetically): every screen lists categories alike.
 */
function inCatalogueOrder(weights: Record<string, number>): Record<string, number> {
  const rank = (name: string) => {
    const i = catalogueCategoryOrder.indexOf(name);
    return i === -1 ? catalogueCategoryOrder.length : i;
  };
  return Object.fromEntries(Object.entries(weights).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

export async function loadSettings(db: Db, tenantId: string): Promise<HealthSettings> {
  const row = await db
    .selectFrom('tenant_settings')
    .select(['tenant_settings.category_weights', 'tenant_settings.tier_healthy', 'tenant_settings.tier_at_risk'])
    .where('tenant_settings.tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) return defaultSettings;
  return { categoryWeights: inCatalogueOrder(row.category_weights), tiers: { healthy: row.tier_healthy, atRisk: row.tier_at_risk } };
}

export async function loadTenantRanges(db: Db, tenantId: string): Promise<ReferenceRange[]> {
  const rows = await db
    .selectFrom('reference_ranges')
    .select([
      'reference_ranges.kpi_name',
      'reference_ranges.category',
      'reference_ranges.unit',
      'reference_ranges.higher_is_better',
      'reference_ranges.scale_min',
      'reference_ranges.risk_threshold',
      'reference_ranges.healthy_threshold',
      'reference_ranges.scale_max',
    ])
    .where('reference_ranges.tenant_id', '=', tenantId)
    .execute();
  return rows.map((r) => ({
    kpiName: r.kpi_name,
    category: r.category,
    unit: isCatalogueUnit(r.unit) ? r.unit : 'count',
    higherIsBetter: r.higher_is_better,
    scaleMin: r.scale_min,
    riskThreshold: r.risk_threshold,
    healthyThreshold: r.healthy_threshold,
    scaleMax: r.scale_max,
  }));
}

export async function loadScoringContext(db: Db, tenantId: string): Promise<ScoringContext> {
  const [settings, overrides] = await Promise.all([loadSettings(db, tenantId), loadTenantRanges(db, tenantId)]);
  const ranges = new Map<string, EffectiveRange>();
  for (const range of defaultCatalogue) ranges.set(kpiKey(range.kpiName), { range, source: 'default' });
  for (const range of overrides) ranges.set(kpiKey(range.kpiName), { range, source: 'tenant' });
  return { ranges, settings };
}
