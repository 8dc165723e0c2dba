import type { Db } from '@pulse/db';
import type { Actor } from '../domain/accounts.js';
import { createSegment, type SegmentInput } from '../domain/segments.js';

/**
 * Northwind's segments, created before its KPI history is uploaded so every health is scored
 * with its segment from the start: large accounts weigh Support more, onboarding accounts are
 * judged on usage with gentler tiers, small businesses on usage and outcomes.
 */
export const demoSegments: SegmentInput[] = [
  {
    name: 'Enterprise',
    rule: { tiers: ['Enterprise', 'Strategic'] },
    categoryWeights: { 'Product Usage': 25, Support: 30, 'Customer Sentiment': 15, 'Business Outcomes': 15, 'Relationship Strength': 15 },
  },
  {
    name: 'Onboarding',
    rule: { lifecycleStages: ['Onboarding'] },
    categoryWeights: { 'Product Usage': 45, Support: 20, 'Customer Sentiment': 15, 'Business Outcomes': 10, 'Relationship Strength': 10 },
    tiers: { healthy: 75, atRisk: 55 },
  },
  {
    name: 'Small business',
    rule: { tiers: ['SMB'], revenue: { max: 1_000_000 } },
    categoryWeights: { 'Product Usage': 35, Support: 15, 'Customer Sentiment': 15, 'Business Outcomes': 25, 'Relationship Strength': 10 },
  },
];

export async function seedSegments(db: Db, actor: Actor): Promise<void> {
  for (const segment of demoSegments) await createSegment(db, actor, segment);
}
