import { defaultCatalogue, defaultSettings, isCatalogueUnit, kpiKey, type HealthSettings, type ReferenceRange } from '@pulse/scoring';
import { scoringSettings, segments, type Db } from '@pulse/db';

export type RangeSource = 'tenant' | 'default';

export interface EffectiveRange {
  range: ReferenceRange;
  source: RangeSource;
}

/** A segment's effective settings: its weights and tiers, or the organisation's where it has none. */
export interface SegmentScoring {
  id: string;
  name: string;
  settings: HealthSettings;
}

/** The settings of a tenant: the organisation's, and each segment's effective ones by segment id. */
export interface TenantSettings {
  settings: HealthSettings;
  segments: Map<string, SegmentScoring>;
}

/** Everything scoring needs for one tenant: effective ranges by KPI key, and settings (the organisation's and its segments'). */
export interface ScoringContext extends TenantSettings {
  ranges: Map<string, EffectiveRange>;
}

/** The settings that score an account of this segment (null, or a segment since deleted: the organisation's). */
export function settingsFor(ctx: TenantSettings, segmentId: string | null): HealthSettings {
  return (segmentId === null ? undefined : ctx.segments.get(segmentId)?.settings) ?? ctx.settings;
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
  const row = await scoringSettings.findTenantSettings(db, tenantId);
  if (!row) return defaultSettings;
  return { categoryWeights: inCatalogueOrder(row.categoryWeights), tiers: row.tiers };
}

export async function loadTenantRanges(db: Db, tenantId: string): Promise<ReferenceRange[]> {
  const rows = await scoringSettings.listReferenceRanges(db, tenantId);
  return rows.map((r) => ({ ...r, unit: isCatalogueUnit(r.unit) ? r.unit : 'count' }));
}

/** The organisation's settings and each segment's effective settings. */
export async function loadTenantSettings(db: Db, tenantId: string): Promise<TenantSettings> {
  const [settings, rows] = await Promise.all([loadSettings(db, tenantId), segments.listSegmentSettings(db, tenantId)]);
  const bySegment = new Map<string, SegmentScoring>();
  for (const row of rows) {
    bySegment.set(row.id, {
      id: row.id,
      name: row.name,
      settings: { categoryWeights: row.categoryWeights ? inCatalogueOrder(row.categoryWeights) : settings.categoryWeights, tiers: row.tiers ?? settings.tiers },
    });
  }
  return { settings, segments: bySegment };
}

export async function loadScoringContext(db: Db, tenantId: string): Promise<ScoringContext> {
  const [tenantSettings, overrides] = await Promise.all([loadTenantSettings(db, tenantId), loadTenantRanges(db, tenantId)]);
  const ranges = new Map<string, EffectiveRange>();
  for (const range of defaultCatalogue) ranges.set(kpiKey(range.kpiName), { range, source: 'default' });
  for (const range of overrides) ranges.set(kpiKey(range.kpiName), { range, source: 'tenant' });
  return { ranges, ...tenantSettings };
}
