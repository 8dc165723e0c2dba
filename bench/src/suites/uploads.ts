import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { parseCsv } from '@pulse/ingest';
import { bulkInsert, withTenant, type BulkColumn, type Db } from '@pulse/db';
import { importUpload } from '@pulse/api';
import { BENCH_PASSWORD, benchKpis, kpiValues, tenantHandle } from '../dataset.js';
import { fmtInt, fmtMs, fmtPct, type BenchContext } from '../context.js';
import { CLIENT_HEADERS, login } from '../http.js';
import { UPLOAD_PERIOD } from '../options.js';
import { now } from '../stats.js';

const FILENAME = 'bench-upload.csv';
const COLUMNS = [
  'tenant_id',
  'account_id',
  'product_id',
  'upload_id',
  'period',
  'category',
  'kpi_name',
  'kpi_key',
  'raw',
  'value',
  'unit',
  'status',
  'score',
  'impact',
  'weight',
  'source',
  'frequency',
  'warning',
] as const;
const TYPES: BulkColumn['type'][] = [
  'uuid',
  'uuid',
  'uuid',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'text',
  'text',
  'float8',
  'text',
  'float8',
  'text',
  'text',
  'text',
];
const UUID = /^[0-9a-f-]{36}$/i;

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The upload file: `accounts` new accounts × `kpis` KPIs in one month, values from the dataset's value table. */
export function uploadCsv(accounts: number, kpis: number): Buffer {
  const ranges = benchKpis().slice(0, kpis);
  const values = kpiValues(benchKpis());
  const lines = ['account,period,category,kpi,value,impact,weight'];
  for (let a = 1; a <= accounts; a++) {
    const s = (a * 7) % 41;
    ranges.forEach((r, k) => {
      const raw = values[k * 41 + s]?.raw ?? '';
      lines.push(
        [`Bench Upload ${String(a).padStart(5, '0')}`, UPLOAD_PERIOD, r.category, r.kpiName, raw, ['High', 'Medium', 'Low'][k % 3] as string, '0.05']
          .map(csvField)
          .join(','),
      );
    });
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Removes what earlier upload runs left in the upload tenant (accounts cascade to readings, versions, health). */
export async function cleanup(client: pg.Client, tenantId: string, filename = FILENAME): Promise<void> {
  await client.query(`DELETE FROM accounts WHERE tenant_id = $1 AND name_key LIKE 'bench upload %'`, [tenantId]);
  await client.query(`DELETE FROM kpi_uploads WHERE tenant_id = $1 AND filename = $2`, [tenantId, filename]);
}

/**
 * The baseline of an upload: its rows as stored, dumped with COPY TO, then written again with
 * COPY FROM STDIN (pg-copy-streams) in a transaction that is rolled back.
 */
export async function copyBaseline(client: pg.Client, tenantId: string, uploadId: string): Promise<{ copyMs: number }> {
  const chunks: Buffer[] = [];
  await pipeline(
    client.query(copyTo(`COPY (SELECT ${COLUMNS.join(', ')} FROM kpi_readings WHERE tenant_id = '${tenantId}' AND upload_id = '${uploadId}') TO STDOUT`)),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  const dump = Buffer.concat(chunks);
  await client.query('BEGIN');
  const copyStart = now();
  await pipeline(Readable.from([dump]), client.query(copyFrom(`COPY kpi_readings (${COLUMNS.join(', ')}) FROM STDIN`)));
  const copyMs = now() - copyStart;
  await client.query('ROLLBACK');
  return { copyMs };
}

class Rollback extends Error {}

/** Runs fn the way the app does (withTenant: pulse_app, row-level security) and rolls it back. */
async function rolledBack(db: Db, tenantId: string, fn: (tx: Db) => Promise<unknown>): Promise<void> {
  try {
    await withTenant(db, tenantId, async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
}

export async function uploadSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, options } = ctx;
  const client = prepared.pg;
  const db = prepared.handle.db;
  const tenant = await tenantHandle(client, options.uploadTenant);
  const adminId = (await client.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [tenant.adminEmail])).rows[0]?.id as string;
  const rows = options.uploadRows.accounts * options.uploadRows.kpis;
  const csv = uploadCsv(options.uploadRows.accounts, options.uploadRows.kpis);
  await cleanup(client, tenant.id);
  await client.query('VACUUM ANALYZE accounts');

  // Parse alone (CPU only), then the domain import in-process (rolled back): attribution for the end-to-end number.
  const parseStart = now();
  const parsed = parseCsv(csv);
  const parseMs = now() - parseStart;
  if (parsed.problems.length || parsed.rows.length !== rows)
    throw new Error(`upload CSV parse: ${parsed.rows.length} rows, ${parsed.problems.length} problems`);
  const domainStart = now();
  await rolledBack(db, tenant.id, (tx) =>
    importUpload(tx, { tenantId: tenant.id, userId: adminId, ip: null }, { filename: FILENAME, contentType: 'text/csv', bytes: csv }),
  );
  const domainMs = now() - domainStart;

  // End to end: multipart POST to uploads.create on the real app, as the browser sends it.
  const cookie = await login(ctx.app.url, tenant.adminEmail, BENCH_PASSWORD);
  const form = new FormData();
  form.set('file', new File([csv], FILENAME, { type: 'text/csv' }));
  const e2eStart = now();
  const res = await fetch(`${ctx.app.url}/api/trpc/uploads.create`, { method: 'POST', headers: { ...CLIENT_HEADERS, cookie }, body: form });
  const body = (await res.json()) as { result?: { data: { uploadId: string; report: { status: string; counts: { readings: number } } } } };
  const e2eMs = now() - e2eStart;
  const report = body.result?.data.report;
  if (res.status !== 200 || report?.status !== 'accepted' || report.counts.readings !== rows) {
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  const uploadId = body.result?.data.uploadId as string;
  if (!UUID.test(uploadId) || !UUID.test(tenant.id)) throw new Error('unexpected ids');

  const { copyMs } = await copyBaseline(client, tenant.id, uploadId);
  const stored = (
    await client.query({
      text: `SELECT ${COLUMNS.join(', ')} FROM kpi_readings WHERE tenant_id = $1 AND upload_id = $2`,
      values: [tenant.id, uploadId],
      rowMode: 'array',
    })
  ).rows as unknown[][];

  // The domain's own bulk insert (unnest, 5,000 rows a statement) of the same rows, rolled back.
  const bulkStart = now();
  await rolledBack(db, tenant.id, (tx) =>
    bulkInsert(
      tx,
      'kpi_readings',
      COLUMNS.map((name, i) => ({ name, type: TYPES[i] as BulkColumn['type'], values: stored.map((r) => r[i]) })),
    ),
  );
  const bulkMs = now() - bulkStart;

  // Row by row: one INSERT per reading (prepared), one transaction, rolled back.
  const single = stored.slice(0, options.rowByRowRows);
  const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  await client.query('BEGIN');
  const rowStart = now();
  for (const r of single) {
    await client.query({ name: 'bench_row_insert', text: `INSERT INTO kpi_readings (${COLUMNS.join(', ')}) VALUES (${placeholders})`, values: r });
  }
  const rowMs = now() - rowStart;
  await client.query('ROLLBACK');

  await cleanup(client, tenant.id);

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const e2eRate = rate(rows, e2eMs);
  const copyRate = rate(rows, copyMs);
  const share = e2eRate / copyRate;
  results.add(
    '2 upload ingestion',
    `uploads.create end to end (${fmtInt(rows)} rows, HTTP multipart)`,
    `${(e2eMs / 1000).toFixed(2)} s = ${fmtInt(e2eRate)} rows/s`,
  );
  results.add('2 upload ingestion', `COPY FROM STDIN, same rows (pg-copy-streams)`, `${(copyMs / 1000).toFixed(2)} s = ${fmtInt(copyRate)} rows/s`);
  results.add('2 upload ingestion', 'end to end ÷ COPY rate', fmtPct(share), '≥ 50%', share >= 0.5);
  results.add('2 upload ingestion', `  of which: parse CSV / domain import (rolled back)`, `${fmtMs(parseMs)} / ${(domainMs / 1000).toFixed(2)} s`);
  results.add('2 upload ingestion', `domain bulkInsert (unnest ×5,000), same rows`, `${(bulkMs / 1000).toFixed(2)} s = ${fmtInt(rate(rows, bulkMs))} rows/s`);
  results.add(
    '2 upload ingestion',
    `row-by-row INSERT (${fmtInt(single.length)} rows, 1 tx)`,
    `${(rowMs / 1000).toFixed(2)} s = ${fmtInt(rate(single.length, rowMs))} rows/s`,
  );
  results.detail('upload', {
    rows,
    csvBytes: csv.length,
    endToEnd: { ms: e2eMs, rowsPerSecond: e2eRate },
    parseMs,
    domainImportMs: domainMs,
    copy: { ms: copyMs, rowsPerSecond: copyRate, method: 'COPY kpi_readings FROM STDIN (text format) via pg-copy-streams, in a rolled-back transaction' },
    bulkInsert: { ms: bulkMs, rowsPerSecond: rate(rows, bulkMs) },
    rowByRow: { rows: single.length, ms: rowMs, rowsPerSecond: rate(single.length, rowMs) },
    endToEndShareOfCopy: share,
  });
}
