import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { throttlePolicy } from '@pulse/api';
import { HttpClient, PASSWORD, registerTenant, startTestServer, type TestServer } from './harness.js';

/**
 * Throttling under parallel requests, over HTTP, on PGlite and (with DATABASE_URL) on
 * PostgreSQL. The server trusts one proxy so a test can speak from many client addresses.
 */
let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({ TRUST_PROXY: '1' });
});
afterAll(() => app.close());
beforeEach(() => app.reset());

const EMAIL = 'ada@acme.test';
const WRONG = 'wrong-password';

function from(ip: string): HttpClient {
  const client = new HttpClient(app.url);
  client.extraHeaders = { 'x-forwarded-for': ip };
  return client;
}

async function burst(clients: HttpClient[], password: (i: number) => string): Promise<number[]> {
  const answers = await Promise.all(clients.map((c, i) => c.mutation('auth.login', { email: EMAIL, password: password(i) })));
  return answers.map((a) => a.status);
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('login throttling under parallel requests', () => {
  it('checks at most 5 of 30 parallel wrong passwords from one address; the rest, and then the right password, get 429', async () => {
    await registerTenant(app.url, 'Acme', EMAIL);
    const clients = Array.from({ length: 30 }, () => from('203.0.113.7'));
    const first = await burst(clients, () => WRONG);
    expect(count(first, 401)).toBeLessThanOrEqual(throttlePolicy.perAccountAndIp);
    expect(count(first, 429)).toBeGreaterThanOrEqual(30 - throttlePolicy.perAccountAndIp);
    expect(count(first, 401) + count(first, 429)).toBe(30);

    // Another burst with the right password among the wrong ones: nothing gets in.
    const second = await burst(clients, (i) => (i === 13 ? PASSWORD : WRONG));
    expect(second).toEqual(Array(30).fill(429));
    const afterwards = await from('203.0.113.7').mutation('auth.login', { email: EMAIL, password: PASSWORD });
    expect(afterwards.status).toBe(429);
    expect(Number(afterwards.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(afterwards.body.error?.message).toMatch(/^Too many failed sign-in attempts\. Try again in 1[45] minutes\.$/);
  });

  it('holds a per-account limit across addresses: 30 parallel wrong passwords from 30 addresses check at most 20', async () => {
    await registerTenant(app.url, 'Acme', EMAIL);
    const clients = Array.from({ length: 30 }, (_, i) => from(`198.51.100.${i + 1}`));
    const statuses = await burst(clients, () => WRONG);
    expect(count(statuses, 401)).toBeLessThanOrEqual(throttlePolicy.perAccount);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(30 - throttlePolicy.perAccount);
    const fresh = await from('192.0.2.200').mutation('auth.login', { email: EMAIL, password: PASSWORD });
    expect(fresh.status).toBe(429);
    // The block is per account: another user signs in from the same addresses.
    await registerTenant(app.url, 'Globex', 'gus@globex.test');
    expect((await from('198.51.100.1').mutation('auth.login', { email: 'gus@globex.test', password: PASSWORD })).status).toBe(200);
  });

  it('attempts refused for one address do not count against the account elsewhere', async () => {
    await registerTenant(app.url, 'Acme', EMAIL);
    const clients = Array.from({ length: 30 }, () => from('203.0.113.8'));
    const statuses = await burst(clients, () => WRONG);
    expect(count(statuses, 401)).toBeLessThanOrEqual(throttlePolicy.perAccountAndIp);
    const account = await app.handle.db
      .selectFrom('login_throttle')
      .select('login_throttle.failures')
      .where('key', '=', `login-account:${EMAIL}`)
      .executeTakeFirst();
    // Only the attempts that passed the (email, address) limit were counted for the email.
    expect(account?.failures).toBe(count(statuses, 401));
    expect((await from('192.0.2.10').mutation('auth.login', { email: EMAIL, password: PASSWORD })).status).toBe(200);
  });

  it('a success clears the account counts and gives back its reservation on the address', async () => {
    await registerTenant(app.url, 'Acme', EMAIL);
    const client = from('203.0.113.9');
    for (let i = 0; i < throttlePolicy.perAccountAndIp - 1; i++) {
      expect((await client.mutation('auth.login', { email: EMAIL, password: WRONG })).status).toBe(401);
    }
    expect((await client.mutation('auth.login', { email: EMAIL, password: PASSWORD })).status).toBe(200);
    const rows = await app.handle.db
      .selectFrom('login_throttle')
      .select(['login_throttle.key', 'login_throttle.failures'])
      .where('key', 'like', 'login%')
      .orderBy('key')
      .execute();
    // 4 failures and 1 success on the address: 4 + 1 reserved, 1 given back.
    expect(rows).toEqual([{ key: 'login-ip:203.0.113.9', failures: throttlePolicy.perAccountAndIp - 1 }]);
    expect((await client.mutation('auth.login', { email: EMAIL, password: WRONG })).status).toBe(401);
  });
});

describe('password change throttling', () => {
  it('checks at most 5 of 30 parallel wrong current passwords; the right one is then refused too', async () => {
    const client = await registerTenant(app.url, 'Acme', EMAIL);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.mutation('users.changePassword', { currentPassword: `guess ${i}`, newPassword: 'a brand new passphrase' })),
    );
    const statuses = answers.map((a) => a.status);
    expect(count(statuses, 400)).toBeLessThanOrEqual(throttlePolicy.passwordChange);
    expect(count(statuses, 400) + count(statuses, 429)).toBe(30);
    const right = await client.mutation('users.changePassword', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(right.status).toBe(429);
    expect(right.body.error?.message).toMatch(/^Too many wrong current passwords\. Try again in 1[45] minutes\.$/);
    expect((await from('203.0.113.1').mutation('auth.login', { email: EMAIL, password: PASSWORD })).status).toBe(200);
  });
});

describe('registration throttling', () => {
  it('allows 10 registrations per address in an hour, then answers 429 without saying whether the email exists', async () => {
    const client = from('203.0.113.50');
    for (let i = 0; i < throttlePolicy.registrations; i++) {
      const res = await client.mutation('auth.register', { organisationName: `Org ${i}`, name: 'Admin', email: `admin${i}@org.test`, password: PASSWORD });
      expect(res.status).toBe(200);
    }
    const taken = await client.mutation('auth.register', { organisationName: 'Again', name: 'Admin', email: 'admin0@org.test', password: PASSWORD });
    const fresh = await client.mutation('auth.register', { organisationName: 'New', name: 'Admin', email: 'new@org.test', password: PASSWORD });
    expect([taken.status, fresh.status]).toEqual([429, 429]);
    expect(taken.body.error?.message).toBe(fresh.body.error?.message);
    expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(
      (await from('203.0.113.51').mutation('auth.register', { organisationName: 'Elsewhere', name: 'Admin', email: 'else@org.test', password: PASSWORD }))
        .status,
    ).toBe(200);
  });
});
