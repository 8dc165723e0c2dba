import { tierFor, type Tier, type TierThresholds } from '@pulse/api/vocabulary';

/** One vocabulary and one colour per tier everywhere: badges, charts, heatmap cells, KPI bands. */

export const tierLabels: Record<Tier, string> = {
  healthy: 'Healthy',
  at_risk: 'At risk',
  critical: 'Critical',
  unknown: 'Unknown',
};

/** Chart strokes and fills: the same values as the --health-*-dot variables in styles.css. */
export const tierColors: Record<Tier, string> = {
  healthy: '#1f9d55',
  at_risk: '#d99a06',
  critical: '#d92d20',
  unknown: '#98a2b3',
};

/** A KPI reading's band shown in the tier colours: risk is the reading's word for at risk. */
export function readingTier(status: string): Tier {
  if (status === 'risk') return 'at_risk';
  return status === 'healthy' || status === 'critical' ? status : 'unknown';
}

export interface HeatCell {
  tier: Tier;
  /** 1 (just inside the tier) to 3 (deep inside it), for the cell's shade. */
  depth: 1 | 2 | 3;
  label: string;
}

/**
 * Heatmap cell of a category score: its tier colour, shaded by how far inside the tier the
 * score sits (healthy: above the healthy threshold; at risk and critical: below the upper edge).
 */
export function heatCell(score: number | null | undefined, thresholds: TierThresholds): HeatCell {
  const tier = tierFor(score, thresholds);
  if (score === null || score === undefined) return { tier, depth: 1, label: 'No score' };
  const [low, high] = tier === 'healthy' ? [thresholds.healthy, 100] : tier === 'at_risk' ? [thresholds.atRisk, thresholds.healthy] : [0, thresholds.atRisk];
  const span = high - low;
  const inside = span > 0 ? (tier === 'healthy' ? (score - low) / span : (high - score) / span) : 1;
  const depth = inside >= 2 / 3 ? 3 : inside >= 1 / 3 ? 2 : 1;
  return { tier, depth, label: `${Math.round(score * 10) / 10}, ${tierLabels[tier].toLowerCase()}` };
}

export interface TierBand {
  from: number;
  to: number;
  tier: Tier;
}

/** The health tiers on the 0–100 scale, lowest first. */
export function tierBands(thresholds: TierThresholds): TierBand[] {
  return [
    { from: 0, to: thresholds.atRisk, tier: 'critical' },
    { from: thresholds.atRisk, to: thresholds.healthy, tier: 'at_risk' },
    { from: thresholds.healthy, to: 100, tier: 'healthy' },
  ];
}

export interface RangeBounds {
  higherIsBetter: boolean;
  scaleMin: number;
  riskThreshold: number;
  healthyThreshold: number;
  scaleMax: number;
}

/** A KPI range's critical, risk and healthy bands on its scale, lowest value first. */
export function rangeBands(range: RangeBounds): TierBand[] {
  const { scaleMin, riskThreshold, healthyThreshold, scaleMax } = range;
  return range.higherIsBetter
    ? [
        { from: scaleMin, to: riskThreshold, tier: 'critical' },
        { from: riskThreshold, to: healthyThreshold, tier: 'at_risk' },
        { from: healthyThreshold, to: scaleMax, tier: 'healthy' },
      ]
    : [
        { from: scaleMin, to: healthyThreshold, tier: 'healthy' },
        { from: healthyThreshold, to: riskThreshold, tier: 'at_risk' },
        { from: riskThreshold, to: scaleMax, tier: 'critical' },
      ];
}
