import { describe, expect, it, vi } from 'vitest';
import { clockedFetch, serverNow } from '../src/server-clock.js';

function answerDated(date: Date) {
  vi.stubGlobal('fetch', () => Promise.resolve(new Response('{}', { headers: { date: date.toUTCString() } })));
}

describe('serverNow', () => {
  it('follows the server clock from the Date header of API answers', async () => {
    expect(Math.abs(serverNow() - Date.now())).toBeLessThan(50);

    answerDated(new Date(Date.now() + 10 * 60_000));
    await clockedFetch('/api/trpc/session.status');
    expect(Math.abs(serverNow() - (Date.now() + 10 * 60_000))).toBeLessThan(1_500);

    answerDated(new Date(Date.now() - 5 * 60_000));
    await clockedFetch('/api/trpc/session.status');
    expect(Math.abs(serverNow() - (Date.now() - 5 * 60_000))).toBeLessThan(1_500);
  });

  it('ignores answers without a Date header', async () => {
    const before = serverNow() - Date.now();
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('{}')));
    await clockedFetch('/api/trpc/session.status');
    expect(Math.abs(serverNow() - Date.now() - before)).toBeLessThan(50);
  });
});
