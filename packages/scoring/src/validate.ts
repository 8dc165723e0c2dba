import { kpiKey } from './catalogue.js';
import type { HealthSettings, ReferenceRange } from './types.js';
import { catalogueUnits, isCatalogueUnit } from './units.js';

interface Bound {
  label: string;
  value: number;
}

const field = (name: string, value: number): Bound => ({ label: `${name} (${value})`, value });
const constant = (value: number): Bound => ({ label: String(value), value });

/** One message per neighbouring pair that is out of order (each must be ≤ the next). */
function orderErrors(bounds: readonly Bound[], rule: string): string[] {
  return bounds.slice(1).flatMap((upper, i) => {
    const lower = bounds[i];
    return lower && lower.value > upper.value ? [`${lower.label} is greater than ${upper.label}; expected ${rule}`] : [];
  });
}

function finiteErrors(values: Record<string, number>): string[] {
  return Object.entries(values)
    .filter(([, value]) => !Number.isFinite(value))
    .map(([name]) => `${name} must be a finite number`);
}

/** Human-readable problems with a reference range; empty when it is valid. */
export function validateRange(range: ReferenceRange): string[] {
  return [...describeErrors(range), ...numberErrors(range)];
}

function describeErrors(range: ReferenceRange): string[] {
  const errors: string[] = [];
  if (range.kpiName.trim() === '') errors.push('kpiName must not be empty');
  if (range.category.trim() === '') errors.push('category must not be empty');
  if (!isCatalogueUnit(range.unit)) errors.push(`unit must be one of ${catalogueUnits.join(', ')}`);
  return errors;
}

function numberErrors(range: ReferenceRange): string[] {
  const { scaleMin, riskThreshold, healthyThreshold, scaleMax } = range;
  const notFinite = finiteErrors({ scaleMin, riskThreshold, healthyThreshold, scaleMax });
  if (notFinite.length > 0) return notFinite;
  const L = field('scaleMin', scaleMin);
  const r = field('riskThreshold', riskThreshold);
  const h = field('healthyThreshold', healthyThreshold);
  const H = field('scaleMax', scaleMax);
  const scaleErrors = scaleMin >= scaleMax ? [`${L.label} must be less than ${H.label}`] : [];
  const ordered = range.higherIsBetter
    ? orderErrors([L, r, h, H], 'scaleMin ≤ riskThreshold ≤ healthyThreshold ≤ scaleMax when higher is better')
    : orderErrors([L, h, r, H], 'scaleMin ≤ healthyThreshold ≤ riskThreshold ≤ scaleMax when lower is better');
  return [...scaleErrors, ...ordered];
}

/** Human-readable problems with category weights and tier thresholds; empty when valid. */
export function validateSettings(settings: HealthSettings): string[] {
  return [...weightErrors(settings.categoryWeights), ...tierErrors(settings.tiers)];
}

function weightErrors(weights: Record<string, number>): string[] {
  const entries = Object.entries(weights);
  const errors = entries
    .filter(([, weight]) => !Number.isFinite(weight) || weight < 0)
    .map(([category, weight]) => `Weight of "${category}" (${weight}) must be a finite number ≥ 0`);
  if (!entries.some(([, weight]) => weight > 0 && Number.isFinite(weight))) {
    errors.push('At least one category weight must be greater than 0');
  }
  return [...errors, ...duplicateCategoryErrors(entries.map(([category]) => category))];
}

function duplicateCategoryErrors(categories: readonly string[]): string[] {
  const seen = new Map<string, string>();
  return categories.flatMap((category) => {
    const first = seen.get(kpiKey(category));
    seen.set(kpiKey(category), first ?? category);
    return first === undefined ? [] : [`Category "${category}" duplicates "${first}" (names ignore case and spacing)`];
  });
}

function tierErrors(tiers: HealthSettings['tiers']): string[] {
  const notFinite = finiteErrors({ 'tiers.healthy': tiers.healthy, 'tiers.atRisk': tiers.atRisk });
  if (notFinite.length > 0) return notFinite;
  return orderErrors(
    [constant(0), field('tiers.atRisk', tiers.atRisk), field('tiers.healthy', tiers.healthy), constant(100)],
    '0 ≤ tiers.atRisk ≤ tiers.healthy ≤ 100',
  );
}
