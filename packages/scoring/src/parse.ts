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
  String.raw`^(?<sign>[+-])?(?<currency>\$\s*)?(?<innerSign>[+-])?(?<digits>${NUMBER})` +
    String.raw`(?:\s*(?<multiplier>[kmb])|\s*(?<unit>${Object.keys(unitWords).join('|')}))?$`,
  'i',
);

/** Accounting negatives: `(5)`, `(5%)`, `$(1,200)` and `($1,200)`; the currency sign may sit outside the parentheses. */
const PARENTHESES = /^(\$?)\s*\(\s*([^()]*?)\s*\)$/;

/**
 * Reads a cell as a number and unit: `93%`, `$2.5M`, `$1,200`, `2.5K`, `2.5 K`, `27 hours`,
 * `2 weeks`, `45 mins`, `-3`, `+3`, `+$5K`, `(5)`, `$(1,200)`. A comma is a thousands separator
 * only before exactly three digits. Anything else is unparseable.
 */
export function parseValue(input: string | number | null | undefined): ParseResult {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? { ok: true, value: input, unit: null } : unparseable;
  }
  if (typeof input !== 'string') return unparseable;
  const text = input.trim();
  const parenthesised = PARENTHESES.exec(text);
  if (!parenthesised) return parseText(text, false);
  return parseText(`${parenthesised[1] ?? ''}${parenthesised[2] ?? ''}`, true);
}

function parseText(text: string, negative: boolean): ParseResult {
  const groups = VALUE_PATTERN.exec(text)?.groups;
  const digits = groups?.digits;
  if (!groups || digits === undefined) return unparseable;
  const { sign, currency, innerSign, multiplier, unit } = groups;
  if ((sign && innerSign) || (currency && unit) || (negative && (sign || innerSign))) return unparseable;
  const exponent = multiplier ? multiplierExponents[multiplier.toLowerCase()] : 0;
  const magnitude = Number(`${digits.replaceAll(',', '')}e${exponent}`);
  return {
    ok: true,
    value: negative || sign === '-' || innerSign === '-' ? -magnitude : magnitude,
    unit: currency ? 'currency' : unitOf(unit),
  };
}

/** A comma not followed by exactly three digits (`12,34`, `1,2345`): a decimal comma, never read as thousands. */
export function hasDecimalComma(text: string): boolean {
  return /\d,(?!\d{3}(?!\d))/.test(text);
}

function unitOf(word: string | undefined): ParsedUnit {
  return word === undefined ? null : (unitWords[word.toLowerCase()] ?? null);
}
