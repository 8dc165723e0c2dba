import type { ImportRow } from '@pulse/ingest';
import { defaultRangeFor, parseValue, parsedUnitFor, toCatalogueUnit, type Impact, type ParsedUnit, type ReferenceRange } from '@pulse/scoring';
import { currentPeriod } from '../domain/uploads.js';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every demo database is the same. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** The last `count` months, oldest first, ending with the current one. */
export function lastPeriods(count: number, now = new Date()): string[] {
  return Array.from({ length: count }, (_, i) => currentPeriod(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1))));
}

export type Trend = 'declining' | 'improving' | 'steady';

/** Accounts 0, 6, 12… decline over the last three months, accounts 3, 9, 15… improve, the rest hold steady. */
export const trendOf = (index: number): Trend => (index % 6 === 0 ? 'declining' : index % 6 === 3 ? 'improving' : 'steady');

/** How much better (positive) or worse an account was `monthsAgo` months ago than now, as a fraction. */
export function trendOffset(trend: Trend, monthsAgo: number): number {
  const ramp = (0.4 * Math.min(monthsAgo, 3)) / 3;
  return trend === 'declining' ? ramp : trend === 'improving' ? -ramp : 0;
}

/** A value written the way users write it: `87%`, `$45K`, `3.5 hours`, `4.2`; one decimal below 10. */
function formatValue(value: number, unit: ParsedUnit): string {
  const number = (v: number) => String(Math.abs(v) < 10 ? Math.round(v * 10) / 10 : Math.round(v));
  if (unit === 'currency') return value >= 1000 ? `$${Math.round(value / 1000)}K` : `$${number(value)}`;
  if (unit === 'percent') return `${number(value)}%`;
  return unit === null ? number(value) : `${number(value)} ${unit}`;
}

/**
 * A workbook value made `change` better for its KPI (0.1: 10 % better, -0.1: 10 % worse), but
 * moved at most that share of the way to the end of the KPI's scale, and written in the same
 * unit. Values the catalogue cannot score (unknown KPI, unparseable, unit mismatch) stay as they are.
 */
export function variedRaw(raw: string, kpi: string, change: number): string {
  const range = defaultRangeFor(kpi);
  const parsed = parseValue(raw);
  if (!range || !parsed.ok) return raw;
  const perUnit = toCatalogueUnit({ value: 1, unit: parsed.unit }, range.unit);
  if (!perUnit.ok) return raw;
  const value = parsed.value * perUnit.value;
  const end = change > 0 === range.higherIsBetter ? range.scaleMax : range.scaleMin;
  const moved = value + Math.sign(end - value) * Math.abs(change) * Math.min(Math.abs(value), Math.abs(end - value));
  return formatValue(moved / perUnit.value, parsed.unit);
}

/** The value that scores `score` (0–100) on the range: the reading scorer run backwards. */
function valueForScore(range: ReferenceRange, score: number): number {
  const { scaleMin: L, riskThreshold: r, healthyThreshold: h, scaleMax: H } = range;
  const toward = (from: number, to: number, fraction: number) => from + (to - from) * fraction;
  if (range.higherIsBetter) {
    if (score >= 67) return toward(h, H, (score - 67) / 33);
    return score >= 34 ? toward(r, h, (score - 34) / 32) : toward(L, r, score / 33);
  }
  if (score >= 67) return toward(h, L, (score - 67) / 33);
  return score >= 34 ? toward(r, h, (score - 34) / 32) : toward(H, r, score / 33);
}

export type CsvReading = Pick<ImportRow, 'account' | 'period' | 'category' | 'kpi' | 'raw' | 'impact'>;

/** KPIs of the generated accounts: catalogue KPIs whose scales give plausible values in every band. */
const generatedKpis: { range: ReferenceRange; impact: Impact }[] = (
  [
    ['Product Activation Rate', 'High'],
    ['Feature Adoption Rate', 'High'],
    ['Onboarding Completion Rate', 'Medium'],
    ['Knowledge Base Usage', 'Low'],
    ['Customer Support Satisfaction', 'High'],
    ['Ticket Backlog', 'Medium'],
    ['Escalation Rate', 'Medium'],
    ['First Contact Resolution (FCR)', 'Medium'],
    ['Net Promoter Score (NPS)', 'High'],
    ['Customer Satisfaction (CSAT)', 'High'],
    ['Customer Complaints', 'Medium'],
    ['Renewal Rate', 'High'],
    ['Invoice Accuracy', 'Low'],
    ['Competitive Win Rate', 'Medium'],
    ['Account Engagement Score', 'High'],
    ['Service Level Agreements (SLAs) compliance', 'Medium'],
  ] as const
).map(([kpi, impact]) => {
  const range = defaultRangeFor(kpi);
  if (!range) throw new Error(`Demo KPI "${kpi}" is not in the catalogue.`);
  return { range, impact };
});

/** One reading per generated KPI, each scoring about `score` (±10). */
export function generatedReadings(account: string, period: string, score: number, random: Random): CsvReading[] {
  return generatedKpis.map(({ range, impact }) => {
    const target = Math.min(99, Math.max(1, score + (random() - 0.5) * 20));
    return {
      account,
      period,
      category: range.category,
      kpi: range.kpiName,
      raw: formatValue(valueForScore(range, target), parsedUnitFor(range.unit)),
      impact,
    };
  });
}

const CSV_COLUMNS = ['account', 'period', 'category', 'kpi', 'value', 'impact'] as const;

/** The readings as a long-format CSV upload (spec §2.1). */
export function toCsv(readings: CsvReading[]): Buffer {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const line = (r: CsvReading) => [r.account, r.period, r.category, r.kpi, r.raw, r.impact ?? ''].map(field).join(',');
  return Buffer.from([CSV_COLUMNS.join(','), ...readings.map(line)].join('\n') + '\n');
}
