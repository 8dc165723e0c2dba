import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@pulse/db/testing';
import type { TestDatabase } from '@pulse/db/testing';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/logging.js';
import { HttpClient, PASSWORD, testConfig } from './harness.js';

let handle: TestDatabase;
let server: http.Server;
let url: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  handle = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = createApp({ db: handle.app, config: testConfig(), logger: createLogger('info', sink) });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await handle.close();
});

describe('structured logs', () => {
  it('log each request as JSON with id, tenant, user, procedure, status and duration, and never the password or cookie', async () => {
    const client = new HttpClient(url);
    await client.mutation('auth.register', { organisationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: PASSWORD });
    const me = await client.query<{ id: string; tenant: { id: string } }>('auth.me');
    await new Promise((r) => setTimeout(r, 50));
    const entry = lines.find((l) => l.procedure === 'auth.me');
    expect(entry).toMatchObject({ msg: 'request', method: 'GET', status: 200, tenantId: me.data.tenant.id, userId: me.data.id });
    expect(typeof entry?.requestId).toBe('string');
    expect(typeof entry?.durationMs).toBe('number');
    expect(me.headers.get('x-request-id')).toBe(entry?.requestId);
    const all = JSON.stringify(lines);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('pulse.sid');
  });
});
