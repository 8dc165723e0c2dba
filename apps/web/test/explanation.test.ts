import { describe, expect, it } from 'vitest';
import { dayStart } from '../src/pages/ActivityPage.js';
import { contributions } from '../src/pages/account/AccountHealth.js';
import { groupReadings } from '../src/pages/account/KpiReadings.js';
import { parseThresholds } from '../src/pages/RangesPage.js';

const category = (name: string, score: number | null, weight: number) => ({
  category: name,
  score,
  weight,
  scoredCount: score === null ? 0 : 1,
  readingCount: 1,
  counted: weight > 0 && score !== null,
});

describe('contributions', () => {
  it('shares the weights out over the counted categories, adding up to the overall score', () => {
    const rows = contributions([category('Support', 90, 20), category('Product Usage', 60, 30), category('Sentiment', null, 50), category('Other', 70, 0)]);
    expect(rows.map((row) => [row.category.category, row.share, row.points])).toEqual([
      ['Support', 0.4, 36],
      ['Product Usage', 0.6, 36],
      ['Sentiment', null, null],
      ['Other', null, null],
    ]);
    expect(rows.reduce((sum, row) => sum + (row.points ?? 0), 0)).toBe(72);
  });
});

describe('groupReadings', () => {
  const reading = (id: string, categoryName: string) => ({ id, category: categoryName }) as Parameters<typeof groupReadings>[0][number];

  it('follows the order of the health categories, matching names in any case, others last', () => {
    const groups = groupReadings(
      [reading('1', 'support'), reading('2', 'Extra'), reading('3', 'Product Usage'), reading('4', 'Support')],
      ['Product Usage', 'Support', 'Empty'],
    );
    expect(groups.map((group) => [group.category, group.readings.map((r) => r.id)])).toEqual([
      ['Product Usage', ['3']],
      ['Support', ['1', '4']],
      ['Extra', ['2']],
    ]);
  });
});

describe('parseThresholds', () => {
  it('keeps numbers and names the fields that are not numbers', () => {
    expect(parseThresholds({ scaleMin: '0', riskThreshold: '51.5', healthyThreshold: '-3', scaleMax: '1e3' })).toEqual({
      numbers: { scaleMin: 0, riskThreshold: 51.5, healthyThreshold: -3, scaleMax: 1000 },
      errors: {},
    });
    expect(parseThresholds({ scaleMin: '', riskThreshold: 'abc', healthyThreshold: '1', scaleMax: '2' })).toEqual({
      numbers: null,
      errors: { scaleMin: ['Enter a number as the scale min.'], riskThreshold: ['Enter a number as the risk threshold.'] },
    });
  });
});

describe('dayStart', () => {
  it('turns a local day into the instant it starts, or the next day starts', () => {
    expect(dayStart('2026-03-31')).toBe(new Date(2026, 2, 31).toISOString());
    expect(dayStart('2026-03-31', true)).toBe(new Date(2026, 3, 1).toISOString());
    expect(dayStart('')).toBeNull();
  });
});
