import { useEffect, useState } from 'react';

/**
 * The server's clock, as seen from the Date header of API answers. Session expiry times
 * come from the server, so countdowns use this rather than the device's clock, which may
 * be minutes off. The header has one-second resolution: smaller corrections are ignored.
 */
let offsetMs = 0;

export function serverNow(): number {
  return Date.now() + offsetMs;
}

export const clockedFetch: typeof fetch = async (input, init) => {
  const sentAt = Date.now();
  const response = await fetch(input, init);
  const serverTime = Date.parse(response.headers.get('date') ?? '') + 500;
  const measured = serverTime - (sentAt + Date.now()) / 2;
  if (Number.isFinite(measured) && Math.abs(measured - offsetMs) > 2000) offsetMs = measured;
  return response;
};

/** serverNow(), updated every `intervalMs`. */
export function useServerNow(intervalMs: number): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(serverNow()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
