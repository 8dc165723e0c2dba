import { describe, expect, it } from 'vitest';
import { heatCell, rangeBands, readingTier, tierBands } from '../src/health.js';

const thresholds = { healthy: 80, atRisk: 60 };

describe('heatCell', () => {
  it('colours a category score by tier and shades it by how deep inside the tier it is', () => {
    expect(heatCell(81, thresholds)).toEqual({ tier: 'healthy', depth: 1, label: '81, healthy' });
    expect(heatCell(90, thresholds)).toMatchObject({ tier: 'healthy', depth: 2 });
    expect(heatCell(99, thresholds)).toMatchObject({ tier: 'healthy', depth: 3 });
    expect(heatCell(78, thresholds)).toMatchObject({ tier: 'at_risk', depth: 1 });
    expect(heatCell(61, thresholds)).toMatchObject({ tier: 'at_risk', depth: 3 });
    expect(heatCell(55, thresholds)).toMatchObject({ tier: 'critical', depth: 1 });
    expect(heatCell(12.345, thresholds)).toEqual({ tier: 'critical', depth: 3, label: '12.3, critical' });
  });

  it('shows a missing score as unknown', () => {
    expect(heatCell(null, thresholds)).toEqual({ tier: 'unknown', depth: 1, label: 'No score' });
    expect(heatCell(undefined, thresholds).tier).toBe('unknown');
  });

  it('copes with tiers that have no width', () => {
    expect(heatCell(70, { healthy: 70, atRisk: 70 })).toMatchObject({ tier: 'healthy' });
    expect(heatCell(69, { healthy: 70, atRisk: 70 })).toMatchObject({ tier: 'critical', depth: 1 });
  });
});

describe('bands', () => {
  it('maps a reading status onto the tier colours', () => {
    expect(readingTier('risk')).toBe('at_risk');
    expect(readingTier('healthy')).toBe('healthy');
    expect(readingTier('critical')).toBe('critical');
    expect(readingTier('unknown')).toBe('unknown');
  });

  it('orders a range from its lowest value, whichever way is better', () => {
    const range = { scaleMin: 0, riskThreshold: 51, healthyThreshold: 81, scaleMax: 100 };
    expect(rangeBands({ ...range, higherIsBetter: true }).map((band) => [band.tier, band.from, band.to])).toEqual([
      ['critical', 0, 51],
      ['at_risk', 51, 81],
      ['healthy', 81, 100],
    ]);
    const lower = { scaleMin: 0, healthyThreshold: 5, riskThreshold: 15, scaleMax: 100, higherIsBetter: false };
    expect(rangeBands(lower).map((band) => [band.tier, band.from, band.to])).toEqual([
      ['healthy', 0, 5],
      ['at_risk', 5, 15],
      ['critical', 15, 100],
    ]);
    expect(tierBands(thresholds).map((band) => band.tier)).toEqual(['critical', 'at_risk', 'healthy']);
  });
});
