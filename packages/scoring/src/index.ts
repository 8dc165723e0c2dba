export type { Band, CatalogueUnit, HealthSettings, Impact, ParsedUnit, ReadingStatus, ReferenceRange, Tier, TierThresholds } from './types.js';
export { defaultCatalogue, defaultRangeFor, defaultSettings, impactWeights, kpiKey, resolveRange, type ResolvedRange } from './catalogue.js';
export { parseValue, type ParseResult } from './parse.js';
export { catalogueUnits, isCatalogueUnit, parsedUnitFor, toCatalogueUnit, type UnitConversion } from './units.js';
export {
  bandShapes,
  scoreReading,
  scoreValue,
  type BandScore,
  type ReadingInput,
  type ReadingWarning,
  type ReadingWarningCode,
  type ScoredReading,
} from './score.js';
export type { BandShape } from './bands.js';
export { normaliseImpact, rollupHealth, type CategoryHealth, type HealthRollup, type RollupReading } from './rollup.js';
export { validateRange, validateSettings, type ValidationProblem } from './validate.js';
export { tierFor, tiers } from './tiers.js';
