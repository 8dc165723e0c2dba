import type { TierThresholds } from './tiers.js';

export type { Tier, TierThresholds } from './tiers.js';

/** Unit a KPI is measured in, as written in the catalogue. */
export type CatalogueUnit = '%' | '$' | 'hours' | 'days' | 'count' | 'score' | 'ratio';

/** Unit recognised while parsing a raw value; `null` for a plain number. */
export type ParsedUnit = 'percent' | 'currency' | 'hours' | 'days' | 'weeks' | 'minutes' | null;

export type Impact = 'High' | 'Medium' | 'Low';

export type Band = 'healthy' | 'risk' | 'critical';

export type ReadingStatus = Band | 'unknown';

/** Per-KPI unit, direction and thresholds splitting the scale into three bands. */
export interface ReferenceRange {
  kpiName: string;
  category: string;
  unit: CatalogueUnit;
  higherIsBetter: boolean;
  scaleMin: number;
  riskThreshold: number;
  healthyThreshold: number;
  scaleMax: number;
}

export interface HealthSettings {
  categoryWeights: Record<string, number>;
  tiers: TierThresholds;
}
