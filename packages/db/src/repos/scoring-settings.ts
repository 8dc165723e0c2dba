import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The organisation's scoring settings: category weights and tiers (tenant_settings), and its reference range overrides. */

type Q = Kysely<Database>;

export interface TenantSettingsRow {
  categoryWeights: Record<string, number>;
  tiers: { healthy: number; atRisk: number };
}

/** The tenant's weights and tiers; null when it never changed them (the catalogue's apply). */
export async function findTenantSettings(db: Q, tenantId: string): Promise<TenantSettingsRow | null> {
  const row = await db
    .selectFrom('tenant_settings')
    .select(['tenant_settings.category_weights', 'tenant_settings.tier_healthy', 'tenant_settings.tier_at_risk'])
    .where('tenant_settings.tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row ? { categoryWeights: row.category_weights, tiers: { healthy: row.tier_healthy, atRisk: row.tier_at_risk } } : null;
}

/** Creates or replaces the tenant's weights and tiers. */
export async function upsertTenantSettings(db: Q, tenantId: string, settings: TenantSettingsRow): Promise<void> {
  const values = {
    category_weights: JSON.stringify(settings.categoryWeights),
    tier_healthy: settings.tiers.healthy,
    tier_at_risk: settings.tiers.atRisk,
  };
  await db
    .insertInto('tenant_settings')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export interface ReferenceRangeRow {
  kpiKey: string;
  kpiName: string;
  category: string;
  unit: string;
  higherIsBetter: boolean;
  scaleMin: number;
  riskThreshold: number;
  healthyThreshold: number;
  scaleMax: number;
}

/** The tenant's reference range overrides. */
export async function listReferenceRanges(db: Q, tenantId: string): Promise<Omit<ReferenceRangeRow, 'kpiKey'>[]> {
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
    unit: r.unit,
    higherIsBetter: r.higher_is_better,
    scaleMin: r.scale_min,
    riskThreshold: r.risk_threshold,
    healthyThreshold: r.healthy_threshold,
    scaleMax: r.scale_max,
  }));
}

/** Creates or replaces the tenant's override of one KPI's range. */
export async function upsertReferenceRange(db: Q, tenantId: string, range: ReferenceRangeRow, updatedBy: string | null): Promise<void> {
  const thresholds = {
    higher_is_better: range.higherIsBetter,
    scale_min: range.scaleMin,
    risk_threshold: range.riskThreshold,
    healthy_threshold: range.healthyThreshold,
    scale_max: range.scaleMax,
    updated_by: updatedBy,
  };
  await db
    .insertInto('reference_ranges')
    .values({ tenant_id: tenantId, kpi_key: range.kpiKey, kpi_name: range.kpiName, category: range.category, unit: range.unit, ...thresholds })
    .onConflict((oc) => oc.columns(['tenant_id', 'kpi_key']).doUpdateSet({ ...thresholds, updated_at: new Date() }))
    .execute();
}

/** Deletes the tenant's override of one KPI (its key), or every override (null); returns the keys deleted. */
export async function deleteReferenceRanges(db: Q, tenantId: string, kpiKey: string | null): Promise<string[]> {
  let q = db.deleteFrom('reference_ranges').where('reference_ranges.tenant_id', '=', tenantId);
  if (kpiKey !== null) q = q.where('reference_ranges.kpi_key', '=', kpiKey);
  const rows = await q.returning('reference_ranges.kpi_key').execute();
  return rows.map((r) => r.kpi_key);
}
