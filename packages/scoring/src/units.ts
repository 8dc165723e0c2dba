import type { CatalogueUnit, ParsedUnit } from './types.js';

export const catalogueUnits: readonly CatalogueUnit[] = ['%', '$', 'hours', 'days', 'count', 'score', 'ratio'];

export function isCatalogueUnit(unit: unknown): unit is CatalogueUnit {
  return (catalogueUnits as readonly unknown[]).includes(unit);
}

type TimeUnit = 'minutes' | 'hours' | 'days' | 'weeks';

const minutesPer: Record<TimeUnit, number> = { minutes: 1, hours: 60, days: 1440, weeks: 10080 };

function isTimeUnit(unit: ParsedUnit): unit is TimeUnit {
  return unit !== null && unit in minutesPer;
}

const parsedUnitOf: Record<CatalogueUnit, ParsedUnit> = {
  '%': 'percent',
  $: 'currency',
  hours: 'hours',
  days: 'days',
  count: null,
  score: null,
  ratio: null,
};

/** The parsed unit a value has once converted to a catalogue unit (`null` for unitless KPIs). */
export function parsedUnitFor(unit: CatalogueUnit): ParsedUnit {
  return parsedUnitOf[unit];
}

export type UnitConversion = { ok: true; value: number } | { ok: false; reason: 'unit_mismatch' };

const mismatch: UnitConversion = { ok: false, reason: 'unit_mismatch' };

/**
 * Expresses a parsed value in the KPI's catalogue unit. A plain number is taken to be in
 * that unit already; time units convert into `hours` and `days`; any other unit must match.
 */
export function toCatalogueUnit(parsed: { value: number; unit: ParsedUnit }, unit: CatalogueUnit): UnitConversion {
  if (parsed.unit === null) return { ok: true, value: parsed.value };
  if (unit === 'hours' || unit === 'days') return convertTime(parsed.value, parsed.unit, unit);
  return parsed.unit === parsedUnitOf[unit] ? { ok: true, value: parsed.value } : mismatch;
}

function convertTime(value: number, from: ParsedUnit, to: TimeUnit): UnitConversion {
  if (!isTimeUnit(from)) return mismatch;
  return { ok: true, value: (value * minutesPer[from]) / minutesPer[to] };
}
