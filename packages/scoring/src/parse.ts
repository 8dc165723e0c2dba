import type { ParsedUnit } from './types.js';

export type ParseResult = { ok: true; value: number; unit: ParsedUnit } | { ok: false };

const unparseable: ParseResult = { ok: false };

const unitWords: Record<string, ParsedUnit> = {
  '%': 'percent',
  hours: 'hours',
  hour: 'hours',
  hrs: 'hours',
  hr: 'hours',
  days: 'days',
  day: 'days',
  weeks: 'weeks',
  week: 'weeks',
  minutes: 'minutes',
  minute: 'minutes',
  mins: 'minutes',
  min: 'minutes',
};

const multiplierExponents: Record<string, number> = { k: 3, m: 6, b: 9 };

const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+`;

const VALUE_PATTERN = new RegExp(
  String.raw`^(?<sign>-)?(?<currency>\$\s*)?(?<innerSign>-)?(?<digits>${NUMBER})` +
    String.raw`(?:(?<multiplier>[kmb])|\s*(?<unit>${Object.keys(unitWords).join('|')}))?$`,
  'i',
);

/**
 * Reads a cell as a number and unit: `93%`, `$2.5M`, `$1,200`, `2.5K`, `27 hours`,
 * `2 weeks`, `45 mins`, `-3`. Anything else is unparseable.
 */
export function parseValue(input: string | number | null | undefined): ParseResult {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? { ok: true, value: input, unit: null } : unparseable;
  }
  return typeof input === 'string' ? parseText(input.trim()) : unparseable;
}

function parseText(text: string): ParseResult {
  const groups = VALUE_PATTERN.exec(text)?.groups;
  const digits = groups?.digits;
  if (!groups || digits === undefined) return unparseable;
  const { sign, currency, innerSign, multiplier, unit } = groups;
  if ((sign && innerSign) || (currency && unit)) return unparseable;
  const exponent = multiplier ? multiplierExponents[multiplier.toLowerCase()] : 0;
  const magnitude = Number(`${digits.replaceAll(',', '')}e${exponent}`);
  return {
    ok: true,
    value: sign || innerSign ? -magnitude : magnitude,
    unit: currency ? 'currency' : unitOf(unit),
  };
}

function unitOf(word: string | undefined): ParsedUnit {
  return word === undefined ? null : (unitWords[word.toLowerCase()] ?? null);
}
