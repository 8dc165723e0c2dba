import { Worker } from 'node:worker_threads';
import type { CustomerProfilesResult } from './profiles.js';
import type { ParseResult } from './types.js';

/** What a worker thread is asked to parse (the bytes are copied to it). */
export type WorkbookJob = { kind: 'workbook'; bytes: Uint8Array; period: string; accountName: string | null } | { kind: 'profiles'; bytes: Uint8Array };

/**
 * A worker's answer to one job: the parse result (which may list problems), or why the file
 * is refused unread as a sentence: its zip entries unpack to more than their headers say,
 * or reading it took more time or memory than allowed.
 */
export type WorkerReply<T> = { result: T } | { refusal: string };

/** Bounds on one workbook parse: wall-clock time and the worker's JavaScript heap. */
export interface WorkerLimits {
  timeoutMs: number;
  maxHeapMb: number;
}

export const WORKER_LIMITS: WorkerLimits = { timeoutMs: 30_000, maxHeapMb: 512 };

/** Idle workers are kept for the next job (starting one loads exceljs: a second or more), at most this many and this long. */
const MAX_IDLE_WORKERS = 2;
const IDLE_MS = 60_000;

/**
 * Starts a worker. From the TypeScript sources (tsx, vitest) a worker cannot load a .ts
 * entry by itself, so a one-line bootstrap registers tsx in the worker and imports it; from
 * compiled JavaScript the .js entry beside this file runs directly.
 */
function startWorker(maxHeapMb: number): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./workbook-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  const options = { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 } };
  if (!fromSources) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

interface IdleWorker {
  worker: Worker;
  maxHeapMb: number;
  timer: NodeJS.Timeout;
}

const idle: IdleWorker[] = [];

function takeWorker(maxHeapMb: number): Worker {
  const index = idle.findIndex((w) => w.maxHeapMb === maxHeapMb);
  if (index < 0) return startWorker(maxHeapMb);
  const [kept] = idle.splice(index, 1) as [IdleWorker];
  clearTimeout(kept.timer);
  kept.worker.ref();
  return kept.worker;
}

function keepWorker(worker: Worker, maxHeapMb: number): void {
  for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
  if (idle.length >= MAX_IDLE_WORKERS) return void worker.terminate();
  worker.unref();
  const timer = setTimeout(() => {
    idle.splice(
      idle.findIndex((w) => w.worker === worker),
      1,
    );
    void worker.terminate();
  }, IDLE_MS).unref();
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    const index = idle.findIndex((w) => w.worker === worker);
    if (index >= 0) clearTimeout(idle.splice(index, 1)[0]?.timer);
  });
  idle.push({ worker, maxHeapMb, timer });
}

/**
 * Runs one parse in a worker thread. A worker that answered is kept for the next job; one
 * that ran out of time is terminated, and one that ran out of memory or crashed has ended:
 * either way the job's refusal comes back as a sentence.
 */
function runInWorker<T>(job: WorkbookJob, limits: WorkerLimits): Promise<WorkerReply<T>> {
  return new Promise((resolve) => {
    const worker = takeWorker(limits.maxHeapMb);
    let settled = false;
    const settle = (reply: WorkerReply<T>, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (reusable) keepWorker(worker, limits.maxHeapMb);
      else void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(
      () => settle({ refusal: `The workbook took longer than ${Math.round(limits.timeoutMs / 1000)} seconds to read; it was not imported.` }, false),
      limits.timeoutMs,
    );
    worker.on('message', (reply: WorkerReply<T>) => settle(reply, true));
    worker.on('error', (error: Error & { code?: string }) =>
      settle(
        {
          refusal:
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `The workbook needs more than ${limits.maxHeapMb} MB of memory to read; it was not imported.`
              : `The file is not a readable .xlsx workbook: ${error.message}`,
        },
        false,
      ),
    );
    worker.on('exit', () => settle({ refusal: 'The workbook could not be read: the reader stopped before it finished.' }, false));
    worker.postMessage(job);
  });
}

/**
 * parseWorkbook in a worker thread, so that a workbook that is slow or heavy to read (a zip
 * bomb whose headers lie, a huge sheet) neither blocks the server's event loop nor takes more
 * than limits.maxHeapMb of heap or limits.timeoutMs of time.
 */
export function parseWorkbookInWorker(
  bytes: Buffer,
  opts: { period: string; accountName?: string | null },
  limits: WorkerLimits = WORKER_LIMITS,
): Promise<WorkerReply<ParseResult>> {
  return runInWorker({ kind: 'workbook', bytes: new Uint8Array(bytes), period: opts.period, accountName: opts.accountName ?? null }, limits);
}

/** parseCustomerProfiles in a worker thread, under the same limits as parseWorkbookInWorker. */
export function parseCustomerProfilesInWorker(bytes: Buffer, limits: WorkerLimits = WORKER_LIMITS): Promise<WorkerReply<CustomerProfilesResult>> {
  return runInWorker({ kind: 'profiles', bytes: new Uint8Array(bytes) }, limits);
}
