import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGate } from '../../../packages/api/src/domain/import-gate.js';
import { zipBombWorkbook } from '../../../packages/ingest/test/zip-bomb.js';
import { registerTenant, useTestServer, type HttpClient } from './harness.js';

const sample = fs.readFileSync(path.resolve(import.meta.dirname, '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'));

const app = useTestServer();

async function upload(client: HttpClient, fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new File([file.bytes], file.name, { type: file.type ?? '' }));
  return fetch(`${app.url}/api/trpc/uploads.create`, {
    method: 'POST',
    headers: { cookie: client.cookie ?? '', 'x-pulse-client': 'web', origin: app.url },
    body: form,
  });
}

describe('uploads over HTTP', () => {
  it('accepts a multipart workbook upload and serves the original file back', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await upload(client, { period: '2026-02' }, { name: 'automotive.xlsx', bytes: sample });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { uploadId: string; report: { status: string; counts: { readings: number } } } } };
    expect(body.result.data.report).toMatchObject({ status: 'accepted', counts: { readings: 59 } });

    const file = await fetch(`${app.url}/api/uploads/${body.result.data.uploadId}/file`, { headers: { cookie: client.cookie ?? '' } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('automotive.xlsx');
    expect(Buffer.from(await file.arrayBuffer()).equals(sample)).toBe(true);
  });

  it("does not serve another tenant's file, nor any file when signed out", async () => {
    const a = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const b = await registerTenant(app.url, 'Beta', 'bob@beta.test');
    const res = await upload(a, { period: '2026-02' }, { name: 'automotive.xlsx', bytes: sample });
    const { result } = (await res.json()) as { result: { data: { uploadId: string } } };
    const asB = await fetch(`${app.url}/api/uploads/${result.data.uploadId}/file`, { headers: { cookie: b.cookie ?? '' } });
    expect(asB.status).toBe(404);
    const missing = await fetch(`${app.url}/api/uploads/00000000-0000-4000-8000-000000000000/file`, { headers: { cookie: b.cookie ?? '' } });
    expect(missing.status).toBe(404);
    // Another tenant's upload and one that does not exist get the same answer, in tRPC's error shape (-32004 = NOT_FOUND).
    const notFound = { error: { message: 'Upload not found.', code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404 } } };
    expect(await asB.json()).toEqual(notFound);
    expect(await missing.json()).toEqual(notFound);
    const anon = await fetch(`${app.url}/api/uploads/${result.data.uploadId}/file`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { data: { code: 'UNAUTHORIZED', httpStatus: 401 } } });
  });

  it('rejects a multipart upload without a file with a field error', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await upload(client, { period: '2026-02' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { fieldErrors: Record<string, string[]> } } };
    expect(body.error.data.fieldErrors.file).toBeDefined();
  });

  it('rejects a body over 16 MB before importing anything', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const res = await upload(client, { period: '2026-02' }, { name: 'big.csv', bytes: Buffer.alloc(17 * 1024 * 1024, 97) });
    expect(res.status).toBe(413);
    const uploads = await app.handle.db.selectFrom('kpi_uploads').select('kpi_uploads.id').execute();
    expect(uploads).toHaveLength(0);
  });

  it('serves a stored file as an attachment of no runnable type, whatever type it was uploaded as', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const bytes = Buffer.from('account,period,category,kpi,value\nAcme,2026-01,Support,Ticket Volume,5\n');
    const res = await upload(client, {}, { name: 'readings.csv', bytes, type: 'application/javascript' });
    const { result } = (await res.json()) as { result: { data: { uploadId: string; report: { status: string } } } };
    expect(result.data.report.status).toBe('accepted');
    const file = await fetch(`${app.url}/api/uploads/${result.data.uploadId}/file`, { headers: { cookie: client.cookie ?? '' } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''readings.csv");
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('keeps no bytes of a file that is neither CSV nor XLSX, whatever its name or declared type', async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const script = Buffer.from('fetch("/api/export").then((r) => r.blob())');
    for (const file of [
      { name: 'x.js', bytes: script, type: 'application/javascript' },
      { name: 'x.txt', bytes: script, type: 'text/csv' },
      {
        name: 'x.xlsx',
        bytes: Buffer.from('<html><script>alert(1)</script></html>'),
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    ]) {
      const res = await upload(client, {}, file);
      expect(res.status, file.name).toBe(200);
      const body = (await res.json()) as { result: { data: { uploadId: string | null; report: { status: string; problems: { message: string }[] } } } };
      expect(body.result.data.uploadId, file.name).toBeNull();
      expect(body.result.data.report.problems[0]?.message, file.name).toMatch(/^Unsupported file type/);
    }
    expect(await app.handle.db.selectFrom('kpi_uploads').select('kpi_uploads.id').execute()).toEqual([]);
  });

  it('refuses zip bombs in parallel while /api/health keeps answering, and memory stays bounded', { timeout: 180_000 }, async () => {
    const clients = await Promise.all(['Acme', 'Beta', 'Gamma'].map((org) => registerTenant(app.url, org, `admin@${org.toLowerCase()}.test`)));
    // Two bombs whose central directory says 300 MB (refused unopened) and one that claims
    // 1 KB but inflates to 300 MB (stopped in the worker thread at the 1,025th byte).
    const bombs = [zipBombWorkbook(300), zipBombWorkbook(300), zipBombWorkbook(300, { lie: true })];
    expect(Math.max(...bombs.map((b) => b.length))).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const healthTimes: number[] = [];
    let uploading = true;
    const probe = (async () => {
      while (uploading) {
        const started = performance.now();
        const res = await fetch(`${app.url}/api/health`);
        healthTimes.push(performance.now() - started);
        expect(res.status).toBe(200);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const answers = await Promise.all(bombs.map((bytes, i) => upload(clients[i] as HttpClient, { period: '2026-01' }, { name: 'bomb.xlsx', bytes })));
    uploading = false;
    await probe;
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      result: { data: { uploadId: string | null; report: { status: string; problems: { message: string }[] } } };
    }[];
    expect(bodies.map((b) => b.result.data.uploadId)).toEqual([null, null, null]);
    expect(bodies.map((b) => b.result.data.report.problems[0]?.message)).toEqual([
      expect.stringMatching(/^The workbook unpacks to 301 MB, more than the 64 MB Pulse reads/),
      expect.stringMatching(/^The workbook unpacks to 301 MB, more than the 64 MB Pulse reads/),
      expect.stringMatching(/^The workbook's contents do not match its table of contents/),
    ]);
    expect(healthTimes.length).toBeGreaterThan(0);
    expect(Math.max(...healthTimes)).toBeLessThan(1000);
    // Parsing one such bomb took about 3 GB before; a worker thread with exceljs loaded takes about 100 MB.
    expect(peakRss - rssBefore).toBeLessThan(400 * 1024 * 1024);
    expect(await app.handle.db.selectFrom('kpi_uploads').select('kpi_uploads.id').execute()).toEqual([]);

    const normal = await upload(clients[0] as HttpClient, { period: '2026-02' }, { name: 'automotive.xlsx', bytes: sample });
    const { result } = (await normal.json()) as { result: { data: { report: { status: string; counts: { readings: number } } } } };
    expect(result.data.report).toMatchObject({ status: 'accepted', counts: { readings: 59 } });
  });

  it('makes an extra import wait for a free slot, and answers 429 with Retry-After when none frees in time', { timeout: 120_000 }, async () => {
    const client = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const csvFile = { name: 'readings.csv', bytes: Buffer.from('account,period,category,kpi,value\nAcme,2026-01,Support,Ticket Volume,5\n') };
    // Other imports hold every slot of the process.
    const held = await Promise.all(Array.from({ length: importGate.limits.perProcess }, (_, i) => importGate.acquire(`other-tenant-${i}`)));
    const waiting = upload(client, {}, csvFile);
    await new Promise((resolve) => setTimeout(resolve, 500));
    held[0]?.();
    expect((await waiting).status).toBe(200);
    held[0] = await importGate.acquire('other-tenant-0');

    const refused = await upload(client, {}, csvFile);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(Math.ceil(importGate.limits.waitMs / 1000)));
    const body = (await refused.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(body.error.message).toMatch(/^Pulse is busy importing other files\. Try again in \d+ seconds\.$/);
    for (const release of held) release?.();
    expect(await app.handle.db.selectFrom('kpi_uploads').select('kpi_uploads.id').execute()).toHaveLength(1);
  });
});
