import type { Impact, RowWarning } from './types.js';

const PERIOD = /^(\d{4})-(\d{2})$/;

/** True for a calendar month written YYYY-MM, month 01-12, year 2000-2100. */
export function isValidPeriod(p: string): boolean {
  const m = PERIOD.exec(p);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
}

export function periodProblem(period: string): string {
  return `Period '${period}' is not a valid month (expected YYYY-MM, year 2000-2100)`;
}

const IMPACTS: Record<string, Impact> = { high: 'High', medium: 'Medium', low: 'Low', h: 'High', m: 'Medium', l: 'Low' };

/**
 * High, Medium or Low, or H, M or L, in any case, is that impact. Anything else, empty included,
 * is no impact (null, which counts as Medium) with a warning: an impact never rejects an upload.
 */
export function readImpact(text: string, column: string): { impact: Impact | null; warning: RowWarning | null } {
  const impact = IMPACTS[text.toLowerCase()];
  if (impact) return { impact, warning: null };
  const message = text === '' ? `${column} is empty: counted as Medium` : `${column} '${text}' is not High, Medium or Low (or H, M, L): counted as Medium`;
  return { impact: null, warning: { column, code: 'impact', message } };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A weight is a plain number; a percentage is read as a fraction, as spreadsheets store it
 * ('8%' and 0.08 are the same weight). '' is no weight (null); anything else is undefined.
 */
export function readWeight(value: string | number): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value === '') return null;
  const percent = value.endsWith('%');
  const digits = (percent ? value.slice(0, -1) : value).trim();
  if (!NUMBER.test(digits)) return undefined;
  return percent ? Number(digits) / 100 : Number(digits);
}

export function weightProblem(text: string): string {
  return `Weight '${text}' is not a number`;
}
