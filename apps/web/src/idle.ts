/** The idle warning opens this long before the session's idle expiry. */
export const IDLE_WARNING_MS = 2 * 60_000;

export type IdlePhase = 'active' | 'warning' | 'expired';

export function idlePhase(remainingMs: number): IdlePhase {
  if (remainingMs <= 0) return 'expired';
  return remainingMs <= IDLE_WARNING_MS ? 'warning' : 'active';
}

/** m:ss, rounding up so the display reaches 0:00 only when the time is up. */
export function formatCountdown(remainingMs: number): string {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
