import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerTenant, useTestServer, type HttpClient } from './harness.js';

const sample = fs.readFileSync(
  path.resolve(import.meta.dirname, '../../../packages/db/seed/samples/workbooks/automotive_solutions_kpis.xlsx'),
);

const app = useTestServer();

async function upload(client: HttpClient, fields: Record<string, string>, file?: { name: string; bytes: Buffer }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new File([file.bytes], file.name));
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

  it('does not serve another tenant\'s file, nor any file when signed out', async () => {
    const a = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const b = await registerTenant(app.url, 'Beta', 'bob@beta.test');
    const res = await upload(a, { period: '2026-02' }, { name: 'automotive.xlsx', bytes: sample });
    const { result } = (await res.json()) as { result: { data: { uploadId: string } } };
    const asB = await fetch(`${app.url}/api/uploads/${result.data.uploadId}/file`, { headers: { cookie: b.cookie ?? '' } });
    expect(asB.status).toBe(404);
    const missing = await fetch(`${app.url}/api/uploads/00000000-0000-4000-8000-000000000000/file`, { headers: { cookie: b.cookie ?? '' } });
    expect(missing.status).toBe(404);
    expect(await asB.json()).toEqual(await missing.json());
    const anon = await fetch(`${app.url}/api/uploads/${result.data.uploadId}/file`);
    expect(anon.status).toBe(401);
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
});
