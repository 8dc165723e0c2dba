import type { Band } from './types.js';

export interface BandShape {
  band: Band;
  floor: number;
  ceiling: number;
}

/**
 * The score bands of a KPI reading, the same for every KPI (an account's tier uses the
 * organisation's own thresholds instead). Free of other imports so the web app can say them
 * (`@pulse/scoring/bands`).
 */
export const readingBands = {
  healthy: { band: 'healthy', floor: 67, ceiling: 100 },
  risk: { band: 'risk', floor: 34, ceiling: 66 },
  critical: { band: 'critical', floor: 0, ceiling: 33 },
} as const satisfies Record<Band, BandShape>;
