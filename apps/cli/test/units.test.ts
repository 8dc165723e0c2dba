import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CookieJar } from '../src/cookies.js';
import { normaliseUrl } from '../src/connection.js';
import { networkFailure } from '../src/errors.js';
import { table } from '../src/format.js';
import { configDir, readSession, writeSession } from '../src/store.js';
import { tempDir } from './run-cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('CookieJar (tough-cookie)', () => {
  const server = 'http://127.0.0.1:3000';

  it('keeps cookies the server sets and drops the ones it expires', () => {
    const jar = new CookieJar(server);
    jar.store(`${server}/api/trpc/auth.login`, ['pulse.sid=s%3Aabc.def; Path=/; HttpOnly; SameSite=Strict', 'other=1; Path=/; Max-Age=60']);
    expect(jar.header(`${server}/api/trpc/auth.me`)).toBe('pulse.sid=s%3Aabc.def; other=1');
    expect(jar.dirty).toBe(true);

    jar.markClean();
    expect(jar.dirty).toBe(false);
    jar.store(`${server}/api/trpc/auth.logout`, ['pulse.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'other=1; Path=/; Max-Age=0']);
    expect(jar.size).toBe(0);
    expect(jar.dirty).toBe(true);
  });

  it('never sends the cookies to another origin, not even another port of the same host', () => {
    const jar = new CookieJar(server, { 'pulse.sid': 'x' });
    expect(jar.header(`${server}/api`)).toBe('pulse.sid=x');
    expect(jar.header('http://127.0.0.1:4000/api')).toBeNull();
    expect(jar.header('https://127.0.0.1:3000/api')).toBeNull();
  });

  it('sends a cookie only under its Path (default: the folder of the request that set it)', () => {
    const jar = new CookieJar(server);
    jar.store(`${server}/api/trpc/auth.login`, ['api=1; Path=/api', 'folder=2']);
    expect(jar.header(`${server}/api/trpc/x`)).toBe('folder=2; api=1');
    expect(jar.header(`${server}/api/export`)).toBe('api=1');
    expect(jar.header(`${server}/other`)).toBeNull();
    expect(jar.size).toBe(2);
  });

  it('refuses a Secure cookie over plain HTTP (loopback excepted, as in browsers), and sends one set over HTTPS', () => {
    const plain = new CookieJar('http://pulse.example');
    plain.store('http://pulse.example/api', ['__Host-pulse.sid=x; Path=/; Secure; HttpOnly']);
    expect(plain.size).toBe(0);

    const loopback = new CookieJar(server);
    loopback.store(`${server}/api`, ['__Host-pulse.sid=x; Path=/; Secure; HttpOnly']);
    expect(loopback.header(`${server}/api`)).toBe('__Host-pulse.sid=x');

    const secure = new CookieJar('https://pulse.example');
    secure.store('https://pulse.example/api/trpc/auth.login', ['__Host-pulse.sid=x; Path=/; Secure; HttpOnly']);
    expect(secure.header('https://pulse.example/api/trpc/auth.me')).toBe('__Host-pulse.sid=x');
  });

  it('drops a cookie once its Max-Age has run out', () => {
    const jar = new CookieJar(server);
    // Set 120 s ago with Max-Age=60: expired 60 s ago.
    jar.store(`${server}/api`, ['old=1; Path=/; Max-Age=60'], new Date(Date.now() - 120_000));
    jar.store(`${server}/api`, ['fresh=1; Path=/; Max-Age=60']);
    expect(jar.header(`${server}/api`)).toBe('fresh=1');
    expect(jar.size).toBe(1);
  });

  it('saves Path and expiry: a jar rebuilt from its JSON sends the same cookies', () => {
    const jar = new CookieJar(server);
    const expires = new Date(Date.now() + 3_600_000).toUTCString();
    jar.store(`${server}/api/trpc/auth.login`, [`pulse.sid=abc; Path=/; Expires=${expires}`, 'api=1; Path=/api']);
    const saved = JSON.parse(JSON.stringify(jar.toJSON())) as ReturnType<CookieJar['toJSON']>;
    expect(saved).toMatchObject([
      { key: 'pulse.sid', path: '/', expires: new Date(expires).toISOString() },
      { key: 'api', path: '/api' },
    ]);
    const again = new CookieJar(server, saved);
    expect(again.header(`${server}/api/x`)).toBe(jar.header(`${server}/api/x`));
    expect(again.header(`${server}/`)).toBe('pulse.sid=abc');
    expect(again.dirty).toBe(false);
  });

  it('wraps fetch: sends the cookie header and stores Set-Cookie', async () => {
    const jar = new CookieJar('http://pulse.test', { a: '1' });
    let sent: string | null = null;
    const base = ((_input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      sent = new Headers(init?.headers).get('cookie');
      return Promise.resolve(new Response('{}', { headers: [['set-cookie', 'b=2; Path=/']] }));
    }) as typeof fetch;
    await jar.fetch(base)('http://pulse.test/api/trpc/x', { headers: { 'x-pulse-client': 'web' } });
    expect(sent).toBe('a=1');
    expect(jar.header('http://pulse.test/')).toBe('a=1; b=2');
  });
});

describe('session file', () => {
  it('is written 0600 in a 0700 folder, also over a file that was readable by others', () => {
    const dir = tempDir('pulse-cli-store-');
    dirs.push(dir);
    const file = path.join(dir, 'pulse', 'session.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    writeSession(file, { url: 'http://x', email: 'a@b.c', cookies: { s: '1' }, savedAt: 'now' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readSession(file)).toMatchObject({ url: 'http://x', cookies: { s: '1' } });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['session.json']);

    const fresh = path.join(dir, 'new', 'session.json');
    writeSession(fresh, { url: 'http://x', email: 'a@b.c', cookies: {}, savedAt: 'now' });
    expect(fs.statSync(path.dirname(fresh)).mode & 0o777).toBe(0o700);
  });

  it('reports a damaged file instead of crashing', () => {
    const dir = tempDir('pulse-cli-store-');
    dirs.push(dir);
    const file = path.join(dir, 'session.json');
    fs.writeFileSync(file, 'not json');
    expect(() => readSession(file)).toThrow(/damaged: run pulse login/);
    expect(readSession(path.join(dir, 'missing.json'))).toBeNull();
  });

  it('lives in $PULSE_CONFIG_DIR, else $XDG_CONFIG_HOME/pulse, else ~/.config/pulse', () => {
    expect(configDir({ PULSE_CONFIG_DIR: '/tmp/p' })).toBe('/tmp/p');
    expect(configDir({ XDG_CONFIG_HOME: '/tmp/xdg' })).toBe('/tmp/xdg/pulse');
    expect(configDir({})).toMatch(/\.config\/pulse$/);
  });
});

describe('helpers', () => {
  it('normalises server URLs and refuses bad ones', () => {
    expect(normaliseUrl('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
    expect(normaliseUrl(' https://pulse.example.com/base/?x=1#y ')).toBe('https://pulse.example.com/base');
    expect(() => normaliseUrl('127.0.0.1:3000')).toThrow('Give the full address with http:// or https://, e.g. http://127.0.0.1:3000');
    expect(() => normaliseUrl('ftp://pulse.example.com')).toThrow(/Not an http\(s\) URL/);
    expect(() => normaliseUrl('http://exa mple.com')).toThrow(/Not a valid URL/);
    expect(() => normaliseUrl('http://me:secret@pulse.example.com')).toThrow(/no credentials/);
  });

  it('finds the network error code in a fetch failure', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: refused });
    expect(networkFailure(new Error('wrapped', { cause: fetchFailed }))).toBe('ECONNREFUSED');
    expect(networkFailure(new Error('Invalid input'))).toBeNull();
  });

  it('pads table columns but never the last one', () => {
    expect(
      table(
        ['A', 'LONGER'],
        [
          ['xx', 'y'],
          [null, 3.14159],
        ],
      ),
    ).toBe('A   LONGER\nxx  y\n-   3.1');
  });
});
