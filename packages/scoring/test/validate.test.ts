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
      { field: 'riskThreshold', message: 'When higher is better, the risk threshold (97) must not be above the healthy threshold (96).' },
    ]);
  });

  it('rejects thresholds out of order when lower is better', () => {
    expect(validateRange({ ...lower, healthyThreshold: 20 })).toEqual([
      { field: 'healthyThreshold', message: 'When lower is better, the healthy threshold (20) must not be above the risk threshold (15).' },
    ]);
  });

  it('rejects thresholds meant for the other direction', () => {
    const errors = validateRange({ ...higher, higherIsBetter: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('the risk threshold (81)');
  });

  it('rejects thresholds outside the scale', () => {
    const errors = validateRange({ ...higher, riskThreshold: -1, healthyThreshold: 101 });
    expect(errors).toEqual([
      { field: 'scaleMin', message: expect.stringContaining('the scale minimum (0) must not be above the risk threshold (-1)') },
      { field: 'healthyThreshold', message: expect.stringContaining('the healthy threshold (101) must not be above the scale maximum (100)') },
    ]);
  });

  it('rejects an empty or inverted scale', () => {
    expect(validateRange({ ...higher, scaleMin: 100, riskThreshold: 100, healthyThreshold: 100 })).toEqual([
      { field: 'scaleMin', message: 'The scale minimum (100) must be below the scale maximum (100).' },
    ]);
  });

  it('rejects non-finite numbers, naming the field', () => {
    expect(validateRange({ ...higher, scaleMax: Number.NaN, riskThreshold: Number.POSITIVE_INFINITY })).toEqual([
      { field: 'riskThreshold', message: 'The risk threshold must be a number.' },
      { field: 'scaleMax', message: 'The scale maximum must be a number.' },
    ]);
  });

  it('rejects an unknown unit and empty names', () => {
    const bad = { ...higher, kpiName: ' ', category: '', unit: 'furlongs' } as unknown as ReferenceRange;
    expect(validateRange(bad)).toEqual([
      { field: 'kpiName', message: 'The KPI needs a name.' },
      { field: 'category', message: 'The KPI needs a category.' },
      { field: 'unit', message: 'The unit must be one of %, $, hours, days, count, score, ratio.' },
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
      { field: 'categoryWeights.Support', message: 'The weight of Support (-1) must be a number of 0 or more.' },
      { field: 'categoryWeights.Usage', message: 'The weight of Usage (NaN) must be a number of 0 or more.' },
    ]);
  });

  it('requires at least one positive weight', () => {
    const expected = [{ field: 'categoryWeights', message: 'Give at least one category a weight above 0.' }];
    expect(validateSettings({ ...defaultSettings, categoryWeights: { Support: 0 } })).toEqual(expected);
    expect(validateSettings({ ...defaultSettings, categoryWeights: {} })).toEqual(expected);
  });

  it('rejects category names that differ only by case or spacing', () => {
    expect(validateSettings({ ...defaultSettings, categoryWeights: { Support: 1, ' support': 2 } })).toEqual([
      { field: 'categoryWeights. support', message: 'The category " support" duplicates "Support" (names ignore case and spacing).' },
    ]);
  });

  it('rejects tiers out of order or outside 0–100', () => {
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: 60, atRisk: 80 } })).toEqual([
      { field: 'tiers.atRisk', message: 'The at-risk threshold (80) must not be above the healthy threshold (60).' },
    ]);
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: 101, atRisk: -1 } })).toEqual([
      { field: 'tiers.atRisk', message: 'The at-risk threshold (-1) must not be below 0.' },
      { field: 'tiers.healthy', message: 'The healthy threshold (101) must not be above 100.' },
    ]);
  });

  it('rejects non-finite tiers', () => {
    expect(validateSettings({ ...defaultSettings, tiers: { healthy: Number.NaN, atRisk: 60 } })).toEqual([
      { field: 'tiers.healthy', message: 'The healthy threshold must be a number.' },
    ]);
  });
});
