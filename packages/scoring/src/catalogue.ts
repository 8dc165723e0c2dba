import catalogue from './kpi-catalogue.json' with { type: 'json' };
import type { HealthSettings, Impact, ReferenceRange } from './types.js';
import { isCatalogueUnit } from './units.js';

type CatalogueEntry = (typeof catalogue.kpis)[number];

/** Matching key for KPI and category names: surrounding space ignored, case-insensitive. */
export function kpiKey(name: string): string {
  return name.trim().toLowerCase();
}

function toRange(entry: CatalogueEntry): ReferenceRange {
  if (!isCatalogueUnit(entry.unit)) {
    throw new Error(`Catalogue KPI "${entry.name}" has unknown unit "${entry.unit}"`);
  }
  return {
    kpiName: entry.name,
    category: entry.category,
    unit: entry.unit,
    higherIsBetter: entry.higherIsBetter,
    scaleMin: entry.scaleMin,
    riskThreshold: entry.riskThreshold,
    healthyThreshold: entry.healthyThreshold,
    scaleMax: entry.scaleMax,
  };
}

export const defaultCatalogue: ReferenceRange[] = catalogue.kpis.map(toRange);

export const defaultSettings: HealthSettings = {
  categoryWeights: { ...catalogue.categories },
  tiers: { ...catalogue.tiers },
};

export const impactWeights: Readonly<Record<Impact, number>> = catalogue.impactWeights;

const defaultRanges = new Map(defaultCatalogue.map((range) => [kpiKey(range.kpiName), range]));

export function defaultRangeFor(kpiName: string): ReferenceRange | undefined {
  return defaultRanges.get(kpiKey(kpiName));
}

export interface ResolvedRange {
  range: ReferenceRange;
  source: 'tenant' | 'default';
}

/** The tenant's range for the KPI if it has one, else the catalogue default. */
export function resolveRange(kpiName: string, tenantRanges: readonly ReferenceRange[] = []): ResolvedRange | undefined {
  const key = kpiKey(kpiName);
  const tenantRange = tenantRanges.find((range) => kpiKey(range.kpiName) === key);
  if (tenantRange) return { range: tenantRange, source: 'tenant' };
  const defaultRange = defaultRanges.get(key);
  return defaultRange && { range: defaultRange, source: 'default' };
}
