import { describe, expect, it } from 'vitest';
import {
  defaultRangeFor,
  defaultSettings,
  normaliseImpact,
  rollupHealth,
  scoreReading,
  tierFor,
  type HealthSettings,
  type RollupReading,
} from '../src/index.js';

const reading = (category: string, score: number | null, impact: string | null = 'Medium'): RollupReading => ({
  category,
  impact,
  score,
});

function category(result: ReturnType<typeof rollupHealth>, name: string) {
  const found = result.categories.find((c) => c.category === name);
  if (!found) throw new Error(`no category ${name}`);
  return found;
}

describe('rollupHealth', () => {
  it('computes the README example end to end', () => {
    const rows = [
      { kpi: 'Customer Retention Rate', raw: '94%', impact: 'High' },
      { kpi: 'Feature Adoption Rate', raw: '66%', impact: 'Low' },
      { kpi: 'First Response Time', raw: '30 minutes', impact: 'Medium' },
      { kpi: 'Mean Time to Resolution (MTTR)', raw: '20 hours', impact: 'High' },
    ];
    const scored = rows.map((row) => {
      const range = defaultRangeFor(row.kpi);
      return { category: range?.category ?? '', impact: row.impact, score: scoreReading(row, range).score };
    });
    // Retention 94%: 67 + 33·(94−91)/(100−91) = 78
    // Adoption 66%: 34 + 32·(66−51)/(81−51) = 50
    // First response 30 min = 0.5 h: 67 + 33·(2−0.5)/(2−0) = 91.75
    // MTTR 20 h: 34 + 32·(24−20)/(24−4) = 40.4
    expect(scored.map((r) => r.score)).toEqual([expect.closeTo(78, 9), expect.closeTo(50, 9), expect.closeTo(91.75, 9), expect.closeTo(40.4, 9)]);

    const result = rollupHealth(scored, defaultSettings);
    // Product Usage: (3·78 + 1·50)/(3+1) = 284/4 = 71
    expect(category(result, 'Product Usage').score).toBeCloseTo(71, 9);
    // Support: (2·91.75 + 3·40.4)/(2+3) = 304.7/5 = 60.94
    expect(category(result, 'Support').score).toBeCloseTo(60.94, 9);
    // Overall over the two categories with data: (30·71 + 20·60.94)/(30+20) = 3348.8/50 = 66.976
    expect(result.overall).toBeCloseTo(66.976, 9);
    expect(result.tier).toBe('at_risk');
    expect(result.coverage).toBe(1);
  });

  it('weights readings by impact, unknown or missing impact counting as Medium', () => {
    const result = rollupHealth(
      [reading('Support', 90, 'High'), reading('Support', 30, 'Low'), reading('Support', 60, null), reading('Support', 0, 'Urgent')],
      defaultSettings,
    );
    // (3·90 + 1·30 + 2·60 + 2·0)/(3+1+2+2) = 420/8 = 52.5
    expect(category(result, 'Support').score).toBeCloseTo(52.5, 9);
    expect(result.overall).toBeCloseTo(52.5, 9);
  });

  it('matches impact case-insensitively', () => {
    expect(normaliseImpact(' high ')).toBe('High');
    expect(normaliseImpact('LOW')).toBe('Low');
    expect(normaliseImpact(undefined)).toBe('Medium');
  });

  it('renormalises over categories with data and lists missing ones', () => {
    const result = rollupHealth([reading('Support', 70), reading('Customer Sentiment', 40)], defaultSettings);
    // (20·70 + 20·40)/(20+20) = 55
    expect(result.overall).toBeCloseTo(55, 9);
    expect(result.tier).toBe('critical');
    expect(result.categories.map((c) => c.category)).toEqual(['Product Usage', 'Support', 'Customer Sentiment', 'Business Outcomes', 'Relationship Strength']);
    expect(category(result, 'Product Usage')).toEqual({
      category: 'Product Usage',
      score: null,
      weight: 30,
      scoredCount: 0,
      readingCount: 0,
      counted: false,
    });
  });

  it('uses custom category weights', () => {
    const settings: HealthSettings = { categoryWeights: { Adoption: 1, Value: 3 }, tiers: { healthy: 80, atRisk: 60 } };
    const result = rollupHealth([reading('Adoption', 80), reading('Value', 40)], settings);
    // (1·80 + 3·40)/(1+3) = 200/4 = 50
    expect(result.overall).toBeCloseTo(50, 9);
    expect(result.tier).toBe('critical');
  });

  it('shows a weight-0 category without counting it', () => {
    const settings: HealthSettings = { categoryWeights: { 'Product Usage': 30, Support: 0 }, tiers: { healthy: 80, atRisk: 60 } };
    const result = rollupHealth([reading('Product Usage', 90), reading('Support', 10)], settings);
    expect(result.overall).toBeCloseTo(90, 9);
    expect(category(result, 'Support')).toMatchObject({ score: 10, weight: 0, scoredCount: 1, counted: false });
    expect(category(result, 'Product Usage')).toMatchObject({ score: 90, weight: 30, counted: true });
  });

  it('shows categories missing from the settings after configured ones, alphabetically, uncounted', () => {
    const result = rollupHealth([reading('Zeta', 10), reading('Support', 85), reading('alpha', 20), reading(' Alpha ', 40)], defaultSettings);
    expect(result.categories.map((c) => c.category)).toEqual([
      'Product Usage',
      'Support',
      'Customer Sentiment',
      'Business Outcomes',
      'Relationship Strength',
      'alpha',
      'Zeta',
    ]);
    // alpha: (2·20 + 2·40)/4 = 30, shown with weight 0
    expect(category(result, 'alpha')).toMatchObject({ score: 30, weight: 0, readingCount: 2, counted: false });
    expect(result.overall).toBeCloseTo(85, 9);
    expect(result.tier).toBe('healthy');
  });

  it('matches category names case-insensitively against the settings', () => {
    const result = rollupHealth([reading(' support ', 70)], defaultSettings);
    expect(category(result, 'Support')).toMatchObject({ score: 70, readingCount: 1, counted: true });
    expect(result.categories).toHaveLength(5);
  });

  it('reports coverage and leaves unscored readings out of every average', () => {
    const result = rollupHealth(
      [reading('Support', 90), reading('Support', null, 'High'), reading('Support', 60), reading('Customer Sentiment', null)],
      defaultSettings,
    );
    // 2 of 4 readings scored: 2/4 = 0.5
    expect(result.scoredCount).toBe(2);
    expect(result.readingCount).toBe(4);
    expect(result.coverage).toBeCloseTo(0.5, 9);
    // Support: (2·90 + 2·60)/4 = 75; Customer Sentiment has no scored reading, so not counted
    expect(category(result, 'Support')).toMatchObject({ score: 75, scoredCount: 2, readingCount: 3 });
    expect(category(result, 'Customer Sentiment')).toMatchObject({ score: null, scoredCount: 0, readingCount: 1, counted: false });
    expect(result.overall).toBeCloseTo(75, 9);
  });

  it('has no overall and an unknown tier without scored readings', () => {
    const result = rollupHealth([reading('Support', null)], defaultSettings);
    expect(result).toMatchObject({ overall: null, tier: 'unknown', coverage: 0, scoredCount: 0, readingCount: 1 });
    expect(rollupHealth([], defaultSettings)).toMatchObject({ overall: null, tier: 'unknown', coverage: null });
  });

  it('has no overall when only weight-0 categories are scored', () => {
    const result = rollupHealth([reading('Unlisted', 95)], defaultSettings);
    expect(result).toMatchObject({ overall: null, tier: 'unknown', coverage: 1 });
    expect(category(result, 'Unlisted').score).toBe(95);
  });

  it('applies custom tier thresholds', () => {
    const settings: HealthSettings = { ...defaultSettings, tiers: { healthy: 90, atRisk: 70 } };
    expect(rollupHealth([reading('Support', 85)], settings).tier).toBe('at_risk');
    expect(rollupHealth([reading('Support', 90)], settings).tier).toBe('healthy');
    expect(rollupHealth([reading('Support', 69.99)], settings).tier).toBe('critical');
  });
});

describe('tierFor', () => {
  const tiers = defaultSettings.tiers;

  it('puts boundary values in the higher tier', () => {
    expect(tierFor(80, tiers)).toBe('healthy');
    expect(tierFor(79.999, tiers)).toBe('at_risk');
    expect(tierFor(60, tiers)).toBe('at_risk');
    expect(tierFor(59.999, tiers)).toBe('critical');
    expect(tierFor(100, tiers)).toBe('healthy');
    expect(tierFor(0, tiers)).toBe('critical');
  });

  it('is unknown without an overall score', () => {
    expect(tierFor(null, tiers)).toBe('unknown');
  });

  it('uses custom thresholds', () => {
    const custom = { healthy: 90, atRisk: 70 };
    expect(tierFor(90, custom)).toBe('healthy');
    expect(tierFor(89.9, custom)).toBe('at_risk');
    expect(tierFor(70, custom)).toBe('at_risk');
    expect(tierFor(69.9, custom)).toBe('critical');
  });
});
