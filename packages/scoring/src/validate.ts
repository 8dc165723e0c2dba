import { kpiKey } from './catalogue.js';
import type { HealthSettings, ReferenceRange } from './types.js';
import { catalogueUnits, isCatalogueUnit } from './units.js';

/** One problem, as a sentence a person can act on, and the input field it concerns ("tiers.healthy"). */
export interface ValidationProblem {
  field: string;
  message: string;
}

interface Bound {
  field: string | null;
  /** How the sentence names the bound: "the risk threshold (97)", "100". */
  label: string;
  value: number;
}

const bound = (field: string, name: string, value: number): Bound => ({ field, label: `the ${name} (${value})`, value });
const constant = (value: number): Bound => ({ field: null, label: String(value), value });
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One problem per neighbouring pair out of order (each must be ≤ the next), on the field that is not a constant. */
function orderProblems(bounds: readonly Bound[], condition: string): ValidationProblem[] {
  return bounds.slice(1).flatMap((upper, i) => {
    const lower = bounds[i];
    if (!lower || lower.value <= upper.value) return [];
    const field = lower.field ?? upper.field ?? '';
    const sentence = lower.field ? `${lower.label} must not be above ${upper.label}` : `${upper.label} must not be below ${lower.label}`;
    return [{ field, message: `${condition}${condition ? sentence : capitalise(sentence)}.` }];
  });
}

function finiteProblems(values: Record<string, { name: string; value: number }>): ValidationProblem[] {
  return Object.entries(values)
    .filter(([, { value }]) => !Number.isFinite(value))
    .map(([field, { name }]) => ({ field, message: `${capitalise(name)} must be a number.` }));
}

/** What is wrong with a reference range; empty when it is valid. */
export function validateRange(range: ReferenceRange): ValidationProblem[] {
  return [...describeProblems(range), ...numberProblems(range)];
}

function describeProblems(range: ReferenceRange): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (range.kpiName.trim() === '') problems.push({ field: 'kpiName', message: 'The KPI needs a name.' });
  if (range.category.trim() === '') problems.push({ field: 'category', message: 'The KPI needs a category.' });
  if (!isCatalogueUnit(range.unit)) problems.push({ field: 'unit', message: `The unit must be one of ${catalogueUnits.join(', ')}.` });
  return problems;
}

function numberProblems(range: ReferenceRange): ValidationProblem[] {
  const { scaleMin, riskThreshold, healthyThreshold, scaleMax } = range;
  const notFinite = finiteProblems({
    scaleMin: { name: 'the scale minimum', value: scaleMin },
    riskThreshold: { name: 'the risk threshold', value: riskThreshold },
    healthyThreshold: { name: 'the healthy threshold', value: healthyThreshold },
    scaleMax: { name: 'the scale maximum', value: scaleMax },
  });
  if (notFinite.length > 0) return notFinite;
  const L = bound('scaleMin', 'scale minimum', scaleMin);
  const r = bound('riskThreshold', 'risk threshold', riskThreshold);
  const h = bound('healthyThreshold', 'healthy threshold', healthyThreshold);
  const H = bound('scaleMax', 'scale maximum', scaleMax);
  const scale = scaleMin >= scaleMax ? [{ field: 'scaleMin', message: `${capitalise(L.label)} must be below ${H.label}.` }] : [];
  const ordered = range.higherIsBetter ? orderProblems([L, r, h, H], 'When higher is better, ') : orderProblems([L, h, r, H], 'When lower is better, ');
  return [...scale, ...ordered];
}

/** What is wrong with category weights and tier thresholds; empty when they are valid. */
export function validateSettings(settings: HealthSettings): ValidationProblem[] {
  return [...weightProblems(settings.categoryWeights), ...tierProblems(settings.tiers)];
}

function weightProblems(weights: Record<string, number>): ValidationProblem[] {
  const entries = Object.entries(weights);
  const problems = entries
    .filter(([, weight]) => !Number.isFinite(weight) || weight < 0)
    .map(([category, weight]) => ({ field: `categoryWeights.${category}`, message: `The weight of ${category} (${weight}) must be a number of 0 or more.` }));
  if (!entries.some(([, weight]) => weight > 0 && Number.isFinite(weight))) {
    problems.push({ field: 'categoryWeights', message: 'Give at least one category a weight above 0.' });
  }
  return [...problems, ...duplicateCategoryProblems(entries.map(([category]) => category))];
}

function duplicateCategoryProblems(categories: readonly string[]): ValidationProblem[] {
  const seen = new Map<string, string>();
  return categories.flatMap((category) => {
    const first = seen.get(kpiKey(category));
    seen.set(kpiKey(category), first ?? category);
    return first === undefined
      ? []
      : [{ field: `categoryWeights.${category}`, message: `The category "${category}" duplicates "${first}" (names ignore case and spacing).` }];
  });
}

function tierProblems(tiers: HealthSettings['tiers']): ValidationProblem[] {
  const notFinite = finiteProblems({
    'tiers.healthy': { name: 'the healthy threshold', value: tiers.healthy },
    'tiers.atRisk': { name: 'the at-risk threshold', value: tiers.atRisk },
  });
  if (notFinite.length > 0) return notFinite;
  return orderProblems(
    [constant(0), bound('tiers.atRisk', 'at-risk threshold', tiers.atRisk), bound('tiers.healthy', 'healthy threshold', tiers.healthy), constant(100)],
    '',
  );
}
