import { describe, expect, it } from 'vitest';
import { defaultSettings, validateRange, validateSettings, type ReferenceRange } from '../src/index.js';

const higher: ReferenceRange = {
  kpiName: 'Renewal Rate',
  category: 'Business Outcomes',
  unit: '%',
  higherIsBetter: true,
  scaleMin: 0,
  riskThreshold: 81,
  healthyThreshold: 96,
  scaleMax: 100,
};
const lower: ReferenceRange = { ...higher, kpiName: 'Churn Rate', higherIsBetter: false, riskThreshold: 15, healthyThreshold: 5 };

describe('validateRange', () => {
  it('accepts valid ranges in both directions, including zero-width bands', () => {
    expect(validateRange(higher)).toEqual([]);
    expect(validateRange(lower)).toEqual([]);
    expect(validateRange({ ...higher, riskThreshold: 0, healthyThreshold: 100 })).toEqual([]);
    expect(validateRange({ ...lower, healthyThreshold: 15 })).toEqual([]);
  });

  it('rejects thresholds out of order when higher is better', () => {
    expect(validateRange({ ...higher, riskThreshold: 97 })).toEqual([
      'riskThreshold (97) is greater than healthyThreshold (96); expected scaleMin ≤ riskThreshold ≤ healthyThreshold ≤ scaleMax when higher is better',
    ]);
  });

  it('rejects thresholds out of order when lower is better', () => {
    expect(validateRange({ ...lower, healthyThreshold: 20 })).toEqual([
      'healthyThreshold (20) is greater than riskThreshold (15); expected scaleMin ≤ healthyThreshold ≤ riskThreshold ≤ scaleMax when lower is better',
    ]);
  });

  it('rejects thresholds meant for the other direction', () => {
    const errors = validateRange({ ...higher, higherIsBetter: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('riskThreshold (81)');
  });

  it('rejects thresholds outside the scale', () => {
    const errors = validateRange({ ...higher, riskThreshold: -1, healthyThreshold: 101 });
    expect(errors).toEqual([
      expect.stringContaining('scaleMin (0) is greater than riskThreshold (-1)'),
      expect.stringContaining('healthyThreshold (101) is greater than scaleMax (100)'),
    ]);
  });

  it('rejects an empty or inverted scale', () => {
    expect(validateRange({ ...higher, scaleMin: 100, riskThreshold: 100, healthyThreshold: 100 })).toEqual([
      'scaleMin (100) must be less than scaleMax (100)',
    ]);
  });

  it('rejects non-finite numbers, naming the field', () => {
    expect(validateRange({ ...higher, scaleMax: Number.NaN, riskThreshold: Number.POSITIVE_INFINITY })).toEqual([
      'riskThreshold must be a finite number',
      'scaleMax must be a finite number',
    ]);
  });

  it('rejects an unknown unit and empty names', () => {
    const bad = { ...higher, kpiName: ' ', category: '', unit: 'furlongs' } as unknown as ReferenceRange;
    expect(validateRange(bad)).toEqual([
      'kpiName must not be empty',
      'category must not be empty',
      'unit must be one of %, $, hours, days, count, score, ratio',
    ]);
  });
});

describe('validateSettings', () => {
  it('accepts the defaults and equal tiers', () => {
    expect(validateSettings(defaultSettings)).toEqual([]);
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: 70, atRisk: 70 } })).toEqual([]);
  });

  it('rejects negative or non-finite weights', () => {
    const errors = validateSettings({ ...defaultSettings, categoryWeights: { Support: -1, Usage: Number.NaN, Value: 5 } });
    expect(errors).toEqual([
      'Weight of "Support" (-1) must be a finite number ≥ 0',
      'Weight of "Usage" (NaN) must be a finite number ≥ 0',
    ]);
  });

  it('requires at least one positive weight', () => {
    const expected = ['At least one category weight must be greater than 0'];
    expect(validateSettings({ ...defaultSettings, categoryWeights: { Support: 0 } })).toEqual(expected);
    expect(validateSettings({ ...defaultSettings, categoryWeights: {} })).toEqual(expected);
  });

  it('rejects category names that differ only by case or spacing', () => {
    expect(validateSettings({ ...defaultSettings, categoryWeights: { Support: 1, ' support': 2 } })).toEqual([
      'Category " support" duplicates "Support" (names ignore case and spacing)',
    ]);
  });

  it('rejects tiers out of order or outside 0–100', () => {
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: 60, atRisk: 80 } })).toEqual([
      'tiers.atRisk (80) is greater than tiers.healthy (60); expected 0 ≤ tiers.atRisk ≤ tiers.healthy ≤ 100',
    ]);
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: 101, atRisk: -1 } })).toEqual([
      '0 is greater than tiers.atRisk (-1); expected 0 ≤ tiers.atRisk ≤ tiers.healthy ≤ 100',
      'tiers.healthy (101) is greater than 100; expected 0 ≤ tiers.atRisk ≤ tiers.healthy ≤ 100',
    ]);
  });

  it('rejects non-finite tiers', () => {
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: Number.NaN, atRisk: 60 } })).toEqual([
      'tiers.healthy must be a finite number',
    ]);
  });
});
