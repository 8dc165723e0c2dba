import { throttle, type Db } from '@pulse/db';
import { tooManyRequests } from '../errors.js';

/**
 * Throttling of guessable operations (sign-in, the current password at a password change,
 * registration), stored in PostgreSQL so it survives restarts and is shared by every server
 * instance.
 *
 * Every attempt is reserved before any password is checked: one statement per key
 * increments the key's count and returns it, so parallel requests each get their own
 * number and at most `limit` of them go on. The count is reset when the window has passed.
 * The attempt that reaches the limit starts a block of `windowMs`; attempts past the limit
 * are refused until it ends. A success clears its keys (or releases its one reservation
 * where successes must not count), so the stored count is the failed, refused and still
 * running attempts.
 */
export type ThrottleRule = throttle.ThrottleKey;

const FIFTEEN_MINUTES = 15 * 60_000;

export const throttlePolicy = {
  /** Sign-in: per (email, client IP), per email from any address, per client IP. */
  perAccountAndIp: 5,
  perAccount: 20,
  perIp: 50,
  loginWindowMs: FIFTEEN_MINUTES,
  /** Wrong current passwords at a password change, per user. */
  passwordChange: 5,
  passwordChangeWindowMs: FIFTEEN_MINUTES,
  /** Registrations (successful or not) per client IP. */
  registrations: 10,
  registrationWindowMs: 60 * 60_000,
};

const client = (ip: string | null) => ip ?? 'unknown';

/** Sign-in keys; unknown emails are counted exactly like known ones. */
export function loginRules(email: string, ip: string | null): { accountAndIp: ThrottleRule; account: ThrottleRule; ip: ThrottleRule } {
  const account = email.trim().toLowerCase();
  const windowMs = throttlePolicy.loginWindowMs;
  return {
    accountAndIp: { key: `login:${account}|${client(ip)}`, limit: throttlePolicy.perAccountAndIp, windowMs },
    account: { key: `login-account:${account}`, limit: throttlePolicy.perAccount, windowMs },
    ip: { key: `login-ip:${client(ip)}`, limit: throttlePolicy.perIp, windowMs },
  };
}

export function passwordChangeRule(userId: string): ThrottleRule {
  return { key: `password-change:${userId}`, limit: throttlePolicy.passwordChange, windowMs: throttlePolicy.passwordChangeWindowMs };
}

export function registrationRule(ip: string | null): ThrottleRule {
  return { key: `register-ip:${client(ip)}`, limit: throttlePolicy.registrations, windowMs: throttlePolicy.registrationWindowMs };
}

/**
 * Reserves the attempt under the rules in order and stops at the first one past its limit,
 * so an attempt refused under a narrow key (email and address) does not count against the
 * wider ones (the email everywhere, the address). Seconds to wait then, else null.
 */
async function secondsToWait(db: Db, rules: readonly ThrottleRule[], now: Date): Promise<number | null> {
  for (const rule of rules) {
    const { count, blockedUntil } = await throttle.reserveThrottleAttempt(db, rule, now);
    if (count <= rule.limit) continue;
    const waitMs = (blockedUntil?.getTime() ?? now.getTime() + rule.windowMs) - now.getTime();
    return Math.max(1, Math.ceil(waitMs / 1000));
  }
  return null;
}

export interface Refusal {
  /** The first sentence of the answer, e.g. "Too many failed sign-in attempts." */
  reason: string;
  /** Where the Retry-After header (seconds) goes. */
  setHeader: (name: string, value: string) => void;
}

/**
 * Reserves one attempt under the rules (each key in one atomic statement) before anything
 * is checked. Past any limit it throws TOO_MANY_REQUESTS with Retry-After and says when to
 * try again.
 */
export async function reserveAttempt(db: Db, rules: readonly ThrottleRule[], refusal: Refusal, now = new Date()): Promise<void> {
  const retryAfter = await secondsToWait(db, rules, now);
  if (retryAfter === null) return;
  refusal.setHeader('Retry-After', String(retryAfter));
  const minutes = Math.ceil(retryAfter / 60);
  throw tooManyRequests(`${refusal.reason} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

/** A success: forgets the keys' counts. */
export async function clearAttempts(db: Db, keys: readonly string[]): Promise<void> {
  await throttle.clearThrottleKeys(db, keys);
}

/** A success that must not count against a shared key (a client IP): gives its reservation back. */
export async function releaseAttempt(db: Db, rule: ThrottleRule): Promise<void> {
  await throttle.releaseThrottleAttempt(db, rule);
}
