import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { createQueryClient } from '../src/api.js';
import { loginPath } from '../src/session.js';
import { sessionStatusKey } from '../src/trpc.js';

function trpcError(code: string, httpStatus: number) {
  return TRPCClientError.from({ error: { message: code, code: -32001, data: { code, httpStatus } } });
}

function failingQuery(client: ReturnType<typeof createQueryClient>, error: Error) {
  return client.fetchQuery({ queryKey: ['accounts'], queryFn: () => Promise.reject(error) }).catch(() => undefined);
}

describe('loginPath', () => {
  it('carries the wanted page and the reason', () => {
    expect(loginPath({})).toBe('/login');
    expect(loginPath({ next: '/' })).toBe('/login');
    expect(loginPath({ next: '/accounts?tier=critical', reason: 'expired' })).toBe('/login?next=%2Faccounts%3Ftier%3Dcritical&reason=expired');
  });
});

describe('UNAUTHORIZED answers', () => {
  it('send the user to login with the page they wanted and drop cached data', async () => {
    window.history.replaceState(null, '', '/accounts?tier=critical');
    const client = createQueryClient();
    client.setQueryData(['other-tenant-data'], { secret: true });

    await failingQuery(client, trpcError('UNAUTHORIZED', 401));

    expect(window.location.pathname + window.location.search).toBe('/login?next=%2Faccounts%3Ftier%3Dcritical&reason=expired');
    expect(client.getQueryData(['other-tenant-data'])).toBeUndefined();
    expect(client.getQueryData(sessionStatusKey)).toEqual({ signedIn: false });
  });

  it('from mutations too', async () => {
    window.history.replaceState(null, '', '/settings');
    const client = createQueryClient();

    await client
      .getMutationCache()
      .build(client, { mutationFn: () => Promise.reject(trpcError('UNAUTHORIZED', 401)) })
      .execute(undefined)
      .catch(() => undefined);

    expect(window.location.pathname + window.location.search).toBe('/login?next=%2Fsettings&reason=expired');
  });

  it('are left to the form on the sign-in pages (wrong password)', async () => {
    window.history.replaceState(null, '', '/login?next=%2Fusers');
    await failingQuery(createQueryClient(), trpcError('UNAUTHORIZED', 401));
    expect(window.location.search).toBe('?next=%2Fusers');
  });

  it('other errors do not sign out', async () => {
    window.history.replaceState(null, '', '/users');
    await failingQuery(createQueryClient(), trpcError('FORBIDDEN', 403));
    expect(window.location.pathname).toBe('/users');
  });
});
