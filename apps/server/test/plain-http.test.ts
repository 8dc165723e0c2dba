import { describe, expect, it } from 'vitest';
import { HTTPS_REQUIRED } from '../src/app.js';
import { PASSWORD, startTestServer } from './harness.js';

const headers = { 'content-type': 'application/json', 'x-pulse-client': 'web' };
const registration = JSON.stringify({ organisationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: PASSWORD });

describe('production over plain HTTP', () => {
  it('refuses sign-in and registration with a clear error instead of a session the browser cannot keep', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', TRUST_PROXY: '0', BCRYPT_COST: '10' });
    try {
      for (const path of ['auth.register', 'auth.login', 'auth.logout,auth.login']) {
        const body = path.endsWith('auth.login') ? JSON.stringify({ email: 'ada@acme.test', password: PASSWORD }) : registration;
        const res = await fetch(`${prod.url}/api/trpc/${path}${path.includes(',') ? '?batch=1' : ''}`, {
          method: 'POST',
          headers,
          body: path.includes(',') ? JSON.stringify({ 1: JSON.parse(body) as unknown }) : body,
        });
        const text = await res.text();
        expect(res.status, path).toBe(403);
        expect(text, path).toContain(HTTPS_REQUIRED);
        expect(text, path).not.toContain('signedIn');
        expect(res.headers.getSetCookie(), path).toEqual([]);
      }
      expect(await prod.handle.db.selectFrom('tenants').select('tenants.id').execute()).toEqual([]);
    } finally {
      await prod.close();
    }
  });

  it('refuses it behind a trusted proxy that forwarded plain HTTP, and allows it over HTTPS', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', TRUST_PROXY: '1', BCRYPT_COST: '10' });
    try {
      const over = (proto: string) =>
        fetch(`${prod.url}/api/trpc/auth.register`, { method: 'POST', headers: { ...headers, 'x-forwarded-proto': proto }, body: registration });
      expect((await over('http')).status).toBe(403);
      const secure = await over('https');
      expect(secure.status).toBe(200);
      expect(secure.headers.getSetCookie()[0]).toMatch(/^__Host-pulse\.sid=.*; Secure/);
    } finally {
      await prod.close();
    }
  });

  it('keeps plain HTTP working outside production (development cookies are not Secure)', async () => {
    const dev = await startTestServer();
    try {
      const res = await fetch(`${dev.url}/api/trpc/auth.register`, { method: 'POST', headers, body: registration });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()[0]).toMatch(/^pulse\.sid=/);
    } finally {
      await dev.close();
    }
  });
});
