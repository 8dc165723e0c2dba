import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpClient, PASSWORD, TEST_SECRET, registerTenant, startTestServer, useTestServer } from './harness.js';

const app = useTestServer();

/** A session cookie signed as express-session signs it: the id, a dot, its unpadded base64 HMAC-SHA256. */
const signature = (sid: string, secret: string) => `${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
const signed = (sid: string, secret = TEST_SECRET) => `pulse.sid=${encodeURIComponent(`s:${signature(sid, secret)}`)}`;

async function rawPost(path: string, init: { headers?: Record<string, string>; body?: string | FormData } = {}) {
  return fetch(`${app.url}/api/trpc/${path}`, { method: 'POST', headers: init.headers, body: init.body });
}

describe('security checklist: sessions', () => {
  it('session fixation: a planted cookie never becomes authenticated', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const planted = randomBytes(24).toString('base64url');
    const victim = new HttpClient(app.url);
    victim.cookie = signed(planted);
    expect((await victim.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD })).status).toBe(200);
    expect(victim.cookie).not.toBe(signed(planted));
    const attacker = new HttpClient(app.url);
    attacker.cookie = signed(planted);
    expect((await attacker.query('auth.me')).status).toBe(401);
    const rows = await app.handle.db.selectFrom('sessions').select('sessions.sid').execute();
    expect(rows.map((r) => r.sid)).not.toContain(planted);
  });

  it('no resurrection: a request in flight at logout cannot bring the session back', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const cookie = client.cookie;
    const inFlight = Array.from({ length: 5 }, () => client.query('auth.me'));
    await client.mutation('auth.logout');
    await Promise.all(inFlight);
    const replay = new HttpClient(app.url);
    replay.cookie = cookie;
    expect((await replay.query('auth.me')).status).toBe(401);
    expect(await app.handle.db.selectFrom('sessions').select('sessions.sid').execute()).toHaveLength(0);
  });

  it('tampered, unsigned and foreign-secret cookies are rejected', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const sid = decodeURIComponent((client.cookie ?? '').split('=')[1] ?? '')
      .slice(2)
      .split('.')[0] as string;
    const variants = [
      `pulse.sid=${encodeURIComponent(`s:${sid}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)}`,
      `pulse.sid=${encodeURIComponent(sid)}`,
      signed(sid, 'another-secret-that-is-32-bytes-long!!'),
      signed(`${sid}x`),
    ];
    for (const cookie of variants) {
      const c = new HttpClient(app.url);
      c.cookie = cookie;
      expect((await c.query('auth.me')).status).toBe(401);
    }
    expect((await client.query('auth.me')).status).toBe(200);
  });

  it('the session id is accepted only from the cookie', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const value = (client.cookie ?? '').split('=')[1] ?? '';
    const headers = { authorization: `Bearer ${value}`, 'x-session-id': value, 'x-pulse-client': 'web' };
    const res = await fetch(`${app.url}/api/trpc/auth.me?sid=${value}&pulse.sid=${value}`, { headers });
    expect(res.status).toBe(401);
  });
});

describe('security checklist: production cookies', () => {
  it('cookie attributes in production: __Host- prefix, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', TRUST_PROXY: '1', BCRYPT_COST: '10' });
    try {
      const res = await fetch(`${prod.url}/api/trpc/auth.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pulse-client': 'web', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ organisationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      const cookie = res.headers.getSetCookie()[0] ?? '';
      expect(cookie).toMatch(/^__Host-pulse\.sid=/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await prod.close();
    }
  });

  it('production errors carry no stack and no SQL', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', TRUST_PROXY: '1', BCRYPT_COST: '10' });
    try {
      const res = await fetch(`${prod.url}/api/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pulse-client': 'web', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ email: 5 }),
      });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(text).not.toMatch(/stack|at .*\.ts|SELECT/);
    } finally {
      await prod.close();
    }
  });
});

describe('security checklist: login throttling', () => {
  it('blocks (email, IP) after 5 failures with TOO_MANY_REQUESTS and Retry-After, even with the right password', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const c = new HttpClient(app.url);
    for (let i = 0; i < 5; i++) expect((await c.mutation('auth.login', { email: 'ada@acme.test', password: 'wrong-password' })).status).toBe(401);
    const blocked = await c.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('throttles unknown emails identically', async () => {
    const c = new HttpClient(app.url);
    const known = [];
    for (let i = 0; i < 6; i++) known.push((await c.mutation('auth.login', { email: 'ghost@acme.test', password: 'wrong-password' })).status);
    expect(known).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('ignores a spoofed X-Forwarded-For when no proxy is trusted', async () => {
    await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const c = new HttpClient(app.url);
    for (let i = 0; i < 5; i++) {
      c.extraHeaders = { 'x-forwarded-for': `10.0.0.${i}` };
      await c.mutation('auth.login', { email: 'ada@acme.test', password: 'wrong-password' });
    }
    c.extraHeaders = { 'x-forwarded-for': '10.9.9.9' };
    expect((await c.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD })).status).toBe(429);
  });

  it('keeps the counters in PostgreSQL (shared by instances, kept across restarts)', async () => {
    const c = new HttpClient(app.url);
    await c.mutation('auth.login', { email: 'ghost@acme.test', password: 'wrong-password' });
    const rows = await app.handle.db.selectFrom('login_throttle').select(['login_throttle.key', 'login_throttle.failures']).execute();
    // One failure counted under (email, IP), the email from any address, and the IP.
    expect(rows.map((r) => r.failures)).toEqual([1, 1, 1]);
  });
});

describe('security checklist: CSRF and CORS', () => {
  async function signedInAndCheck(fn: (cookie: string) => Promise<Response>) {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await fn(client.cookie ?? '');
    expect(res.status).toBe(403);
    expect((await client.query('auth.me')).status).toBe(200);
    return client;
  }

  it('refuses form content types (urlencoded, text/plain, multipart outside uploads)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      await app.reset();
      await signedInAndCheck((cookie) =>
        rawPost('auth.logout', { headers: { cookie, 'content-type': type, 'x-pulse-client': 'web', origin: app.url }, body: 'a=b' }),
      );
    }
    await app.reset();
    const form = new FormData();
    form.set('name', 'x');
    await signedInAndCheck((cookie) => rawPost('accounts.create', { headers: { cookie, 'x-pulse-client': 'web', origin: app.url }, body: form }));
  });

  it('refuses a mutation without the client header', async () => {
    await signedInAndCheck((cookie) => rawPost('auth.logout', { headers: { cookie, 'content-type': 'application/json', origin: app.url }, body: '{}' }));
  });

  it('refuses evil, null and lookalike origins', async () => {
    const port = new URL(app.url).port;
    for (const origin of [
      'https://evil.example',
      'null',
      `http://127.0.0.1:${port}.evil.example`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${Number(port) + 1}`,
    ]) {
      await app.reset();
      await signedInAndCheck((cookie) =>
        rawPost('auth.logout', { headers: { cookie, origin, 'content-type': 'application/json', 'x-pulse-client': 'web' }, body: '{}' }),
      );
    }
  });

  it('refuses a mutation the browser marks Sec-Fetch-Site: cross-site, even with the client header, unless its origin is listed', async () => {
    const json = { 'content-type': 'application/json', 'x-pulse-client': 'web' };
    for (const origin of [undefined, app.url, 'https://evil.example']) {
      await app.reset();
      await signedInAndCheck((cookie) =>
        rawPost('auth.logout', { headers: { cookie, ...json, 'sec-fetch-site': 'cross-site', ...(origin ? { origin } : {}) }, body: '{}' }),
      );
    }
    await app.reset();
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const refused = await rawPost('auth.logout', { headers: { cookie: client.cookie ?? '', ...json, 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(await refused.json()).toMatchObject({ error: { message: 'Cross-site request refused.', data: { code: 'FORBIDDEN' } } });
    for (const site of ['same-origin', 'same-site', 'none']) {
      const res = await rawPost('accounts.create', {
        headers: { cookie: client.cookie ?? '', ...json, origin: app.url, 'sec-fetch-site': site },
        body: JSON.stringify({ name: `Sent ${site}` }),
      });
      expect(res.status).toBe(200);
    }
    const listed = await rawPost('accounts.create', {
      headers: { cookie: client.cookie ?? '', ...json, origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site' },
      body: '{"name":"From the listed dev origin"}',
    });
    expect(listed.status).toBe(200);
  });

  it('serves mutations only over POST', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await fetch(`${app.url}/api/trpc/auth.logout`, { headers: { cookie: client.cookie ?? '' } });
    expect(res.status).toBe(405);
    expect((await client.query('auth.me')).status).toBe(200);
  });

  it('CORS preflight: evil origins get no CORS headers, allowed origins get exactly theirs', async () => {
    const evil = await fetch(`${app.url}/api/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await fetch(`${app.url}/api/trpc/auth.me`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const plain = await fetch(`${app.url}/api/trpc/session.status`, { headers: { origin: 'https://evil.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security checklist: headers and limits', () => {
  it('sends security headers, a CSP, no X-Powered-By and no-store on API answers', async () => {
    const res = await fetch(`${app.url}/api/trpc/session.status`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('rejects JSON bodies over 1 MB before any work', async () => {
    const res = await rawPost('auth.login', {
      headers: { 'content-type': 'application/json', 'x-pulse-client': 'web' },
      body: JSON.stringify({ email: 'a@a.test', password: 'x'.repeat(1_100_000) }),
    });
    expect(res.status).toBe(413);
  });

  it('caps batch size', async () => {
    const paths = Array.from({ length: 26 }, () => 'session.status').join(',');
    const input = encodeURIComponent(JSON.stringify({}));
    const res = await fetch(`${app.url}/api/trpc/${paths}?batch=1&input=${input}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${app.url}/api/trpc/${Array.from({ length: 25 }, () => 'session.status').join(',')}?batch=1&input=${input}`);
    expect(ok.status).toBe(200);
  });

  it('caps page size (limit 1..100, never clamped)', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    expect((await client.query('accounts.list', { limit: 101 })).status).toBe(400);
    expect((await client.query('accounts.list', { limit: 0 })).status).toBe(400);
    expect((await client.query('accounts.list', { limit: 100 })).status).toBe(200);
  });

  it('prototype-pollution and wrong-type inputs get BAD_REQUEST', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const polluted = await rawPost('accounts.create', {
      headers: { cookie: client.cookie ?? '', 'content-type': 'application/json', 'x-pulse-client': 'web' },
      body: '{"name":"X","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
    });
    expect(polluted.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await client.mutation('accounts.create', { name: 42 })).status).toBe(400);
    expect((await client.mutation('accounts.create', { name: ['a'] })).status).toBe(400);
    expect((await client.query('accounts.byId', { id: "1' OR '1'='1" })).status).toBe(400);
  });

  it('stores SQL metacharacters verbatim', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const name = `Robert'); DROP TABLE accounts;-- "%_\\`;
    const created = await client.mutation<{ id: string; name: string }>('accounts.create', { name });
    expect(created.status).toBe(200);
    const read = await client.query<{ name: string }>('accounts.byId', { id: created.data.id });
    expect(read.data.name).toBe(name);
    const found = await client.query<{ items: { name: string }[] }>('accounts.list', { search: "'); DROP" });
    expect(found.data.items.map((a) => a.name)).toEqual([name]);
    const percent = await client.query<{ items: unknown[] }>('accounts.list', { search: '%' });
    expect(percent.data.items).toHaveLength(1);
    const underscore = await client.query<{ items: unknown[] }>('accounts.list', { search: '_x' });
    expect(underscore.data.items).toHaveLength(0);
  });
});
