import { describe, expect, it } from 'vitest';
import { toCatalogueUnit, type ParsedUnit } from '../src/index.js';

const value = (v: number, unit: ParsedUnit) => ({ value: v, unit });

describe('toCatalogueUnit', () => {
  it('takes plain numbers as already in the catalogue unit', () => {
    for (const unit of ['%', '$', 'hours', 'days', 'count', 'score', 'ratio'] as const) {
      expect(toCatalogueUnit(value(12, null), unit)).toEqual({ ok: true, value: 12 });
    }
  });

  it('accepts percent for % and currency for $', () => {
    expect(toCatalogueUnit(value(93, 'percent'), '%')).toEqual({ ok: true, value: 93 });
    expect(toCatalogueUnit(value(97_000, 'currency'), '$')).toEqual({ ok: true, value: 97_000 });
  });

  it('converts days to hours', () => {
    // 2 days × 24 = 48 hours
    const result = toCatalogueUnit(value(2, 'days'), 'hours');
    expect(result.ok && result.value).toBeCloseTo(48, 10);
  });

  it('converts hours to days', () => {
    // 27 hours ÷ 24 = 1.125 days
    const result = toCatalogueUnit(value(27, 'hours'), 'days');
    expect(result.ok && result.value).toBeCloseTo(1.125, 10);
  });

  it('converts weeks to days and to hours', () => {
    // 2 weeks × 7 = 14 days; 1 week × 7 × 24 = 168 hours
    const days = toCatalogueUnit(value(2, 'weeks'), 'days');
    const hours = toCatalogueUnit(value(1, 'weeks'), 'hours');
    expect(days.ok && days.value).toBeCloseTo(14, 10);
    expect(hours.ok && hours.value).toBeCloseTo(168, 10);
  });

  it('converts minutes to hours and to days', () => {
    // 45 minutes ÷ 60 = 0.75 hours; 720 minutes ÷ 1440 = 0.5 days
    const hours = toCatalogueUnit(value(45, 'minutes'), 'hours');
    const days = toCatalogueUnit(value(720, 'minutes'), 'days');
    expect(hours.ok && hours.value).toBeCloseTo(0.75, 10);
    expect(days.ok && days.value).toBeCloseTo(0.5, 10);
  });

  it.each([
    [value(20, 'hours'), '%'],
    [value(79, 'percent'), 'score'],
    [value(5, 'currency'), '%'],
    [value(5, 'percent'), '$'],
    [value(5, 'percent'), 'hours'],
    [value(5, 'currency'), 'days'],
    [value(5, 'days'), 'count'],
    [value(5, 'currency'), 'ratio'],
  ] as const)('rejects %o for a %s KPI', (parsed, unit) => {
    expect(toCatalogueUnit(parsed, unit)).toEqual({ ok: false, reason: 'unit_mismatch' });
  });
});
