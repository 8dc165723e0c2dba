import { impactWeights, kpiKey } from './catalogue.js';
import { tierFor, type Tier } from './tiers.js';
import type { HealthSettings, Impact } from './types.js';

export interface RollupReading {
  category: string;
  impact: string | null;
  score: number | null;
}

export interface CategoryHealth {
  category: string;
  score: number | null;
  weight: number;
  scoredCount: number;
  readingCount: number;
  /** True when the category has a positive weight and at least one scored reading. */
  counted: boolean;
}

export interface HealthRollup {
  overall: number | null;
  tier: Tier;
  /** Scored readings ÷ all readings; `null` when there are no readings. */
  coverage: number | null;
  scoredCount: number;
  readingCount: number;
  categories: CategoryHealth[];
}

const impactsByKey: Record<string, Impact> = { high: 'High', medium: 'Medium', low: 'Low' };

/** `High`, `Medium` or `Low` in any case; anything else, or nothing, counts as `Medium`. */
export function normaliseImpact(impact: string | null | undefined): Impact {
  return impactsByKey[kpiKey(impact ?? '')] ?? 'Medium';
}

/**
 * Account (or product) health from scored readings: impact-weighted mean per category,
 * then category weights renormalised over the categories that have a scored reading.
 */
export function rollupHealth(readings: readonly RollupReading[], settings: HealthSettings): HealthRollup {
  const categories = groupByCategory(readings, settings.categoryWeights).map(summariseCategory);
  const overall = weightedMean(categories.map((c) => ({ value: c.counted ? c.score : null, weight: c.weight })));
  const scoredCount = readings.filter((r) => r.score !== null).length;
  return {
    overall,
    tier: tierFor(overall, settings.tiers),
    coverage: readings.length === 0 ? null : scoredCount / readings.length,
    scoredCount,
    readingCount: readings.length,
    categories,
  };
}

interface CategoryGroup {
  category: string;
  weight: number;
  readings: RollupReading[];
}

/** Configured categories in settings order, then the others alphabetically; names match case-insensitively. */
function groupByCategory(readings: readonly RollupReading[], weights: Record<string, number>): CategoryGroup[] {
  const configured = new Map<string, CategoryGroup>(
    Object.entries(weights).map(([category, weight]) => [kpiKey(category), { category, weight, readings: [] }]),
  );
  const others = new Map<string, CategoryGroup>();
  for (const reading of readings) {
    const key = kpiKey(reading.category);
    const group = configured.get(key) ?? others.get(key) ?? newGroup(others, key, reading.category.trim());
    group.readings.push(reading);
  }
  const sortedOthers = [...others.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...configured.values(), ...sortedOthers.map(([, group]) => group)];
}

function newGroup(groups: Map<string, CategoryGroup>, key: string, category: string): CategoryGroup {
  const group: CategoryGroup = { category, weight: 0, readings: [] };
  groups.set(key, group);
  return group;
}

function summariseCategory(group: CategoryGroup): CategoryHealth {
  const score = weightedMean(group.readings.map((r) => ({ value: r.score, weight: impactWeights[normaliseImpact(r.impact)] })));
  return {
    category: group.category,
    score,
    weight: group.weight,
    scoredCount: group.readings.filter((r) => r.score !== null).length,
    readingCount: group.readings.length,
    counted: group.weight > 0 && score !== null,
  };
}

/** Mean of the non-null values by weight; `null` when no value carries weight. */
function weightedMean(items: ReadonlyArray<{ value: number | null; weight: number }>): number | null {
  let totalWeight = 0;
  let total = 0;
  for (const { value, weight } of items) {
    if (value === null) continue;
    totalWeight += weight;
    total += value * weight;
  }
  return totalWeight > 0 ? total / totalWeight : null;
}
