/**
 * The values other packages offer as choices: account statuses, renewal outcomes and health
 * tiers, with the rule that gives a tier. Free of imports with side effects, like limits.ts,
 * so the web app and the CLI import `@pulse/api/vocabulary`.
 */
export { accountStatuses, renewalOutcomes, type AccountStatus, type RenewalOutcome } from '@pulse/db/vocabulary';
export { tierFor, tiers, type Tier, type TierThresholds } from '@pulse/scoring/tiers';
