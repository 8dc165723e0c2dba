/**
 * An account's (or product's) health tier and the rule that gives it. Free of other imports
 * so the web app and the CLI say the same tiers (`@pulse/scoring/tiers`).
 */
export const tiers = ['healthy', 'at_risk', 'critical', 'unknown'] as const;

export type Tier = (typeof tiers)[number];

/** Lowest overall score of each tier: `healthy` if overall ≥ healthy, `at_risk` if ≥ atRisk. */
export interface TierThresholds {
  healthy: number;
  atRisk: number;
}

/** The tier of an overall score under the organisation's thresholds; no score is `unknown`. */
export function tierFor(overall: number | null | undefined, thresholds: TierThresholds): Tier {
  if (overall === null || overall === undefined) return 'unknown';
  if (overall >= thresholds.healthy) return 'healthy';
  if (overall >= thresholds.atRisk) return 'at_risk';
  return 'critical';
}
