import { hasDecimalComma, parseValue, type ParseResult } from './parse.js';
import type { Band, ParsedUnit, ReadingStatus, ReferenceRange } from './types.js';
import { parsedUnitFor, toCatalogueUnit } from './units.js';
import { readingBands, type BandShape } from './bands.js';

export interface BandScore {
  band: Band;
  score: number;
}

const { healthy, risk, critical } = readingBands;

/** The three bands a reading's score falls in (what a SQL re-score builds its expression from). */
export const bandShapes: Readonly<Record<Band, BandShape>> = { healthy, risk, critical };

/** Places `distance / width` of the way up the band, clamped to it; a zero width gives the ceiling. */
function interpolate(shape: BandShape, distance: number, width: number): BandScore {
  if (width === 0) return { band: shape.band, score: shape.ceiling };
  const score = shape.floor + ((shape.ceiling - shape.floor) * distance) / width;
  return { band: shape.band, score: Math.min(shape.ceiling, Math.max(shape.floor, score)) };
}

/** Band and unrounded 0–100 score of a value already in the range's unit. */
export function scoreValue(v: number, range: ReferenceRange): BandScore {
  if (Number.isNaN(v)) throw new RangeError('Cannot score NaN');
  return range.higherIsBetter ? scoreHigherIsBetter(v, range) : scoreLowerIsBetter(v, range);
}

function scoreHigherIsBetter(v: number, range: ReferenceRange): BandScore {
  const { scaleMin: L, riskThreshold: r, healthyThreshold: h, scaleMax: H } = range;
  if (v >= h) return interpolate(healthy, v - h, H - h);
  if (v >= r) return interpolate(risk, v - r, h - r);
  return interpolate(critical, v - L, r - L);
}

function scoreLowerIsBetter(v: number, range: ReferenceRange): BandScore {
  const { scaleMin: L, riskThreshold: r, healthyThreshold: h, scaleMax: H } = range;
  if (v <= h) return interpolate(healthy, h - v, h - L);
  if (v <= r) return interpolate(risk, r - v, r - h);
  return interpolate(critical, H - v, H - r);
}

export type ReadingWarningCode = 'unparseable' | 'unit_mismatch' | 'unknown_kpi';

export interface ReadingWarning {
  code: ReadingWarningCode;
  message: string;
}

export interface ScoredReading {
  status: ReadingStatus;
  /** Parsed value, in the range's unit when it could be converted. */
  value: number | null;
  /** Unit of `value`; `null` when the input was a plain number. */
  unit: ParsedUnit;
  score: number | null;
  band: Band | null;
  warning: ReadingWarning | null;
}

export interface ReadingInput {
  raw: string | number | null;
}

/** Parses, converts and scores one reading; problems give status `unknown` and a warning. */
export function scoreReading(input: ReadingInput, range: ReferenceRange | undefined): ScoredReading {
  const parsed = parseValue(input.raw);
  if (!range) {
    return unknown(parsed, 'unknown_kpi', 'KPI is not in the catalogue and has no reference range');
  }
  if (!parsed.ok) return unknown(parsed, 'unparseable', describeUnparseable(input.raw));
  const converted = toCatalogueUnit(parsed, range.unit);
  if (!converted.ok) {
    const message = `"${String(input.raw).trim()}" is in ${parsed.unit}, but ${range.kpiName} is measured in ${range.unit}`;
    return unknown(parsed, 'unit_mismatch', message);
  }
  const { band, score } = scoreValue(converted.value, range);
  const unit = parsed.unit === null ? null : parsedUnitFor(range.unit);
  return { status: band, value: converted.value, unit, score, band, warning: null };
}

function unknown(parsed: ParseResult, code: ReadingWarningCode, message: string): ScoredReading {
  return {
    status: 'unknown',
    value: parsed.ok ? parsed.value : null,
    unit: parsed.ok ? parsed.unit : null,
    score: null,
    band: null,
    warning: { code, message },
  };
}

function describeUnparseable(raw: string | number | null): string {
  const text = raw === null ? '' : String(raw).trim();
  if (text === '') return 'Value is empty';
  if (hasDecimalComma(text)) {
    return `Cannot read "${text}" as a number: a comma separates thousands only when exactly three digits follow it; write decimals with a point`;
  }
  return `Cannot read "${text}" as a number`;
}
