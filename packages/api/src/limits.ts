/**
 * Length limits of the API's text inputs, in characters. Free of imports with side effects so
 * the web app puts the same numbers on its inputs (`maxLength`) by importing `@pulse/api/limits`.
 */
export { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARACTERS, PASSWORD_RULE } from '@pulse/db/limits';

export const textLimits = {
  /** Names of people, organisations, accounts, KPIs and categories. */
  name: 200,
  email: 254,
  /** A password being checked (sign in, current password); new ones follow the password limits. */
  password: 1024,
  externalId: 100,
  /** Free-text account fields: industry, region, CSM owner. */
  text: 200,
  accountTier: 50,
  lifecycleStage: 100,
  champions: 1000,
  stepNote: 5000,
  stepOutcome: 500,
  reason: 2000,
  summary: 5000,
  /** A note's Markdown body. */
  noteBody: 20000,
  /** A sentiment's required comment. */
  sentimentComment: 2000,
  /** A notes search. */
  searchQuery: 200,
} as const;

/** Most participants a note may name. */
export const MAX_NOTE_PARTICIPANTS = 20;
