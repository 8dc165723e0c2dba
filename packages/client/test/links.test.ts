import { describe, expect, it, vi } from 'vitest';
import { createTRPCUntypedClient } from '@trpc/client';
import { createPulseClient, pulseLinks, type PulseLinkOptions } from '../src/index.js';

interface Sent {
  url: string;
  init: RequestInit;
  headers: Record<string, string>;
}

/** A fetch that records each request and answers like the tRPC HTTP handler. */
function fakeServer() {
  const sent: Sent[] = [];
  const fetch = vi.fn((input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = input instanceof Request ? input.url : input.toString();
    sent.push({ url, init, headers: Object.fromEntries(new Headers(init.headers).entries()) });
    const result = { result: { data: { ok: true } } };
    const batched = new URL(url, 'http://pulse.test').searchParams.has('batch');
    const count = url.split('?')[0]!.split('/').pop()!.split(',').length;
    return Promise.resolve(Response.json(batched ? Array.from({ length: count }, () => result) : result));
  });
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

function untyped(opts: PulseLinkOptions) {
  return createTRPCUntypedClient({ links: pulseLinks(opts) });
}

describe('pulseLinks', () => {
  it('sends queries batched, with the session cookie and the client header only', async () => {
    const server = fakeServer();
    const client = createPulseClient({ baseUrl: 'http://127.0.0.1:3000/', fetch: server.fetch });

    await Promise.all([client.session.status.query(), client.auth.me.query()]);

    expect(server.sent).toHaveLength(1);
    const [request] = server.sent;
    expect(request!.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/trpc\/session\.status,auth\.me\?batch=1/);
    expect(request!.init.method).toBe('GET');
    expect(request!.init.credentials).toBe('include');
    expect(request!.headers).toEqual({ 'x-pulse-client': 'web' });
  });

  it('sends JSON mutations through the batch link with the client header', async () => {
    const server = fakeServer();
    const client = createPulseClient({ baseUrl: '', fetch: server.fetch });

    await client.auth.login.mutate({ email: 'a@b.example', password: 'secret-password', rememberMe: true });

    const [request] = server.sent;
    expect(request!.url).toBe('/api/trpc/auth.login?batch=1');
    expect(request!.init.method).toBe('POST');
    expect(request!.init.credentials).toBe('include');
    expect(request!.headers).toEqual({ 'content-type': 'application/json', 'x-pulse-client': 'web' });
    expect(JSON.parse(request!.init.body as string)).toEqual({
      0: { email: 'a@b.example', password: 'secret-password', rememberMe: true },
    });
  });

  it('sends FormData uploads unbatched, letting fetch set the multipart content type', async () => {
    const server = fakeServer();
    const form = new FormData();
    form.set('file', new Blob(['account,period\n']), 'kpis.csv');

    await untyped({ baseUrl: '', fetch: server.fetch }).mutation('uploads.create', form);

    const [request] = server.sent;
    expect(request!.url).toBe('/api/trpc/uploads.create');
    expect(request!.init.method).toBe('POST');
    expect(request!.init.credentials).toBe('include');
    expect(request!.init.body).toBe(form);
    expect(request!.headers).toEqual({ 'x-pulse-client': 'web' });
  });

  it('adds caller headers but never lets them replace the client header', async () => {
    const server = fakeServer();
    const headers = () => ({ 'X-Pulse-Client': 'cli', 'accept-language': 'en-GB' });

    await untyped({ baseUrl: '', fetch: server.fetch, headers }).query('session.status');

    expect(server.sent[0]!.headers).toEqual({ 'accept-language': 'en-GB', 'x-pulse-client': 'web' });
  });

  it('with a token: Authorization Bearer on every request, no cookies, and callers cannot replace it', async () => {
    const server = fakeServer();
    const headers = () => ({ Authorization: 'Bearer forged' });
    const client = createPulseClient({ baseUrl: '', fetch: server.fetch, token: 'pulse_secret', headers });
    const form = new FormData();
    form.set('file', new Blob(['account,period\n']), 'kpis.csv');

    await client.accounts.list.query({});
    await untyped({ baseUrl: '', fetch: server.fetch, token: 'pulse_secret', headers }).mutation('uploads.create', form);

    for (const request of server.sent) {
      expect(request.init.credentials).toBe('omit');
      expect(request.headers).toMatchObject({ authorization: 'Bearer pulse_secret', 'x-pulse-client': 'web' });
    }
    expect(server.sent).toHaveLength(2);
  });

  it('uses the global fetch when none is given', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetch);
    try {
      await untyped({ baseUrl: '' }).query('session.status');
    } finally {
      vi.unstubAllGlobals();
    }
    expect(server.sent).toHaveLength(1);
  });
});
