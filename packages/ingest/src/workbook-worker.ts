/**
 * The body of the worker threads that parse workbooks (see worker.ts): each message is one
 * job, answered with its result (or the error that stopped it); the thread then waits for the next.
 */
import { parentPort } from 'node:worker_threads';
import { parseCustomerProfiles } from './profiles.js';
import { parseWorkbook } from './workbook.js';
import type { WorkbookJob, WorkerReply } from './worker.js';

async function run(job: WorkbookJob) {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  if (job.kind === 'workbook') return parseWorkbook(bytes, { period: job.period, accountName: job.accountName });
  return parseCustomerProfiles(bytes);
}

parentPort?.on('message', (job: WorkbookJob) => {
  run(job).then(
    (result) => parentPort?.postMessage({ result } satisfies WorkerReply<unknown>),
    (error: unknown) => parentPort?.postMessage({ failure: error instanceof Error ? error.message : String(error) } satisfies WorkerReply<unknown>),
  );
});
