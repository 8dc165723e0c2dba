/**
 * Password limits, free of imports so the web app can put them on its inputs
 * (`@pulse/db/limits`). The minimum counts characters; the maximum counts UTF-8 bytes,
 * because bcrypt reads only the first 72 bytes and Pulse refuses a longer password rather
 * than cut it short.
 */
export const MIN_PASSWORD_CHARACTERS = 8;
export const MAX_PASSWORD_BYTES = 72;

/** The rule as the hint beside a new-password input says it, and the error when a password is too short. */
export const PASSWORD_RULE = `Use at least ${MIN_PASSWORD_CHARACTERS} characters.`;
