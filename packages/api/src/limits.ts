/**
 * The API's limits and the header its clients send. Free of imports with side effects so the
 * web app, the CLI (through @pulse/client) and the server use the same numbers by importing
 * `@pulse/api/limits`.
 */
export { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARACTERS, PASSWORD_RULE } from '@pulse/db/limits';

/** The most one workbook (or any upload sent as a tRPC multipart form) may hold: clients check it before sending, uploads.create enforces it. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The upload limit as a sentence says it: "16 MB". */
export const MAX_UPLOAD_TEXT = `${MAX_UPLOAD_BYTES / (1024 * 1024)} MB`;

/**
 * The most a CSV file sent to POST /api/uploads/stream may weigh: read as it arrives, it is
 * never held in memory, and 600,000 readings (10,000 accounts, 60 KPIs) take about 50 MB.
 */
export const MAX_CSV_UPLOAD_BYTES = 128 * 1024 * 1024;
export const MAX_CSV_UPLOAD_TEXT = `${MAX_CSV_UPLOAD_BYTES / (1024 * 1024)} MB`;

/** The most a file of this name may hold: a CSV file more than a workbook. */
export function maxUploadBytes(filename: string): number {
  return filename.trim().toLowerCase().endsWith('.csv') ? MAX_CSV_UPLOAD_BYTES : MAX_UPLOAD_BYTES;
}

/** The server refuses tRPC batches of more calls than this (apps/server: maxBatchSize). */
export const MAX_BATCH_ITEMS = 25;

/** Sent on every request; the server requires it on mutations as CSRF protection. */
export const CLIENT_HEADER = { name: 'x-pulse-client', value: 'web' } as const;

/** Length limits of the API's text inputs, in characters (the web app's `maxLength`). */
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

/** Most segments an organisation may define: segments.list returns them all, unpaginated. */
export const MAX_SEGMENTS = 50;
