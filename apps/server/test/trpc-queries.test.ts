import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@pulse/db/testing';
import { MAX_BATCH_ITEMS } from '@pulse/api/limits';
import { createApp } from '../src/app.js';
import { listen, registerTenant, testConfig, type HttpClient } from './harness.js';

/**
 * trpc-queries.ts answers GET queries itself; everything else goes on to tRPC's adapter.
 * Two apps on one database, one with it (the default) and one without, get the same
 * requests: status, body and headers must be the same, and the lean app must have answered
 * exactly the requests it claims (it sends a Content-Length; tRPC's adapter streams its
 * body in chunks; refusals before tRPC, like the depth limit, are whole JSON in both).
 */

type Served = 'lean' | 'adapter' | 'guard';

interface Case {
  name: string;
  path: string;
  served: Served;
  as?: 'a' | 'token' | 'bad token' | 'nobody';
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
}

let handle: TestDatabase;
let lean: Awaited<ReturnType<typeof listen>>;
let standard: Awaited<ReturnType<typeof listen>>;
let a: HttpClient;
let token: string;
let ownAccount: string;
let otherAccount: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  const config = testConfig();
  lean = await listen(createApp({ db: handle.app, config }));
  standard = await listen(createApp({ db: handle.app, config, leanQueries: false }));
  a = await registerTenant(lean.url, 'Acme', 'ada@acme.test');
  const b = await registerTenant(lean.url, 'Globex', 'grace@globex.test');
  ownAccount = (await a.mutation<{ id: string }>('accounts.create', { name: 'Initech' })).data.id;
  otherAccount = (await b.mutation<{ id: string }>('accounts.create', { name: 'Hooli' })).data.id;
  token = (await a.mutation<{ token: string }>('tokens.create', { name: 'feed', scope: 'read' })).data.token;
});

afterAll(async () => {
  await lean?.stop();
  await standard?.stop();
  await handle?.close();
});

const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

function cases(): Case[] {
  const own = q({ id: ownAccount });
  const other = q({ id: otherAccount });
  const batchOf = (n: number) => Array.from({ length: n }, () => 'session.status').join(',');
  return [
    { name: 'own account', path: `accounts.byId?input=${own}`, served: 'lean' },
    { name: 'signed out', path: `accounts.byId?input=${own}`, served: 'lean', as: 'nobody' },
    { name: "another tenant's account", path: `accounts.byId?input=${other}`, served: 'lean' },
    { name: 'malformed id', path: `accounts.byId?input=${q({ id: 'nope' })}`, served: 'lean' },
    { name: 'unknown key in a strict input', path: `accounts.byId?input=${q({ id: ownAccount, x: 1 })}`, served: 'lean' },
    { name: 'no input where one is required', path: 'accounts.byId', served: 'lean' },
    { name: 'empty input parameter', path: 'accounts.byId?input=', served: 'lean' },
    { name: 'session.status signed in', path: 'session.status', served: 'lean' },
    { name: 'session.status signed out', path: 'session.status', served: 'lean', as: 'nobody' },
    { name: 'input given to a procedure without one', path: `session.status?input=${q({ a: 1 })}`, served: 'lean' },
    { name: 'read token', path: `accounts.byId?input=${own}`, served: 'lean', as: 'token' },
    { name: 'unknown token', path: `accounts.byId?input=${own}`, served: 'lean', as: 'bad token' },
    {
      name: 'batch of mixed outcomes',
      path: `accounts.byId,accounts.byId,session.status?batch=1&input=${q({ 0: { id: ownAccount }, 1: { id: otherAccount } })}`,
      served: 'lean',
    },
    { name: 'batch, all found', path: `accounts.byId,session.status?batch=1&input=${q({ 0: { id: ownAccount } })}`, served: 'lean' },
    { name: 'batch signed out', path: `accounts.byId,session.status?batch=1&input=${q({ 0: { id: ownAccount } })}`, served: 'lean', as: 'nobody' },
    { name: 'batch without input', path: 'accounts.byId,session.status?batch=1', served: 'lean' },
    { name: 'batch flag given twice', path: `accounts.byId?batch=1&batch=0&input=${q({ 0: { id: ownAccount } })}`, served: 'lean' },
    { name: 'batch at the size limit', path: `${batchOf(MAX_BATCH_ITEMS)}?batch=1`, served: 'lean' },
    { name: 'batch over the size limit', path: `${batchOf(MAX_BATCH_ITEMS + 1)}?batch=1`, served: 'adapter' },
    { name: 'batch input that is an array', path: `accounts.byId?batch=1&input=${q([{ id: ownAccount }])}`, served: 'adapter' },
    { name: 'batch input that is null', path: `accounts.byId?batch=1&input=null`, served: 'adapter' },
    { name: 'input that is not JSON', path: 'accounts.byId?input=%7Boops', served: 'adapter' },
    { name: 'unknown procedure', path: 'accounts.nope', served: 'adapter' },
    { name: 'prototype key as a path', path: 'constructor', served: 'adapter' },
    { name: '__proto__ as a path', path: '__proto__', served: 'adapter' },
    { name: 'path that does not decode', path: '%E0%A4%A', served: 'adapter' },
    { name: 'mutation over GET', path: `accounts.create?input=${q({ name: 'Sneaky' })}`, served: 'adapter' },
    { name: 'batch mixing a query and a mutation', path: `session.status,auth.logout?batch=1`, served: 'adapter' },
    { name: 'streaming accept', path: 'session.status?batch=1', served: 'adapter', headers: { 'trpc-accept': 'application/jsonl' } },
    { name: 'form content type on a GET', path: 'session.status', served: 'adapter', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
    { name: 'HEAD', path: 'session.status', served: 'adapter', method: 'HEAD' },
    { name: 'input nested too deeply', path: `accounts.byId?input=${encodeURIComponent('['.repeat(100))}`, served: 'guard' },
  ];
}

/** A case by name, built when the test runs (the ids exist only after beforeAll). */
const caseNamed = (name: string) => cases().find((c) => c.name === name) as Case;

async function send(base: string, c: Case): Promise<Response> {
  const who = c.as ?? 'a';
  const auth: Record<string, string> =
    who === 'a'
      ? { cookie: a.cookie as string }
      : who === 'token'
        ? { authorization: `Bearer ${token}` }
        : who === 'bad token'
          ? { authorization: 'Bearer pulse_nope' }
          : {};
  return fetch(`${base}/api/trpc/${c.path}`, { method: c.method ?? 'GET', headers: { 'x-pulse-client': 'web', ...auth, ...c.headers } });
}

/** A JSON body with stack traces removed (development error shapes carry one; its frames name the adapter); other bodies as they are. */
function comparable(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  const drop = (item: unknown) => {
    const data = (item as { error?: { data?: Record<string, unknown> } }).error?.data;
    if (data) delete data.stack;
    return item;
  };
  return Array.isArray(parsed) ? parsed.map(drop) : typeof parsed === 'object' && parsed ? drop(parsed) : parsed;
}

const COMPARED_HEADERS = ['content-type', 'vary', 'cache-control', 'content-security-policy', 'x-content-type-options', 'strict-transport-security'];

describe('GET queries served without the fetch adaptation', () => {
  it.each(cases().map((c) => c.name))('%s: the same answer as tRPC’s adapter', async (name) => {
    const c = caseNamed(name);
    const [mine, theirs] = [await send(lean.url, c), await send(standard.url, c)];
    const [mineText, theirsText] = [await mine.text(), await theirs.text()];
    expect(mine.status).toBe(theirs.status);
    expect(comparable(mineText)).toEqual(comparable(theirsText));
    for (const name of COMPARED_HEADERS) expect(mine.headers.get(name), name).toBe(theirs.headers.get(name));
    expect(mine.headers.getSetCookie()).toEqual(theirs.headers.getSetCookie());
    const whole = (r: Response) => r.headers.get('content-length') !== null;
    const expected: Record<Served, [boolean, boolean]> = { lean: [true, false], adapter: [false, false], guard: [true, true] };
    expect([whole(mine), whole(theirs)], 'which path answered').toEqual(expected[c.served]);
  });

  it('answers each case as expected (so the comparison is not of two identical mistakes)', async () => {
    const statusOf = async (name: string) => (await send(lean.url, caseNamed(name))).status;
    expect(await statusOf('own account')).toBe(200);
    expect(await statusOf('signed out')).toBe(401);
    expect(await statusOf("another tenant's account")).toBe(404);
    expect(await statusOf('malformed id')).toBe(400);
    expect(await statusOf('read token')).toBe(200);
    expect(await statusOf('unknown token')).toBe(401);
    expect(await statusOf('batch of mixed outcomes')).toBe(207);
    expect(await statusOf('batch, all found')).toBe(200);
    expect(await statusOf('mutation over GET')).toBe(405);
    expect(await statusOf('unknown procedure')).toBe(404);
    const mixed = (await (await send(lean.url, caseNamed('batch of mixed outcomes'))).json()) as unknown[];
    expect(mixed.map((r) => ('result' in (r as object) ? 'ok' : (r as { error: { data: { code: string } } }).error.data.code))).toEqual([
      'ok',
      'NOT_FOUND',
      'ok',
    ]);
    const own = (await (await send(lean.url, caseNamed('own account'))).json()) as { result: { data: { id: string; name: string } } };
    expect(own.result.data).toMatchObject({ id: ownAccount, name: 'Initech' });
  });
});
