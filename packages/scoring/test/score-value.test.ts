import { describe, expect, it } from 'vitest';
import { scoreValue, type ReferenceRange } from '../src/index.js';

function range(higherIsBetter: boolean, [scaleMin, riskThreshold, healthyThreshold, scaleMax]: number[]): ReferenceRange {
  return {
    kpiName: 'Test KPI',
    category: 'Support',
    unit: 'count',
    higherIsBetter,
    scaleMin: scaleMin ?? 0,
    riskThreshold: riskThreshold ?? 0,
    healthyThreshold: healthyThreshold ?? 0,
    scaleMax: scaleMax ?? 0,
  };
}

function expectScore(v: number, r: ReferenceRange, band: string, score: number) {
  const result = scoreValue(v, r);
  expect(result.band).toBe(band);
  expect(result.score).toBeCloseTo(score, 9);
}

// Higher is better: L = 0, r = 40, h = 70, H = 100
const higher = range(true, [0, 40, 70, 100]);
// Lower is better: L = 0, h = 10, r = 30, H = 100
const lower = range(false, [0, 30, 10, 100]);

describe('scoreValue, higher is better', () => {
  it('scores each band', () => {
    expectScore(85, higher, 'healthy', 83.5); // 67 + 33·(85−70)/(100−70) = 67 + 16.5
    expectScore(55, higher, 'risk', 50); // 34 + 32·(55−40)/(70−40) = 34 + 16
    expectScore(20, higher, 'critical', 16.5); // 33·(20−0)/(40−0)
  });

  it('scores the boundaries', () => {
    expectScore(70, higher, 'healthy', 67); // v = h: 67 + 0
    expectScore(69.4, higher, 'risk', 65.36); // just below h: 34 + 32·29.4/30 = 34 + 31.36
    expectScore(40, higher, 'risk', 34); // v = r: 34 + 0
    expectScore(0, higher, 'critical', 0); // v = L: 33·0/40
    expectScore(100, higher, 'healthy', 100); // v = H: 67 + 33·30/30
  });

  it('clamps values beyond the scale to the band', () => {
    expectScore(150, higher, 'healthy', 100); // 67 + 33·80/30 = 155 → 100
    expectScore(-10, higher, 'critical', 0); // 33·(−10)/40 = −8.25 → 0
  });

  it('gives the top of the band where a band has zero width', () => {
    const riskEqualsHealthy = range(true, [0, 50, 50, 100]);
    expectScore(50, riskEqualsHealthy, 'healthy', 67); // v = h: 67 + 33·0/50
    expectScore(49.9, riskEqualsHealthy, 'critical', 32.934); // 33·49.9/50
    const healthyEqualsMax = range(true, [0, 40, 100, 100]);
    expectScore(100, healthyEqualsMax, 'healthy', 100); // H − h = 0 → 100
    expectScore(120, healthyEqualsMax, 'healthy', 100);
    const minEqualsRisk = range(true, [0, 0, 70, 100]);
    expectScore(-5, minEqualsRisk, 'critical', 33); // r − L = 0 → 33
  });
});

describe('scoreValue, lower is better', () => {
  it('scores each band', () => {
    expectScore(4, lower, 'healthy', 86.8); // 67 + 33·(10−4)/(10−0) = 67 + 19.8
    expectScore(20, lower, 'risk', 50); // 34 + 32·(30−20)/(30−10) = 34 + 16
    expectScore(65, lower, 'critical', 16.5); // 33·(100−65)/(100−30) = 33·35/70
  });

  it('scores the boundaries', () => {
    expectScore(10, lower, 'healthy', 67); // v = h: 67 + 0
    expectScore(30, lower, 'risk', 34); // v = r: 34 + 0
    expectScore(0, lower, 'healthy', 100); // v = L: 67 + 33·10/10
    expectScore(100, lower, 'critical', 0); // v = H: 33·0/70
  });

  it('clamps values beyond the scale to the band', () => {
    expectScore(-5, lower, 'healthy', 100); // 67 + 33·15/10 = 116.5 → 100
    expectScore(130, lower, 'critical', 0); // 33·(−30)/70 → 0
  });

  it('gives the top of the band where a band has zero width', () => {
    const minEqualsHealthy = range(false, [0, 30, 0, 100]);
    expectScore(0, minEqualsHealthy, 'healthy', 100); // h − L = 0 → 100
    const riskEqualsMax = range(false, [0, 100, 10, 100]);
    expectScore(101, riskEqualsMax, 'critical', 33); // H − r = 0 → 33
    const riskEqualsHealthy = range(false, [0, 20, 20, 100]);
    expectScore(20, riskEqualsHealthy, 'healthy', 67); // v = h: 67 + 0
    expectScore(20.5, riskEqualsHealthy, 'critical', 32.79375); // 33·(100−20.5)/(100−20) = 33·79.5/80
  });
});

describe('scoreValue input', () => {
  it('rejects NaN', () => {
    expect(() => scoreValue(Number.NaN, higher)).toThrow(RangeError);
  });
});
