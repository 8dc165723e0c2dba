import { describe, expect, it } from 'vitest';
import { defaultRangeFor, scoreReading, type ReferenceRange } from '../src/index.js';

function catalogueRange(name: string): ReferenceRange {
  const range = defaultRangeFor(name);
  if (!range) throw new Error(`missing catalogue KPI ${name}`);
  return range;
}

function expectScored(raw: string | number, kpi: string, expected: { value: number; unit: string | null; band: string; score: number }) {
  const reading = scoreReading({ raw }, catalogueRange(kpi));
  expect(reading.status).toBe(expected.band);
  expect(reading.band).toBe(expected.band);
  expect(reading.unit).toBe(expected.unit);
  expect(reading.value).toBeCloseTo(expected.value, 9);
  expect(reading.score).toBeCloseTo(expected.score, 6);
  expect(reading.warning).toBeNull();
}

describe('scoreReading', () => {
  it('scores a percentage', () => {
    // Product Activation Rate: L 0, r 51, h 81, H 100, higher. 67 + 33·(93−81)/(100−81) = 87.8421053
    expectScored('93%', 'Product Activation Rate', { value: 93, unit: 'percent', band: 'healthy', score: 87.8421053 });
  });

  it('scores a plain number in the KPI unit', () => {
    expectScored(93, 'Product Activation Rate', { value: 93, unit: null, band: 'healthy', score: 87.8421053 });
    // Customer Satisfaction (CSAT): L 1, r 3.1, h 4.1, H 5. 67 + 33·(4.5−4.1)/(5−4.1) = 81.6666667
    expectScored('4.5', 'Customer Satisfaction (CSAT)', { value: 4.5, unit: null, band: 'healthy', score: 81.6666667 });
  });

  it('converts days into an hours KPI', () => {
    // MTTR: hours, lower, L 0, h 4, r 24, H 999. 2 days = 48 h > r: 33·(999−48)/(999−24) = 32.1876923
    expectScored('2 days', 'Mean Time to Resolution (MTTR)', { value: 48, unit: 'hours', band: 'critical', score: 32.1876923 });
  });

  it('converts hours and weeks into a days KPI', () => {
    // TTFV: days, lower, L 0, h 7, r 30, H 999.
    // 27 hours = 1.125 days: 67 + 33·(7−1.125)/(7−0) = 94.6964286
    expectScored('27 hours', 'Time to First Value (TTFV)', { value: 1.125, unit: 'days', band: 'healthy', score: 94.6964286 });
    // 2 weeks = 14 days: 34 + 32·(30−14)/(30−7) = 56.2608696
    expectScored('2 weeks', 'Time to First Value (TTFV)', { value: 14, unit: 'days', band: 'risk', score: 56.2608696 });
  });

  it('converts minutes into an hours KPI', () => {
    // First Response Time: hours, lower, L 0, h 2, r 8, H 999. 45 min = 0.75 h: 67 + 33·(2−0.75)/2 = 87.625
    expectScored('45 minutes', 'First Response Time', { value: 0.75, unit: 'hours', band: 'healthy', score: 87.625 });
  });

  it('scores currency with suffixes and separators', () => {
    // CLV: $, higher, L 0, r 10001, h 50001, H 999999. 67 + 33·(97000−50001)/(999999−50001) = 68.6326003
    expectScored('$97K', 'Customer Lifetime Value (CLV)', { value: 97_000, unit: 'currency', band: 'healthy', score: 68.6326003 });
    // 2 500 000 > H: 67 + 33·1500001/949998 ≈ 119.1 → clamped to 100
    expectScored('$2.5M', 'Customer Lifetime Value (CLV)', { value: 2_500_000, unit: 'currency', band: 'healthy', score: 100 });
    // Support Cost per Ticket: $, lower, L 0, h 25, r 75, H 999999. 33·(999999−1200)/(999999−75) = 32.9628722
    expectScored('$1,200', 'Support Cost per Ticket', { value: 1_200, unit: 'currency', band: 'critical', score: 32.9628722 });
  });

  it('flags hours given for a % KPI as a unit mismatch', () => {
    const reading = scoreReading({ raw: '20 hours' }, catalogueRange('Escalation Rate'));
    expect(reading).toMatchObject({ status: 'unknown', value: 20, unit: 'hours', score: null, band: null });
    expect(reading.warning?.code).toBe('unit_mismatch');
    expect(reading.warning?.message).toBe('"20 hours" is in hours, but Escalation Rate is measured in %');
  });

  it('flags a percentage given for a score KPI as a unit mismatch', () => {
    const reading = scoreReading({ raw: '79%' }, catalogueRange('Customer Effort Score (CES)'));
    expect(reading).toMatchObject({ status: 'unknown', value: 79, unit: 'percent', score: null, band: null });
    expect(reading.warning?.code).toBe('unit_mismatch');
  });

  it.each([
    ['N/A', 'Cannot read "N/A" as a number'],
    ['abc', 'Cannot read "abc" as a number'],
    ['', 'Value is empty'],
    [null, 'Value is empty'],
    // A decimal comma is never read as a thousands separator: "12,34" is not 1234.
    ['12,34', 'Cannot read "12,34" as a number: a comma separates thousands only when exactly three digits follow it; write decimals with a point'],
    ['93,5%', 'Cannot read "93,5%" as a number: a comma separates thousands only when exactly three digits follow it; write decimals with a point'],
  ])('flags %j as unparseable', (raw, message) => {
    const reading = scoreReading({ raw }, catalogueRange('Renewal Rate'));
    expect(reading).toEqual({
      status: 'unknown',
      value: null,
      unit: null,
      score: null,
      band: null,
      warning: { code: 'unparseable', message },
    });
  });

  it('scores text in accounting and signed forms as the number it names', () => {
    // Renewal Rate (%, higher is better, r 81, h 96): "+97%" = 97 → healthy 67 + 33·(97 − 96)/(100 − 96) = 75.25
    expect(scoreReading({ raw: '+97%' }, catalogueRange('Renewal Rate'))).toMatchObject({ status: 'healthy', value: 97, unit: 'percent', score: 75.25 });
    // "(5%)" = −5, below the scale minimum 0: critical, clamped to 0.
    expect(scoreReading({ raw: '(5%)' }, catalogueRange('Renewal Rate'))).toMatchObject({ status: 'critical', value: -5, score: 0 });
  });

  it('flags a KPI without a range as unknown', () => {
    const reading = scoreReading({ raw: '42%' }, defaultRangeFor('Coffee Consumption'));
    expect(reading).toMatchObject({ status: 'unknown', value: 42, unit: 'percent', score: null, band: null });
    expect(reading.warning?.code).toBe('unknown_kpi');
  });
});
