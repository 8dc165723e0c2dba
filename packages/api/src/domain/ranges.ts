import { defaultCatalogue, defaultRangeFor, kpiKey, validateRange, validateSettings, type HealthSettings, type ReferenceRange } from '@pulse/scoring';
import { scoringSettings, type Db } from '@pulse/db';
import { invalid, notFound } from '../errors.js';
import type { Actor } from './accounts.js';
import { recordActivity } from './activity.js';
import { recomputeAfterChange, type RecomputeOutcome } from './recompute-jobs.js';
import { loadScoringContext, loadSettings, loadTenantSettings, type RangeSource } from './scoring-context.js';

export interface EffectiveRangeItem extends ReferenceRange {
  key: string;
  source: RangeSource;
  default: ReferenceRange | null;
}

/** Every KPI's effective range (the tenant's override or the catalogue default), by category then name. */
export async function listRanges(db: Db, tenantId: string): Promise<EffectiveRangeItem[]> {
  const ctx = await loadScoringContext(db, tenantId);
  return [...ctx.ranges.entries()]
    .map(([key, { range, source }]) => ({ ...range, key, source, default: defaultRangeFor(range.kpiName) ?? null }))
    .sort((a, b) => a.category.localeCompare(b.category) || a.kpiName.localeCompare(b.kpiName));
}

export type UpdatedRange = EffectiveRangeItem & RecomputeOutcome;

export type RangeThresholds = Pick<ReferenceRange, 'higherIsBetter' | 'scaleMin' | 'riskThreshold' | 'healthyThreshold' | 'scaleMax'>;

/**
 * Overrides one catalogue KPI's range for this tenant (copy-on-write), then re-scores that
 * KPI's readings (inline, or in a job on a large tenant: recompute-jobs.ts).
 */
export async function updateRange(db: Db, actor: Actor, kpiName: string, thresholds: RangeThresholds, jobThreshold?: number): Promise<UpdatedRange> {
  const base = defaultRangeFor(kpiName);
  if (!base) throw notFound('KPI');
  const next: ReferenceRange = { ...base, ...thresholds };
  const problems = validateRange(next);
  if (problems.length) throw invalid(problems);
  const key = kpiKey(base.kpiName);
  const before = (await listRanges(db, actor.tenantId)).find((r) => r.key === key);
  await scoringSettings.upsertReferenceRange(
    db,
    actor.tenantId,
    { ...next, kpiKey: key, kpiName: base.kpiName, category: base.category, unit: base.unit },
    actor.userId,
  );
  await recordActivity(db, { ...actor, action: 'range.update', resourceType: 'range', resourceId: key, before, after: thresholds });
  const outcome = await recomputeAfterChange(db, actor, { ranges: [next], recombine: null }, await loadTenantSettings(db, actor.tenantId), jobThreshold);
  return { ...next, key, source: 'tenant', default: base, ...outcome };
}

/** Removes the tenant's override of one KPI, or of all KPIs when kpiName is null, then re-scores those KPIs. */
export async function resetRanges(db: Db, actor: Actor, kpiName: string | null, jobThreshold?: number): Promise<{ reset: number } & RecomputeOutcome> {
  if (kpiName !== null && !defaultRangeFor(kpiName)) throw notFound('KPI');
  const deleted = await scoringSettings.deleteReferenceRanges(db, actor.tenantId, kpiName === null ? null : kpiKey(kpiName));
  const reset = deleted.length;
  await recordActivity(db, { ...actor, action: 'range.reset', resourceType: 'range', resourceId: kpiName ? kpiKey(kpiName) : null, after: { reset } });
  const defaults = deleted.flatMap((key) => defaultRangeFor(key) ?? []);
  const outcome = await recomputeAfterChange(db, actor, { ranges: defaults, recombine: null }, await loadTenantSettings(db, actor.tenantId), jobThreshold);
  return { reset, ...outcome };
}

export const catalogueCategories = [...new Set(defaultCatalogue.map((r) => r.category))];

export async function getSettings(db: Db, tenantId: string): Promise<HealthSettings> {
  return loadSettings(db, tenantId);
}

export type UpdatedSettings = HealthSettings & RecomputeOutcome;

/**
 * Sets category weights and tier thresholds, then recombines every stored health of the
 * tenant from its category scores (inline, or in a job on a large tenant).
 */
export async function updateSettings(db: Db, actor: Actor, settings: HealthSettings, jobThreshold?: number): Promise<UpdatedSettings> {
  const problems = validateSettings(settings);
  if (problems.length) throw invalid(problems);
  const before = await loadSettings(db, actor.tenantId);
  await scoringSettings.upsertTenantSettings(db, actor.tenantId, settings);
  await recordActivity(db, { ...actor, action: 'settings.update', resourceType: 'settings', before, after: settings });
  const recombine = { previousCategoryKeys: Object.keys(before.categoryWeights).map(kpiKey) };
  const outcome = await recomputeAfterChange(db, actor, { ranges: [], recombine }, await loadTenantSettings(db, actor.tenantId), jobThreshold);
  return { ...settings, ...outcome };
}
