/**
 * The body of the worker threads that parse workbooks (see worker.ts): each message is one
 * job, answered with its result or its refusal; the thread then waits for the next.
 */
import { parentPort } from 'node:worker_threads';
import { parseCustomerProfiles } from './profiles.js';
import { parseWorkbook } from './workbook.js';
import type { WorkbookJob, WorkerReply } from './worker.js';
import { verifyZipSizes } from './zip.js';

async function run(job: WorkbookJob): Promise<WorkerReply<unknown>> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const lie = await verifyZipSizes(bytes);
  if (lie) return { refusal: lie };
  if (job.kind === 'workbook') return { result: await parseWorkbook(bytes, { period: job.period, accountName: job.accountName }) };
  return { result: await parseCustomerProfiles(bytes) };
}

parentPort?.on('message', (job: WorkbookJob) => {
  run(job).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) => parentPort?.postMessage({ refusal: `The workbook could not be read: ${error instanceof Error ? error.message : String(error)}` }),
  );
});
