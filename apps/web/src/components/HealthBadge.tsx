import type { Tier } from '@pulse/scoring';
import { tierLabels } from '../health.js';

const scoreFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export interface HealthBadgeProps {
  /** Overall score 0–100; null when no reading could be scored. */
  score: number | null;
  tier: Tier;
}

/** Tier colour and label, plus the score rounded to two decimals for display. */
export function HealthBadge({ score, tier }: HealthBadgeProps) {
  return (
    <span className={`health-badge health-${tier}`}>
      <span className="health-dot" aria-hidden="true" />
      {tierLabels[tier]}
      {score !== null && <span className="health-score">{scoreFormat.format(score)}</span>}
    </span>
  );
}
