import fs from 'node:fs';
import { Readable } from 'node:stream';
import { streamUpload, type UploadProgress } from '@pulse/client';
import { BENCH_PASSWORD, tenantHandle } from '../dataset.js';
import { fmtInt, fmtPct, type BenchContext } from '../context.js';
import { login } from '../http.js';
import { now } from '../stats.js';
import { cleanup, copyBaseline, uploadCsv } from './uploads.js';

const FILENAME = 'bench-stream.csv';
const MB = 1024 * 1024;

/** The server's resident set now and at its peak so far (VmRSS, VmHWM in /proc), in bytes. */
function serverMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Issue #16: a CSV of accounts × KPIs (600,000 rows, about 45 MB, in full) sent to
 * POST /api/uploads/stream on the real app, sent in 64 KB pieces, timed to the report; then
 * COPY FROM STDIN of the same rows as stored. The server's peak RSS is read from /proc before and
 * after: streamed, it should not grow with the file.
 */
export async function streamUploadSuite(ctx: BenchContext): Promise<void> {
  const { results, prepared, options } = ctx;
  const client = prepared.pg;
  const tenant = await tenantHandle(client, options.uploadTenant);
  const { accounts, kpis } = options.streamRows;
  const rows = accounts * kpis;
  const csv = uploadCsv(accounts, kpis);
  await cleanup(client, tenant.id, FILENAME);
  const cookie = await login(ctx.app.url, tenant.adminEmail, BENCH_PASSWORD);

  const before = serverMemory(ctx.app.pid);
  const progress: UploadProgress[] = [];
  const pieces = Array.from({ length: Math.ceil(csv.length / 65_536) }, (_, i) => csv.subarray(i * 65_536, (i + 1) * 65_536));
  const body = Readable.toWeb(Readable.from(pieces)) as ReadableStream<Uint8Array>;
  const started = now();
  const result = await streamUpload({ baseUrl: ctx.app.url, headers: () => ({ cookie }) }, { name: FILENAME, body }, {}, (p) => progress.push(p));
  const e2eMs = now() - started;
  const after = serverMemory(ctx.app.pid);
  if (result.report.status !== 'accepted' || result.report.counts.readings !== rows || !result.uploadId) {
    throw new Error(`streamed upload failed: ${JSON.stringify(result.report).slice(0, 500)}`);
  }
  const { copyMs } = await copyBaseline(client, tenant.id, result.uploadId);
  await cleanup(client, tenant.id, FILENAME);

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const share = rate(rows, e2eMs) / rate(rows, copyMs);
  const growth = Math.max(0, after.peak - before.rss);
  const section = '9 streamed CSV upload';
  results.add(
    section,
    `POST /api/uploads/stream end to end (${fmtInt(rows)} rows, ${(csv.length / MB).toFixed(1)} MB)`,
    `${(e2eMs / 1000).toFixed(2)} s = ${fmtInt(rate(rows, e2eMs))} rows/s`,
  );
  results.add(section, 'COPY FROM STDIN, same rows (pg-copy-streams)', `${(copyMs / 1000).toFixed(2)} s = ${fmtInt(rate(rows, copyMs))} rows/s`);
  results.add(section, 'end to end ÷ COPY rate', fmtPct(share));
  results.add(
    section,
    'server RSS before / peak (VmHWM) / growth',
    `${(before.rss / MB).toFixed(0)} / ${(after.peak / MB).toFixed(0)} / ${(growth / MB).toFixed(0)} MB`,
  );
  results.add(section, 'progress lines (one per 5,000 rows stored)', fmtInt(progress.length));
  results.detail('streamUpload', {
    rows,
    csvBytes: csv.length,
    endToEndMs: e2eMs,
    copyMs,
    endToEndShareOfCopy: share,
    serverRss: { before: before.rss, peak: after.peak, growth },
    progressLines: progress.length,
  });
}
