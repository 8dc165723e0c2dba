/**
 * The values of the enumerated text columns other packages offer as choices. Free of other
 * imports so the web app and the CLI list the same values (`@pulse/db/vocabulary`, re-exported
 * by `@pulse/api/vocabulary`).
 */
export const accountStatuses = ['prospect', 'onboarding', 'active', 'at_risk', 'paused', 'churned'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

export const renewalOutcomes = ['renewed', 'expanded', 'contracted', 'churned'] as const;
export type RenewalOutcome = (typeof renewalOutcomes)[number];
