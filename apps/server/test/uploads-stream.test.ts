import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES, streamUpload, UploadError, type UploadProgress } from '@pulse/client';
import { registerTenant, useTestServer, type HttpClient } from './harness.js';

const app = useTestServer();

const HEADER = 'account,period,category,kpi,value,impact';
/** Line i of a generated file: 100 accounts, 60 KPIs each (every line a distinct reading). */
const line = (i: number) => `Account ${i % 100},2026-01,Support,KPI ${Math.floor(i / 100)},${i % 100}%,High`;
const csvOf = (lines: string[]) => Buffer.from(`${[HEADER, ...lines].join('\n')}\n`);

function send(
  client: HttpClient,
  name: string,
  body: Blob | ReadableStream<Uint8Array>,
  fields: Record<string, string> = {},
  onProgress?: (p: UploadProgress) => void,
) {
  return streamUpload({ baseUrl: app.url, headers: () => ({ cookie: client.cookie ?? '', origin: app.url }) }, { name, body }, fields, onProgress);
}

async function readingCount(client: HttpClient): Promise<number> {
  const accounts = await client.query<{ items: unknown[] }>('accounts.list', { limit: 100 });
  return accounts.data.items.length;
}

describe('POST /api/uploads/stream', () => {
  it('imports a CSV as it arrives, reports rows parsed and stored, and gives the report uploads.create gives', async () => {
    const a = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const b = await registerTenant(app.url, 'Beta', 'bob@beta.test');
    // 7,000 rows: one full batch of 5,000 and the rest at the end.
    const csv = csvOf(Array.from({ length: 7000 }, (_, i) => line(i)));
    const progress: UploadProgress[] = [];
    const streamed = await send(a, 'readings.csv', new Blob([csv]), {}, (p) => progress.push(p));
    expect(streamed.report).toMatchObject({ status: 'accepted', format: 'csv', counts: { readings: 7000, accountsCreated: 100 } });
    expect(progress.map((p) => [p.rowsParsed, p.rowsStored])).toEqual([
      [5000, 5000],
      [7000, 7000],
    ]);
    expect(progress.at(-1)?.bytes).toBe(csv.length);

    const form = new FormData();
    form.set('file', new File([csv], 'readings.csv', { type: 'text/csv' }));
    const res = await fetch(`${app.url}/api/trpc/uploads.create`, {
      method: 'POST',
      headers: { cookie: b.cookie ?? '', 'x-pulse-client': 'web', origin: app.url },
      body: form,
    });
    const viaCreate = ((await res.json()) as { result: { data: typeof streamed } }).result.data;
    const withoutIds = (r: typeof streamed.report) => ({
      ...r,
      accounts: r.accounts.map(({ name, created }) => ({ name, created })),
      versions: r.versions.map(({ account, period, version, readings }) => ({ account, period, version, readings })),
    });
    expect(withoutIds(viaCreate.report)).toEqual(withoutIds(streamed.report));

    const file = await fetch(`${app.url}/api/uploads/${streamed.uploadId}/file`, { headers: { cookie: a.cookie ?? '' } });
    expect(Buffer.from(await file.arrayBuffer()).equals(csv)).toBe(true);
    const detail = await a.query<{ sha256: string; sizeBytes: number }>('uploads.byId', { id: streamed.uploadId });
    expect(detail.data).toMatchObject({ sha256: (await import('node:crypto')).createHash('sha256').update(csv).digest('hex'), sizeBytes: csv.length });
    expect((await b.query('uploads.byId', { id: streamed.uploadId })).status).toBe(404);
    const asB = await fetch(`${app.url}/api/uploads/${streamed.uploadId}/file`, { headers: { cookie: b.cookie ?? '' } });
    expect(asB.status).toBe(404);
  }, 120_000);

  it('sends progress while the file is still arriving', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const first = csvOf(Array.from({ length: 6000 }, (_, i) => line(i)));
    const rest = Buffer.from(`${Array.from({ length: 10 }, (_, i) => line(6000 + i)).join('\n')}\n`);
    let sawProgress: () => void = () => {};
    const progressSeen = new Promise<void>((resolve) => (sawProgress = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(first);
        // The rest is sent only once the server said it stored the first 5,000 rows.
        await progressSeen;
        controller.enqueue(rest);
        controller.close();
      },
    });
    const progress: UploadProgress[] = [];
    const result = await send(client, 'live.csv', body, {}, (p) => {
      progress.push(p);
      if (p.rowsStored >= 5000) sawProgress();
    });
    expect(progress[0]).toMatchObject({ rowsParsed: 5000, rowsStored: 5000 });
    expect(result.report.counts.readings).toBe(6010);
  });

  it('stores nothing of a file whose last line has a problem, and says where', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const lines = Array.from({ length: 6000 }, (_, i) => line(i));
    const csv = csvOf([...lines, 'Account 1,2026-13,Support,KPI late,5,High']);
    const progress: UploadProgress[] = [];
    const result = await send(client, 'late-error.csv', new Blob([csv]), {}, (p) => progress.push(p));
    // Rows were stored batch by batch before the bad line was read, then rolled back.
    expect(progress[0]).toMatchObject({ rowsStored: 5000 });
    expect(result.report).toMatchObject({
      status: 'rejected',
      problems: [{ sheet: null, row: 6002, column: 'period', message: "Period '2026-13' is not a valid month (expected YYYY-MM, year 2000-2100)" }],
      counts: { readings: 0 },
    });
    expect(await readingCount(client)).toBe(0);
    const uploads = await client.query<{ items: { id: string; status: string }[] }>('uploads.list', { limit: 10 });
    expect(uploads.data.items).toEqual([expect.objectContaining({ id: result.uploadId, status: 'rejected' })]);
    const file = await fetch(`${app.url}/api/uploads/${result.uploadId}/file`, { headers: { cookie: client.cookie ?? '' } });
    expect(Buffer.from(await file.arrayBuffer()).equals(csv)).toBe(true);
  });

  it("refuses a body declared larger than the CSV limit with 413 and a sentence in tRPC's error shape, and a workbook over 16 MB too", async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const declare = (filename: string, length: number) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = http.request(`${app.url}/api/uploads/stream?filename=${filename}`, {
          method: 'POST',
          headers: {
            cookie: client.cookie ?? '',
            'x-pulse-client': 'web',
            origin: app.url,
            'content-type': 'application/octet-stream',
            'content-length': String(length),
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    // -32013 is tRPC's JSON-RPC code for PAYLOAD_TOO_LARGE.
    const tooLarge = (message: string) => ({ status: 413, body: { error: { message, code: -32013, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } } });
    expect(await declare('big.csv', MAX_CSV_UPLOAD_BYTES + 1)).toEqual(
      tooLarge('The CSV file is larger than 128 MB, the most Pulse takes in one upload: split it into smaller files.'),
    );
    expect(await declare('big.xlsx', MAX_UPLOAD_BYTES + 1)).toEqual(tooLarge('The file is larger than 16 MB.'));
  });

  it('refuses a CSV file with a NUL byte past its first 8 KB, storing nothing, not even a rejected upload', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    // 6,000 good lines (one batch of 5,000 is stored before the NUL byte arrives), then a NUL byte.
    const csv = Buffer.concat([csvOf(Array.from({ length: 6000 }, (_, i) => line(i))), Buffer.from([0])]);
    const result = await send(client, 'nul.csv', new Blob([csv]));
    expect(result).toEqual({
      uploadId: null,
      report: expect.objectContaining({
        status: 'rejected',
        problems: [{ sheet: null, row: null, column: 'file', message: 'The file is not a text file: it contains NUL bytes.' }],
      }),
    });
    expect((await client.query<{ items: unknown[] }>('uploads.list', { limit: 10 })).data.items).toEqual([]);
    expect(await readingCount(client)).toBe(0);
  });

  it('refuses a workbook that turns out larger than 16 MB while it arrives, storing nothing', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const zip = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    zip.write('PK\u0003\u0004');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < zip.length; at += 1 << 20) controller.enqueue(zip.subarray(at, at + (1 << 20)));
        controller.close();
      },
    });
    const result = await send(client, 'big.xlsx', body);
    expect(result).toEqual({
      uploadId: null,
      report: expect.objectContaining({ status: 'rejected', problems: [expect.objectContaining({ message: 'The file is larger than 16 MB.' })] }),
    });
    expect((await client.query<{ items: unknown[] }>('uploads.list', { limit: 10 })).data.items).toEqual([]);
  });

  it('answers 401 signed out, 403 to a read-only token or a request a form could send, 400 with a field sentence to a bad field; a read-write token may upload', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const csv = new Blob([csvOf([line(0)])]);
    const anon = await streamUpload({ baseUrl: app.url, headers: () => ({ origin: app.url }) }, { name: 'a.csv', body: csv }, {}).catch((e: unknown) => e);
    expect(anon).toEqual(new UploadError(401, 'Please sign in.', {}, 'UNAUTHORIZED'));
    expect(anon).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    const anonAnswer = await fetch(`${app.url}/api/uploads/stream?filename=a.csv`, {
      method: 'POST',
      headers: { origin: app.url, 'x-pulse-client': 'web', 'content-type': 'application/octet-stream' },
      body: 'account',
    });
    expect({ status: anonAnswer.status, body: await anonAnswer.json() }).toEqual({
      status: 401,
      body: { error: { message: 'Please sign in.', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } } },
    });

    const token = await client.mutation<{ token: string }>('tokens.create', { name: 'reader', scope: 'read' });
    const readOnly = await streamUpload({ baseUrl: app.url, token: token.data.token }, { name: 'a.csv', body: csv }, {}).catch((e: unknown) => e);
    expect(readOnly).toMatchObject({ status: 403, code: 'FORBIDDEN', message: 'This API token can only read: create a read-write token to change data.' });

    const writer = await client.mutation<{ token: string }>('tokens.create', { name: 'feed', scope: 'read-write' });
    const viaToken = await streamUpload({ baseUrl: app.url, token: writer.data.token }, { name: 'a.csv', body: csv }, { createAccounts: 'false' });
    expect(viaToken.report.problems).toEqual([
      { sheet: null, row: 2, column: 'account', message: 'Unknown account "Account 0" (this upload may not create accounts).' },
    ]);

    // A plain HTML form can send text/plain, and cannot set the client header: both refused with the session cookie.
    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/api/uploads/stream?filename=a.csv`, {
        method: 'POST',
        headers: { cookie: client.cookie ?? '', origin: app.url, ...headers },
        body: 'account,period',
      });
    expect((await post({ 'x-pulse-client': 'web', 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post({ 'content-type': 'application/octet-stream' })).status).toBe(403);

    const bad = await send(client, 'a.csv', csv, { createAccounts: 'maybe' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'Invalid upload fields.',
      fieldErrors: { createAccounts: ['Say true or false for creating accounts.'] },
    });
    expect(await readingCount(client)).toBe(0);
  });
});
