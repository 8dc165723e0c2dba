export * from './schema.js';
export * from './connection.js';
export * from './migrate.js';
export * from './pagination.js';
export * from './tenancy.js';
export * as users from './repos/users.js';
export * as sessions from './repos/sessions.js';
export type { PublicUser } from './repos/users.js';
export { passwordProblem, normaliseEmail, MIN_PASSWORD_BYTES, MAX_PASSWORD_BYTES } from './repos/users.js';
