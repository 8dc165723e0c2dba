import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpClient, PASSWORD, registerTenant, useTestServer } from './harness.js';

const app = useTestServer();
afterEach(() => {
  vi.useRealTimers();
});

const MIN = 60_000;
const HOUR = 60 * MIN;

function freezeClock(): { advance(ms: number): void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  let now = Date.now();
  vi.setSystemTime(now);
  return {
    advance(ms: number) {
      now += ms;
      vi.setSystemTime(now);
    },
  };
}

async function login(email: string, password = PASSWORD, rememberMe = false): Promise<HttpClient> {
  const client = new HttpClient(app.url);
  const res = await client.mutation('auth.login', { email, password, rememberMe });
  expect(res.status).toBe(200);
  return client;
}

describe('registration and the session lifecycle', () => {
  it('register → me → logout → me is UNAUTHORIZED', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const me = await client.query<{ email: string; role: string; tenant: { name: string } }>('auth.me');
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ email: 'ada@acme.test', role: 'admin', tenant: { name: 'Acme' } });

    const out = await client.mutation('auth.logout');
    expect(out.status).toBe(200);
    expect(client.cookie).toBeNull();
    const after = await client.query('auth.me');
    expect(after.status).toBe(401);
    expect(after.code).toBe('UNAUTHORIZED');
  });

  it('login → me works with the new cookie', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const client = await login('ADA@acme.test ');
    const me = await client.query<{ email: string }>('auth.me');
    expect(me.data.email).toBe('ada@acme.test');
  });

  it('issues a new session id at every login', async () => {
    const first = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const second = await login('ada@acme.test');
    expect(first.cookie).not.toBeNull();
    expect(second.cookie).not.toBeNull();
    expect(second.cookie).not.toBe(first.cookie);
    const relogin = await first.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD });
    expect(relogin.status).toBe(200);
    expect(first.cookie).not.toBe(second.cookie);
  });

  it('rejects the old cookie after logout and deletes the session row', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const stolen = client.cookie;
    await client.mutation('auth.logout');
    const replay = new HttpClient(app.url);
    replay.cookie = stolen;
    expect((await replay.query('auth.me')).status).toBe(401);
    const rows = await app.handle.db.selectFrom('sessions').select('sessions.sid').execute();
    expect(rows).toHaveLength(0);
  });

  it('issues a new session id at a password change and refuses the old cookie afterwards', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const before = client.cookie;
    const changed = await client.mutation('users.changePassword', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
      endOtherSessions: false,
    });
    expect(changed.status).toBe(200);
    expect(client.cookie).not.toBeNull();
    expect(client.cookie).not.toBe(before);
    expect((await client.query<{ email: string }>('auth.me')).data.email).toBe('ada@acme.test');
    const replay = new HttpClient(app.url);
    replay.cookie = before;
    expect((await replay.query('auth.me')).status).toBe(401);
    const rows = await app.handle.db.selectFrom('sessions').select('sessions.sid').execute();
    expect(rows).toHaveLength(1);
  });

  it('session.status reports signed-out and signed-in callers', async () => {
    const anon = new HttpClient(app.url);
    expect((await anon.query('session.status')).data).toEqual({ signedIn: false });
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const status = await client.query<{
      signedIn: boolean;
      user: { email: string };
      tenant: { name: string };
      idleExpiresAt: string;
      absoluteExpiresAt: string;
    }>('session.status');
    expect(status.data).toMatchObject({ signedIn: true, user: { email: 'ada@acme.test' }, tenant: { name: 'Acme' } });
    const idle = Date.parse(status.data.idleExpiresAt) - Date.now();
    const absolute = Date.parse(status.data.absoluteExpiresAt) - Date.now();
    expect(idle).toBeGreaterThan(29 * MIN);
    expect(idle).toBeLessThanOrEqual(30 * MIN);
    expect(absolute).toBeGreaterThan(7.9 * HOUR);
    expect(absolute).toBeLessThanOrEqual(8 * HOUR);
  });
});

describe('server-side lifetimes', () => {
  it('ends a session after 30 idle minutes', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = await login('ada@acme.test');
    clock.advance(29 * MIN);
    expect((await client.query('auth.me')).status).toBe(200);
    clock.advance(29 * MIN);
    expect((await client.query('auth.me')).status).toBe(200);
    clock.advance(31 * MIN);
    expect((await client.query('auth.me')).status).toBe(401);
  });

  it('ends an active session at the 8-hour absolute limit', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = await login('ada@acme.test');
    for (let elapsed = 0; elapsed < 8 * HOUR - 20 * MIN; elapsed += 20 * MIN) {
      clock.advance(20 * MIN);
      expect((await client.query('auth.me')).status).toBe(200);
    }
    clock.advance(20 * MIN);
    expect((await client.query('auth.me')).status).toBe(401);
  });

  it('does not count session.status polling as activity', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = await login('ada@acme.test');
    for (let i = 0; i < 3; i++) {
      clock.advance(9 * MIN);
      expect((await client.query<{ signedIn: boolean }>('session.status')).data.signedIn).toBe(true);
    }
    clock.advance(4 * MIN);
    expect((await client.query<{ signedIn: boolean }>('session.status')).data.signedIn).toBe(false);
  });

  it('session.refresh extends the idle limit but never past the absolute one', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = await login('ada@acme.test');
    clock.advance(25 * MIN);
    const refreshed = await client.mutation<{ idleExpiresAt: string }>('session.refresh');
    expect(refreshed.status).toBe(200);
    expect(Date.parse(refreshed.data.idleExpiresAt)).toBe(Date.now() + 30 * MIN);
    clock.advance(25 * MIN);
    expect((await client.query('auth.me')).status).toBe(200);
    for (let elapsed = 50 * MIN; elapsed < 7 * HOUR + 50 * MIN; elapsed += 25 * MIN) {
      clock.advance(25 * MIN);
      await client.mutation('session.refresh');
    }
    const late = await client.mutation<{ idleExpiresAt: string; absoluteExpiresAt: string }>('session.refresh');
    expect(late.status).toBe(200);
    expect(late.data.idleExpiresAt).toBe(late.data.absoluteExpiresAt);
    clock.advance(30 * MIN);
    expect((await client.mutation('session.refresh')).status).toBe(401);
  });

  it('remember-me keeps a session for 7 days with a persistent cookie', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = new HttpClient(app.url);
    const res = await client.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD, rememberMe: true });
    const setCookie = res.headers.getSetCookie().join(';');
    expect(setCookie).toMatch(/Expires=/i);
    let elapsed = 9 * HOUR;
    clock.advance(elapsed);
    expect((await client.query('auth.me')).status).toBe(200);
    for (; elapsed + 20 * HOUR < 7 * 24 * HOUR; elapsed += 20 * HOUR) {
      clock.advance(20 * HOUR);
      expect((await client.query('auth.me')).status).toBe(200);
    }
    clock.advance(20 * HOUR);
    expect((await client.query('auth.me')).status).toBe(401);
  });

  it('remember-me sessions still end after 24 idle hours', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const clock = freezeClock();
    const client = await login('ada@acme.test', PASSWORD, true);
    clock.advance(25 * HOUR);
    expect((await client.query('auth.me')).status).toBe(401);
  });
});

describe('login failures', () => {
  it('answers a wrong password, an unknown email and a deactivated user identically', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    await app.handle.db
      .insertInto('users')
      .values({
        tenant_id: (await admin.query<{ tenant: { id: string } }>('auth.me')).data.tenant.id,
        email: 'gone@acme.test',
        name: 'Gone',
        role: 'member',
        active: false,
        password_hash: '$2b$04$abcdefghijklmnopqrstuu5ZpJ0xg0T4iL9n3l3cKkQeJ1FQm9dRS',
      })
      .execute();
    const anon = new HttpClient(app.url);
    const wrong = await anon.mutation('auth.login', { email: 'ada@acme.test', password: 'wrong password!' });
    const unknown = await anon.mutation('auth.login', { email: 'nobody@acme.test', password: 'wrong password!' });
    const inactive = await anon.mutation('auth.login', { email: 'gone@acme.test', password: 'wrong password!' });
    for (const r of [wrong, unknown, inactive]) {
      expect(r.status).toBe(401);
      expect(r.body).toEqual(wrong.body);
    }
    expect(wrong.body.error?.message).toBe('Invalid email or password.');
    expect(anon.cookie).toBeNull();
  });

  it('locks a deactivated user out on the very next call', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    expect((await client.query('auth.me')).status).toBe(200);
    await app.handle.db.updateTable('users').set({ active: false }).execute();
    expect((await client.query('auth.me')).status).toBe(401);
    expect((await client.query<{ signedIn: boolean }>('session.status')).data.signedIn).toBe(false);
  });

  it('fails at once when the session row is deleted', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    await app.handle.db.deleteFrom('sessions').execute();
    expect((await client.query('auth.me')).status).toBe(401);
  });
});

describe('input validation', () => {
  it('returns BAD_REQUEST with field messages for invalid registration input', async () => {
    const client = new HttpClient(app.url);
    const res = await client.mutation('auth.register', { organisationName: '', name: 'A', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.code).toBe('BAD_REQUEST');
    const fields = res.body.error?.data.fieldErrors ?? {};
    expect(Object.keys(fields).sort()).toEqual(['email', 'organisationName', 'password']);
  });

  it('measures password length in bytes and never truncates', async () => {
    const client = new HttpClient(app.url);
    const tooLong = await client.mutation('auth.register', { organisationName: 'A', name: 'A', email: 'a@a.test', password: 'é'.repeat(37) });
    expect(tooLong.status).toBe(400);
    // 37 × 'é' is 74 UTF-8 bytes, over bcrypt's 72, though only 37 characters.
    expect(tooLong.body.error?.data.fieldErrors?.password?.[0]).toMatch(/^Use a shorter password: at most 72 characters, fewer with accented letters/);
    const exactly72 = 'x'.repeat(71) + 'y';
    const ok = await client.mutation('auth.register', { organisationName: 'A', name: 'A', email: 'a@a.test', password: exactly72 });
    expect(ok.status).toBe(200);
    const truncatedGuess = await new HttpClient(app.url).mutation('auth.login', { email: 'a@a.test', password: 'x'.repeat(71) + 'z' });
    expect(truncatedGuess.status).toBe(401);
  });

  it('rejects unknown keys (strict inputs)', async () => {
    const client = new HttpClient(app.url);
    const res = await client.mutation('auth.login', { email: 'a@a.test', password: 'whatever1', tenantId: 'x' });
    expect(res.status).toBe(400);
  });

  it('refuses a second registration with the same email', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await new HttpClient(app.url).mutation('auth.register', { organisationName: 'B', name: 'B', email: 'ADA@acme.test', password: PASSWORD });
    expect(res.status).toBe(409);
  });
});
