/**
 * Session lifetimes, enforced on the server whatever the cookie says.
 * - Standard session: 30 minutes idle, 8 hours absolute.
 * - Remember-me: 7 days absolute; idle limit 24 hours (a remembered device that is not
 *   used for a day signs out, so a forgotten laptop does not stay signed in all week).
 * Activity is recorded at most once per minute per session (no write on most requests),
 * so the effective idle limit is between 29 and 30 minutes.
 */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  rememberMeAbsoluteMs: number;
  rememberMeIdleMs: number;
  activityWriteIntervalMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const defaultSessionPolicy: SessionPolicy = {
  idleMs: 30 * MINUTE,
  absoluteMs: 8 * HOUR,
  rememberMeAbsoluteMs: 7 * 24 * HOUR,
  rememberMeIdleMs: 24 * HOUR,
  activityWriteIntervalMs: MINUTE,
};

export interface SessionTimes {
  rememberMe: boolean;
  lastSeenAt: Date;
  expiresAt: Date;
}

export function absoluteExpiry(policy: SessionPolicy, createdAt: Date, rememberMe: boolean): Date {
  return new Date(createdAt.getTime() + (rememberMe ? policy.rememberMeAbsoluteMs : policy.absoluteMs));
}

export function idleExpiry(policy: SessionPolicy, s: SessionTimes): Date {
  const idle = s.lastSeenAt.getTime() + (s.rememberMe ? policy.rememberMeIdleMs : policy.idleMs);
  return new Date(Math.min(idle, s.expiresAt.getTime()));
}

export function isSessionLive(policy: SessionPolicy, s: SessionTimes, now: Date): boolean {
  return now.getTime() < idleExpiry(policy, s).getTime();
}

export function activityDue(policy: SessionPolicy, lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= policy.activityWriteIntervalMs;
}
