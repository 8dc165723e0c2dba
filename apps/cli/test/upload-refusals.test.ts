import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

/** What a Pulse server answers to POST /api/uploads/stream next: a status and body, or NDJSON lines. */
let answer: { status: number; body: string } = { status: 200, body: '' };

/** An error as the server answers it, in tRPC's shape (apps/server/src/refusals.ts, errorShape). */
const trpcError = (code: string, httpStatus: number, message: string, fieldErrors?: Record<string, string[]>) =>
  JSON.stringify({ error: { message, code: -32000, data: { code, httpStatus, ...(fieldErrors ? { fieldErrors } : {}) } } });

let server: http.Server;
let url: string;
let work: string;
let csv: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const type = answer.status === 200 ? 'application/x-ndjson' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = tempDir('pulse-cli-refusals-');
  csv = path.join(work, 'readings.csv');
  fs.writeFileSync(csv, 'account,period,category,kpi,value\nAcme,2026-01,Support,MTTR,5\n');
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** pulse upload of a small CSV file with an API token, against the server playing answer. */
function upload(next: typeof answer) {
  answer = next;
  return runCli(['upload', csv], { configDir: work, env: { PULSE_TOKEN: 'pulse_test_token', PULSE_URL: url } });
}

describe('pulse upload when the server refuses or fails', () => {
  it('prints the sentence of a 413, a 400 with each field, a 401 and a failure line after progress, never a code', async () => {
    const tooLarge = await upload({
      status: 413,
      body: trpcError('PAYLOAD_TOO_LARGE', 413, 'The CSV file is larger than 128 MB, the most Pulse takes in one upload: split it into smaller files.'),
    });
    expect([tooLarge.code, tooLarge.stderr.trim().split('\n').at(-1)]).toEqual([
      1,
      'pulse: The CSV file is larger than 128 MB, the most Pulse takes in one upload: split it into smaller files.',
    ]);

    const badFields = await upload({ status: 400, body: trpcError('BAD_REQUEST', 400, 'Invalid upload fields.', { period: ['Use the form YYYY-MM.'] }) });
    expect(badFields.code).toBe(1);
    expect(badFields.stderr).toContain('Invalid upload fields.\n  period: Use the form YYYY-MM.');

    const refused = await upload({ status: 401, body: trpcError('UNAUTHORIZED', 401, 'Please sign in.') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The API token was refused: it may have been revoked or have expired (create a new one in Pulse).');

    const progress = JSON.stringify({ progress: { bytes: 10, rowsParsed: 5000, rowsStored: 5000 } });
    const failed = await upload({
      status: 200,
      body: `${progress}\n${trpcError('INTERNAL_SERVER_ERROR', 500, 'The upload failed on the server; nothing was stored. Try again.')}\n`,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('The upload failed on the server; nothing was stored. Try again.');

    for (const result of [tooLarge, badFields, refused, failed]) expect(result.stderr).not.toMatch(/[A-Z]+_[A-Z_]+/);
  });
});
