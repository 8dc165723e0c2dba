import { describe, expect, it } from 'vitest';
import { parseValue } from '../src/index.js';

describe('parseValue', () => {
  it.each([
    ['93%', 93, 'percent'],
    [' 93 % ', 93, 'percent'],
    ['-3.5%', -3.5, 'percent'],
    ['$97K', 97_000, 'currency'],
    ['$97k', 97_000, 'currency'],
    ['$2.5M', 2_500_000, 'currency'],
    ['$2.5m', 2_500_000, 'currency'],
    ['$3B', 3_000_000_000, 'currency'],
    ['$1,200', 1_200, 'currency'],
    ['-$1,200', -1_200, 'currency'],
    ['$-40', -40, 'currency'],
    ['2.5K', 2_500, null],
    ['1.1k', 1_100, null],
    ['4B', 4_000_000_000, null],
    ['27 hours', 27, 'hours'],
    ['1 hour', 1, 'hours'],
    ['3 hrs', 3, 'hours'],
    ['3hrs', 3, 'hours'],
    ['5 days', 5, 'days'],
    ['1 day', 1, 'days'],
    ['5 Days', 5, 'days'],
    ['2 weeks', 2, 'weeks'],
    ['45 minutes', 45, 'minutes'],
    ['45 mins', 45, 'minutes'],
    ['45mins', 45, 'minutes'],
    ['42', 42, null],
    ['  42  ', 42, null],
    ['-5', -5, null],
    ['0.75', 0.75, null],
    ['.5', 0.5, null],
    ['1,234,567.89', 1_234_567.89, null],
    // A leading plus, a space before a multiplier, and accounting negatives in parentheses.
    ['+3', 3, null],
    ['+$5K', 5_000, 'currency'],
    ['+4%', 4, 'percent'],
    ['2.5 K', 2_500, null],
    ['$2.5 M', 2_500_000, 'currency'],
    ['(5)', -5, null],
    ['( 5 )', -5, null],
    ['(5%)', -5, 'percent'],
    ['$(1,200)', -1_200, 'currency'],
    ['($1,200)', -1_200, 'currency'],
    ['(3 hours)', -3, 'hours'],
    ['1,200', 1_200, null],
    ['12,345,678', 12_345_678, null],
  ] as const)('reads %j as %d %s', (input, value, unit) => {
    expect(parseValue(input)).toEqual({ ok: true, value, unit });
  });

  it('reads JS numbers as plain numbers', () => {
    expect(parseValue(4.5)).toEqual({ ok: true, value: 4.5, unit: null });
    expect(parseValue(-7)).toEqual({ ok: true, value: -7, unit: null });
  });

  it.each([
    'N/A',
    'abc',
    '',
    '   ',
    '12abc',
    '$5%',
    '$5 hours',
    '2.5K hours',
    '5 years',
    '1,2',
    '12,34',
    '1,2345',
    '1,234,56',
    '12,34%',
    '+-5',
    '-+5',
    '-(5)',
    '(-5)',
    '+(5)',
    '((5))',
    '(5',
    '5)',
    '$(-5)',
    '1.2.3',
    '--5',
    '-$-5',
    '$',
    '%',
  ])('rejects %j', (input) => {
    expect(parseValue(input)).toEqual({ ok: false });
  });

  it.each([null, undefined, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (input) => {
    expect(parseValue(input)).toEqual({ ok: false });
  });
});
