import { defaultSettings } from '@pulse/scoring';
import type { Db } from '../tenancy.js';

/** Stores a new tenant with the default scoring settings (weights and tier thresholds). */
export async function insertTenantWithDefaultSettings(db: Db, tenantId: string, name: string): Promise<void> {
  await db.insertInto('tenants').values({ id: tenantId, name }).execute();
  await db
    .insertInto('tenant_settings')
    .values({
      tenant_id: tenantId,
      category_weights: JSON.stringify(defaultSettings.categoryWeights),
      tier_healthy: defaultSettings.tiers.healthy,
      tier_at_risk: defaultSettings.tiers.atRisk,
    })
    .execute();
}
